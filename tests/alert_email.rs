//! Alerts end to end: a served feed with a burst of complaints, the poller, the outbox and a
//! real SMTP server on loopback.

mod common;
#[path = "common/smtp.rs"]
mod smtp;

use common::{Server, feed, subject, unqp, write};
use jiff::Timestamp;
use smtp::SmtpServer;

/// A JSON Feed of posts dated the way forum exports write it, minutes ago ("il y a 3
/// min", read against the time Vigie reads the feed), so they are news now even on the
/// source's first poll.
fn complaints(hostile: bool) -> String {
    // Eight different customers, eight different complaints (copies of one text would be
    // one story, and one story is no spike).
    const COMPLAINTS: [(&str, &str); 8] = [
        (
            "Acme : produit en panne",
            "Mon grille-pain Acme ne chauffe plus après deux semaines, je suis très déçu.",
        ),
        (
            "Service client Acme injoignable",
            "Trois jours que j'appelle le service client d'Acme, personne ne répond jamais.",
        ),
        (
            "Remboursement refusé par Acme",
            "Acme refuse de rembourser ma bouilloire défectueuse, c'est lamentable.",
        ),
        (
            "Odeur de brûlé avec Acme",
            "Une odeur de brûlé sort de mon four Acme dès la première utilisation, inadmissible.",
        ),
        (
            "Acme, plus jamais",
            "Deuxième panne en un mois sur un produit Acme, je ne rachèterai jamais cette marque.",
        ),
        (
            "Livraison Acme catastrophique",
            "Colis Acme arrivé cassé, et le transporteur comme Acme se renvoient la faute.",
        ),
        (
            "Appli Acme qui plante",
            "L'application Acme plante à chaque mise à jour, impossible de régler la cafetière.",
        ),
        (
            "Garantie Acme : arnaque",
            "La garantie Acme ne couvre rien, on m'a demandé de payer la réparation. Arnaque.",
        ),
    ];
    let mut items: Vec<serde_json::Value> = COMPLAINTS
        .iter()
        .enumerate()
        .map(|(i, (title, text))| {
            serde_json::json!({
                "id": format!("p{i}"),
                "url": format!("https://forum.example.org/t/{i}"),
                "title": title,
                "content_text": text,
                "date_published": format!("il y a {} min", 2 + 3 * i)
            })
        })
        .collect();
    if hostile {
        items.push(serde_json::json!({
            "id": "evil",
            "url": "javascript:alert(document.cookie)",
            "title": "Acme nul\r\nBcc: victim@example.net <script>alert(1)</script> \u{202e}gnp.exe",
            "date_published": "il y a 1 min",
            "content_html": "<p>Acme <img src=x onerror=alert(1)> nul, arnaque <a href=\"javascript:alert(2)\">ici</a></p>"
        }));
    }
    serde_json::json!({"version": "https://jsonfeed.org/version/1.1", "title": "Forum", "items": items})
        .to_string()
}

/// A JSON Feed of undated, neutral news items about Acme.
fn news(ids: std::ops::RangeInclusive<u32>) -> String {
    // Each a different piece of news: copies of one would be one story.
    const WHAT: [&str; 6] = [
        "l'usine de Lyon",
        "la filiale belge",
        "le nouveau directeur financier",
        "la gamme de cafetières",
        "le site de Rouen",
        "la marque premium",
    ];
    const DOES: [&str; 4] = [
        "présente ses résultats trimestriels",
        "annonce un partenariat avec un distributeur",
        "recrute une cinquantaine de techniciens",
        "lance une campagne publicitaire nationale",
    ];
    let items: Vec<serde_json::Value> = ids
        .map(|i| {
            let (what, does) = (WHAT[i as usize % 6], DOES[(i as usize / 6) % 4]);
            serde_json::json!({
                "id": format!("n{i}"),
                "url": format!("https://news.example.org/{i}"),
                "title": format!("Acme : {what} {does}"),
                "content_text": format!("Selon un communiqué du groupe Acme, {what} {does}."),
                // Dated against the poll that reads it: news at that poll.
                "date_published": "il y a 1 min"
            })
        })
        .collect();
    serde_json::json!({"version": "https://jsonfeed.org/version/1.1", "title": "News", "items": items})
        .to_string()
}

/// Config and watchlist for a served feed and an SMTP server; returns the config path.
fn files(dir: &std::path::Path, feed_url: &str, smtp_port: u16) -> std::path::PathBuf {
    let config = dir.join("vigie.toml");
    write(
        &config,
        &format!(
            "database = \"vigie.db\"\nwatchlists = \"w/*.toml\"\n[http]\nallow_private_networks = true\n\
             [notify]\nfrom = \"Vigie <vigie@example.com>\"\nsmtp = \"smtp://127.0.0.1:{smtp_port}\"\n"
        ),
    );
    write(
        &dir.join("w/acme.toml"),
        &format!(
            "recipients = [\"team@example.com\", \"boss@example.com\"]\nlanguage = \"fr\"\n\n\
             [[brand]]\nname = \"Acme\"\n\n[[source]]\nurl = \"{feed_url}\"\n"
        ),
    );
    config
}

/// The complaints written to `dir/forum.json`, as a `file:` URL.
fn complaints_file(dir: &std::path::Path) -> String {
    let path = dir.join("forum.json");
    write(&path, &complaints(false));
    url::Url::from_file_path(&path).unwrap().to_string()
}

/// Makes `config` reach the SMTP server as `scheme://localhost`, trusting `ca_pem`.
fn trust_over_tls(config: &std::path::Path, scheme: &str, ca_pem: &str) {
    let dir = config.parent().unwrap();
    write(&dir.join("ca.pem"), ca_pem);
    let text = std::fs::read_to_string(config)
        .unwrap()
        .replace("smtp://127.0.0.1:", &format!("{scheme}://localhost:"));
    write(config, &format!("{text}ca_file = \"ca.pem\"\n"));
}

fn headers(message: &str) -> Vec<&str> {
    message
        .split("\r\n\r\n")
        .next()
        .unwrap()
        .split("\r\n")
        .collect()
}

async fn poll_and_deliver(config: &std::path::Path) -> vigie::service::poll::Poller {
    let (c, catalog) = vigie::settings::load(config).unwrap();
    let store = vigie::store::Store::open(&c.database).unwrap();
    let poller = vigie::service::poll::Poller::new(c, catalog, store, Timestamp::now()).unwrap();
    poller.poll_all(Timestamp::now(), |_| {}).await;
    poller.deliver_outbox(&Timestamp::now).await.unwrap();
    poller
}

#[tokio::test]
async fn a_burst_of_complaints_sends_one_alert_per_recipient_with_its_reasons() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = Server::start().await;
    http.route("/forum.json", feed(complaints(false), Some("\"v1\"")));
    let mail = SmtpServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let config = files(dir.path(), &http.url("/forum.json"), mail.port);

    let poller = poll_and_deliver(&config).await;
    let got = mail.received();
    let volume: Vec<_> = got
        .iter()
        .filter(|m| subject(&m.data).starts_with("[Vigie] Acme\u{202f}: pic de mentions (8 en 1 h"))
        .collect();
    let mut to: Vec<&str> = volume.iter().map(|m| m.to[0].as_str()).collect();
    to.sort();
    assert_eq!(to, ["<boss@example.com>", "<team@example.com>"], "{got:#?}");
    let text = unqp(&volume[0].data);
    // The first line says it in plain words, the figures follow on a "why" line.
    assert!(
        text.contains("8 mentions dans la dernière heure — d'habitude moins de 1."),
        "{text}"
    );
    assert!(text.contains("Pourquoi\u{202f}: 8 en 1 h contre"), "{text}");
    assert!(text.contains("forum.example.org (8)"), "top source: {text}");
    assert!(text.contains(";\">Acme</mark>"), "highlighted: {text}");
    assert!(volume[0].from.contains("vigie@example.com"));

    let alerts = poller.with_store(|s| s.alerts(true, 10)).await.unwrap();
    assert!(
        alerts
            .iter()
            .any(|a| a.kind == vigie::analyze::alert::Kind::Volume && a.emails_sent == 2)
    );
    // Every email of every open alert went out, once.
    let sent: u32 = alerts.iter().map(|a| a.emails_sent).sum();
    assert_eq!(sent as usize, got.len());

    // Polling again finds nothing new: no second email.
    poller.poll_all(Timestamp::now(), |_| {}).await;
    poller.deliver_outbox(&Timestamp::now).await.unwrap();
    assert_eq!(mail.received().len(), got.len());
}

#[tokio::test]
async fn hostile_feed_text_reaches_no_header_and_no_active_html() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = Server::start().await;
    http.route("/forum.json", feed(complaints(true), None));
    let mail = SmtpServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let config = files(dir.path(), &http.url("/forum.json"), mail.port);
    poll_and_deliver(&config).await;

    let got = mail.received();
    assert!(!got.is_empty());
    for m in &got {
        let h = headers(&m.data);
        assert_eq!(
            h.iter().filter(|l| l.starts_with("Subject:")).count(),
            1,
            "{h:?}"
        );
        assert!(
            !h.iter().any(|l| l.to_ascii_lowercase().starts_with("bcc:")),
            "{h:?}"
        );
        let decoded = unqp(&m.data);
        assert!(
            decoded.contains("Acme nul Bcc: victim@example.net"),
            "the title is shown, on one line"
        );
        assert!(!decoded.contains('\u{202e}'), "no bidi override");
        let html = decoded
            .split("Content-Type: text/html")
            .nth(1)
            .expect("an HTML part");
        let lower = html.to_ascii_lowercase();
        assert!(!lower.contains("<script"), "{html}");
        assert!(!lower.contains("javascript:"), "{html}");
        assert!(!lower.contains("onerror"), "{html}");
        // Titles are plain text by the time they are stored: the tags are gone, the words stay.
        assert!(
            html.contains("Acme nul Bcc: victim@example.net gnp.exe"),
            "{html}"
        );
    }
}

#[tokio::test]
async fn a_permanent_refusal_marks_the_email_dead_without_retrying() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = Server::start().await;
    http.route("/forum.json", feed(complaints(false), None));
    let mail = SmtpServer::start().await;
    mail.refuse_recipients(true);
    let dir = tempfile::tempdir().unwrap();
    let config = files(dir.path(), &http.url("/forum.json"), mail.port);

    let poller = poll_and_deliver(&config).await;
    assert!(mail.received().is_empty());
    let (pending, sent, dead) = poller.with_store(|s| s.outbox_counts()).await.unwrap();
    assert_eq!((pending, sent), (0, 0));
    assert!(dead >= 2, "one per recipient: {dead}");
    let alerts = poller.with_store(|s| s.alerts(true, 10)).await.unwrap();
    assert!(
        alerts
            .iter()
            .all(|a| a.emails_dead == 2 && a.emails_sent == 0)
    );

    // Accepting again changes nothing: a dead message is not retried.
    mail.refuse_recipients(false);
    let d = poller.deliver_outbox(&Timestamp::now).await.unwrap();
    assert_eq!((d.sent, d.dead, d.retrying), (0, 0, 0));
    assert!(mail.received().is_empty());
}

#[tokio::test]
async fn an_unreachable_server_keeps_the_email_for_a_retry() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = Server::start().await;
    http.route("/forum.json", feed(complaints(false), None));
    // A port nobody listens on: bind one, note it, close it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = tempfile::tempdir().unwrap();
    let config = files(dir.path(), &http.url("/forum.json"), port);
    let poller = poll_and_deliver(&config).await;
    // Each pass stops at the first failure; a few passes have tried every message once.
    for _ in 0..10 {
        poller.deliver_outbox(&Timestamp::now).await.unwrap();
    }
    let (pending, sent, dead) = poller.with_store(|s| s.outbox_counts()).await.unwrap();
    assert_eq!((sent, dead), (0, 0));
    assert!(pending >= 2);
    let next = poller
        .with_store(|s| s.next_email_due())
        .await
        .unwrap()
        .unwrap();
    let wait = next.as_second() - Timestamp::now().as_second();
    assert!(
        (20..=40).contains(&wait),
        "first retry in about 30 s: {wait}"
    );
}

#[tokio::test]
async fn an_hour_long_smtp_outage_and_a_restart_lose_nothing_and_send_nothing_twice() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    // The feed is a file: the outage is about mail, not about fetching.
    let dir = tempfile::tempdir().unwrap();
    let feed_url = complaints_file(dir.path());
    // A port nobody listens on yet: the server comes up an hour later.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let config = files(dir.path(), &feed_url, port);

    let start = Timestamp::now();
    let now = std::sync::Arc::new(std::sync::Mutex::new(start));
    let clock = {
        let now = now.clone();
        move || *now.lock().unwrap()
    };
    let open = |at: Timestamp| {
        let (c, catalog) = vigie::settings::load(&config).unwrap();
        let store = vigie::store::Store::open(&c.database).unwrap();
        vigie::service::poll::Poller::new(c, catalog, store, at).unwrap()
    };

    let mut poller = open(start);
    poller.poll_all(start, |_| {}).await;
    let (queued, _, _) = poller.with_store(|s| s.outbox_counts()).await.unwrap();
    assert!(queued >= 2, "an alert for two recipients: {queued}");

    // An hour of refused connections, the sender trying whenever something is due.
    let mut attempts = 0;
    for minute in 0..60 {
        *now.lock().unwrap() = start + std::time::Duration::from_secs(minute * 60);
        attempts += poller.deliver_outbox(&clock).await.unwrap().retrying;
        if minute == 30 {
            // The process restarts in the middle of the outage.
            drop(poller);
            poller = open(start + std::time::Duration::from_secs(minute * 60));
        }
    }
    let (pending, sent, dead) = poller.with_store(|s| s.outbox_counts()).await.unwrap();
    assert_eq!((pending, sent, dead), (queued, 0, 0), "all still queued");
    // Backoff: 30 s doubling to 15 min is about 8 tries per message in an hour, not 60.
    assert!(
        attempts >= queued as usize * 4 && attempts <= queued as usize * 10,
        "{attempts} attempts for {queued} messages"
    );
    drop(poller);

    // The process restarts, and the mail server comes back.
    let at = start + std::time::Duration::from_secs(3600);
    let poller = open(at);
    let mail = SmtpServer::start_on(port).await;
    *now.lock().unwrap() = at + std::time::Duration::from_secs(16 * 60);
    let d = poller.deliver_outbox(&clock).await.unwrap();
    assert_eq!(d.sent as u64, queued);
    let got = mail.received();
    assert_eq!(got.len() as u64, queued, "each message once");
    let mut ids: Vec<String> = got
        .iter()
        .map(|m| {
            headers(&m.data)
                .iter()
                .find_map(|h| h.strip_prefix("Message-ID: "))
                .unwrap()
                .to_string()
        })
        .collect();
    let in_order = ids.clone();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), got.len(), "no Message-ID twice: {in_order:?}");

    // Nothing is left to send, and nothing is sent again.
    *now.lock().unwrap() = at + std::time::Duration::from_secs(3600);
    let d = poller.deliver_outbox(&clock).await.unwrap();
    assert_eq!((d.sent, d.retrying, d.dead), (0, 0, 0));
    assert_eq!(mail.received().len() as u64, queued);
}

#[tokio::test]
async fn a_growing_spike_escalates_once_and_an_all_clear_follows_when_it_is_over() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let dir = tempfile::tempdir().unwrap();
    let feed_path = dir.path().join("forum.json");
    // Neutral news, so that only the volume speaks.
    write(&feed_path, &news(1..=8));
    let feed_url = url::Url::from_file_path(&feed_path).unwrap().to_string();
    let mail = SmtpServer::start().await;
    let config = files(dir.path(), &feed_url, mail.port);
    let t0 = Timestamp::now();
    let at = |mins: u64| t0 + std::time::Duration::from_secs(mins * 60);
    let (c, catalog) = vigie::settings::load(&config).unwrap();
    let store = vigie::store::Store::open(&c.database).unwrap();
    let poller = vigie::service::poll::Poller::new(c, catalog, store, t0).unwrap();
    let cycle = |mins: u64| {
        let poller = &poller;
        async move {
            poller.poll_all(at(mins), |_| {}).await;
            poller.deliver_outbox(&move || at(mins)).await.unwrap();
        }
    };
    let subjects = || -> Vec<String> {
        mail.received()
            .iter()
            .filter(|m| m.to[0] == "<team@example.com>")
            .map(|m| subject(&m.data))
            .collect()
    };

    cycle(0).await;
    assert_eq!(subjects().len(), 1, "{:?}", subjects());
    assert!(subjects()[0].contains("pic de mentions (8 en 1 h"));

    // Half an hour later, twice as many complaints: the alert escalates, once.
    write(&feed_path, &news(1..=24));
    cycle(30).await;
    let s = subjects();
    assert_eq!(s.len(), 2, "{s:?}");
    assert!(s[1].contains("le pic s'amplifie"), "{s:?}");
    cycle(45).await;
    assert_eq!(subjects().len(), 2, "escalates only once");

    // A day later every window is quiet: the all-clear, and then silence.
    cycle(26 * 60).await;
    let s = subjects();
    assert_eq!(s.len(), 3, "{s:?}");
    assert!(
        s[2].contains("retour à la normale (pic de mentions)"),
        "{s:?}"
    );
    cycle(27 * 60).await;
    assert_eq!(subjects().len(), 3);
    let alerts = poller.with_store(|s| s.alerts(false, 10)).await.unwrap();
    let volume: Vec<_> = alerts
        .iter()
        .filter(|a| a.kind == vigie::analyze::alert::Kind::Volume)
        .collect();
    assert_eq!(volume.len(), 1);
    assert!(volume[0].escalated_at.is_some() && volume[0].closed_at.is_some());
}

#[tokio::test]
async fn without_a_transport_alerts_are_recorded_and_their_emails_wait() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let dir = tempfile::tempdir().unwrap();
    let feed_url = complaints_file(dir.path());
    let config = files(dir.path(), &feed_url, 25);
    // The same files without the `smtp` line.
    let text = std::fs::read_to_string(&config).unwrap();
    write(
        &config,
        &text
            .lines()
            .filter(|l| !l.starts_with("smtp"))
            .collect::<Vec<_>>()
            .join("\n"),
    );
    let poller = poll_and_deliver(&config).await;
    let (pending, sent, dead) = poller.with_store(|s| s.outbox_counts()).await.unwrap();
    assert!(pending >= 2 && sent == 0 && dead == 0);
    let alerts = poller.with_store(|s| s.alerts(true, 10)).await.unwrap();
    assert!(!alerts.is_empty());
    // Nothing was even tried: no attempt counted, nothing scheduled for later.
    let due = poller
        .with_store(|s| s.next_email_due())
        .await
        .unwrap()
        .unwrap();
    assert!(due <= Timestamp::now());
}

#[tokio::test]
async fn alerts_go_out_over_implicit_tls_to_a_relay_with_a_private_ca() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let (mail, ca_pem) = SmtpServer::start_tls().await;
    let dir = tempfile::tempdir().unwrap();
    let feed_url = complaints_file(dir.path());
    let config = files(dir.path(), &feed_url, mail.port);
    trust_over_tls(&config, "smtps", &ca_pem);

    let poller = poll_and_deliver(&config).await;
    let got = mail.received();
    assert!(got.len() >= 2, "{got:#?}");
    assert!(
        got.iter()
            .all(|m| subject(&m.data).starts_with("[Vigie] Acme"))
    );
    let (pending, _, dead) = poller.with_store(|s| s.outbox_counts()).await.unwrap();
    assert_eq!((pending, dead), (0, 0));
}

#[tokio::test]
async fn a_relay_whose_certificate_is_not_trusted_gets_nothing() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let (mail, _ca_pem) = SmtpServer::start_tls().await;
    let dir = tempfile::tempdir().unwrap();
    let feed_url = complaints_file(dir.path());
    // Trust another CA than the one that signed the server's certificate.
    let (_other, other_ca) = SmtpServer::start_tls().await;
    let config = files(dir.path(), &feed_url, mail.port);
    trust_over_tls(&config, "smtps", &other_ca);

    let poller = poll_and_deliver(&config).await;
    assert!(mail.received().is_empty());
    let (pending, sent, _) = poller.with_store(|s| s.outbox_counts()).await.unwrap();
    assert_eq!(sent, 0);
    assert!(pending >= 1, "kept for a retry");
}

#[tokio::test]
async fn alerts_go_out_over_starttls_when_the_relay_requires_it() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let (mail, ca_pem) = SmtpServer::start_starttls().await;
    let dir = tempfile::tempdir().unwrap();
    let feed_url = complaints_file(dir.path());
    let config = files(dir.path(), &feed_url, mail.port);
    trust_over_tls(&config, "smtp+starttls", &ca_pem);

    poll_and_deliver(&config).await;
    let got = mail.received();
    assert!(got.len() >= 2, "{got:#?}");
    assert!(
        got.iter()
            .all(|m| subject(&m.data).starts_with("[Vigie] Acme"))
    );
}

#[tokio::test]
async fn two_senders_on_one_database_send_each_email_once() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mail = SmtpServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let feed_url = complaints_file(dir.path());
    let config = files(dir.path(), &feed_url, mail.port);
    let open = || {
        let (c, catalog) = vigie::settings::load(&config).unwrap();
        let store = vigie::store::Store::open(&c.database).unwrap();
        vigie::service::poll::Poller::new(c, catalog, store, Timestamp::now()).unwrap()
    };
    // The daemon and a `vigie poll` run side by side: two connections, two senders.
    let (daemon, cli) = (open(), open());
    daemon.poll_all(Timestamp::now(), |_| {}).await;
    let (queued, _, _) = daemon.with_store(|s| s.outbox_counts()).await.unwrap();
    assert!(queued >= 2);
    let (a, b) = tokio::join!(
        daemon.deliver_outbox(&Timestamp::now),
        cli.deliver_outbox(&Timestamp::now)
    );
    assert_eq!((a.unwrap().sent + b.unwrap().sent) as u64, queued);
    assert_eq!(mail.received().len() as u64, queued, "each once");
}

#[tokio::test]
async fn the_daemon_sends_the_alert_moments_after_the_poll_that_stored_the_burst() {
    // Under `vigie run` the alert review runs beside the polls: the burst stored by the
    // first poll must reach the team within seconds, once, with nothing else to wake it.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mail = SmtpServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let config = files(dir.path(), &complaints_file(dir.path()), mail.port);
    let (c, catalog) = vigie::settings::load(&config).unwrap();
    let store = vigie::store::Store::open(&c.database).unwrap();
    let poller = std::sync::Arc::new(
        vigie::service::poll::Poller::new(c, catalog, store, Timestamp::now()).unwrap(),
    );
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let daemon = tokio::spawn(vigie::service::daemon::run(
        poller.clone(),
        vigie::service::daemon::system_clock(),
        async {
            let _ = stopped.await;
        },
    ));
    let started = std::time::Instant::now();
    let alert =
        |m: &smtp::Received| subject(&m.data).starts_with("[Vigie] Acme\u{202f}: pic de mentions");
    while mail.received().iter().filter(|m| alert(m)).count() < 2 {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "no alert 20 s after start: {:#?}",
            mail.received()
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    // Another round of the daemon's tasks: the alert is not sent again.
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    assert_eq!(mail.received().iter().filter(|m| alert(m)).count(), 2);
    let open = poller.with_store(|s| s.alerts(true, 10)).await.unwrap();
    let volume: Vec<_> = open
        .iter()
        .filter(|a| a.kind == vigie::analyze::alert::Kind::Volume)
        .collect();
    assert_eq!(volume.len(), 1, "{open:#?}");
    stop.send(()).unwrap();
    daemon.await.unwrap().unwrap();
}
