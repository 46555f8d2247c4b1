//! Bad buzz as it really happens, end to end: feeds served on loopback, the poller, the
//! outbox and a real SMTP server on loopback.
//! - one negative story copied by 30 sites within the hour, for a brand with a calm
//!   history: exactly one `spread` alert (and none when the same copies are old news);
//! - a first severe risk (an allergen recall) for a brand with 3 mentions: a `risk` alert;
//! - acknowledging an alert shows in `vigie alerts`.

mod common;
#[path = "common/smtp.rs"]
mod smtp;

use std::time::Duration;

use common::{Server, feed, subject, unqp, write};
use jiff::Timestamp;
use smtp::SmtpServer;
use vigie::analyze::alert::Kind;

const HOUR: u64 = 3600;

fn rfc2822(t: Timestamp) -> String {
    t.strftime("%a, %d %b %Y %H:%M:%S +0000").to_string()
}

/// An RSS feed of (guid, link, title, text, published).
fn rss(items: &[(String, String, String, String, Timestamp)]) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>Wire</title>\
         <link>https://wire.example/</link><description>d</description>\n",
    );
    for (guid, link, title, text, at) in items {
        s.push_str(&format!(
            "<item><guid isPermaLink=\"false\">{guid}</guid><link>{link}</link><title>{title}</title>\
             <description>{text}</description><pubDate>{}</pubDate></item>\n",
            rfc2822(*at)
        ));
    }
    s.push_str("</channel></rss>\n");
    s
}

/// Fourteen calm days: a distinct story about Velocita every 16 hours, each on one site.
fn calm_history(now: Timestamp) -> Vec<(String, String, String, String, Timestamp)> {
    const TOPICS: [&str; 21] = [
        "ouvre un magasin à Lyon",
        "présente ses couleurs d'hiver",
        "sponsorise une course cycliste",
        "recrute des techniciens",
        "publie son rapport annuel",
        "change de logo",
        "s'installe à Bordeaux",
        "teste la livraison le dimanche",
        "forme ses vendeurs",
        "rejoint un salon professionnel",
        "lance une application",
        "équipe la police municipale de Nantes",
        "élargit sa gamme enfant",
        "signe avec un distributeur belge",
        "ouvre un atelier de réparation",
        "rénove son site web",
        "nomme une directrice marketing",
        "soutient une association locale",
        "arrive en Suisse",
        "publie un guide d'entretien",
        "adopte des emballages en carton",
    ];
    TOPICS
        .iter()
        .enumerate()
        .map(|(i, topic)| {
            let at = now - Duration::from_secs((30 + 16 * i as u64) * HOUR);
            (
                format!("calm-{i}"),
                format!("https://journal{i}.example/velocita-{i}"),
                format!("Velocita {topic}"),
                format!("Le fabricant de trottinettes Velocita {topic}, annonce l'entreprise dans un communiqué n°{i}."),
                at,
            )
        })
        .collect()
}

/// One article carried by 30 sites, titles lightly edited, published between `first` and
/// `first + 58 min`.
fn copies(first: Timestamp) -> Vec<(String, String, String, String, Timestamp)> {
    const TITLES: [&str; 3] = [
        "Velocita recalls 40,000 scooters after battery fires injure two children",
        "Velocita recalls 40,000 e-scooters after battery fires injure two children",
        "Velocita recalls 40,000 scooters after battery fires injured two children",
    ];
    let text = "Velocita is recalling 40,000 electric scooters sold since March after battery \
                fires injured two children in Lyon and Lille; regulators have opened an inquiry \
                into the company's battery supplier and its safety checks.";
    (0..30)
        .map(|i| {
            (
                format!("copy-{i}"),
                format!("https://news{i:02}.example/world/velocita-recall-{i}"),
                TITLES[i % 3].to_string(),
                text.to_string(),
                first + Duration::from_secs(2 * 60 * i as u64),
            )
        })
        .collect()
}

struct Setup {
    _dir: tempfile::TempDir,
    config: std::path::PathBuf,
}

fn files(feeds: &[String], smtp_port: u16, brand: &str, language: &str, extra: &str) -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("vigie.toml");
    write(
        &config,
        &format!(
            "database = \"vigie.db\"\nwatchlists = \"w/*.toml\"\n[http]\nallow_private_networks = true\n\
             [poll]\njitter_percent = 0\n\
             [notify]\nfrom = \"Vigie <vigie@example.com>\"\nsmtp = \"smtp://127.0.0.1:{smtp_port}\"\n"
        ),
    );
    let mut w = format!(
        "recipients = [\"team@example.com\"]\nlanguage = \"{language}\"\n{extra}\n[[brand]]\nname = \"{brand}\"\n"
    );
    for f in feeds {
        w.push_str(&format!("\n[[source]]\nurl = \"{f}\"\n"));
    }
    write(&dir.path().join("w/brand.toml"), &w);
    Setup { _dir: dir, config }
}

fn poller(config: &std::path::Path, now: Timestamp) -> vigie::service::poll::Poller {
    let (c, catalog) = vigie::settings::load(config).unwrap();
    let store = vigie::store::Store::open(&c.database).unwrap();
    vigie::service::poll::Poller::new(c, catalog, store, now).unwrap()
}

async fn cycle(p: &vigie::service::poll::Poller, now: Timestamp) {
    p.poll_all(now, |_| {}).await;
    p.deliver_outbox(&move || now).await.unwrap();
}

/// Velocita and its 14 calm days, served on loopback and polled two hours ago: no alert.
async fn calm_brand() -> (
    Server,
    SmtpServer,
    Timestamp,
    Setup,
    vigie::service::poll::Poller,
) {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = Server::start().await;
    let mail = SmtpServer::start().await;
    let now = Timestamp::now();
    http.route("/velocita.xml", feed(rss(&calm_history(now)), None));
    let s = files(
        &[http.url("/velocita.xml")],
        mail.port,
        "Velocita",
        "en",
        "",
    );
    let p = poller(&s.config, now - Duration::from_secs(2 * HOUR));
    cycle(&p, now - Duration::from_secs(2 * HOUR)).await;
    assert!(mail.received().is_empty(), "{:?}", subjects(&mail));
    (http, mail, now, s, p)
}

/// A small brand (Biscuiterie Moreau, French, `high` sensitivity) whose feed holds `items`,
/// polled once at `now`.
async fn small_brand(
    http: &Server,
    mail: &SmtpServer,
    items: &[(String, String, String, String, Timestamp)],
    now: Timestamp,
) -> (Setup, vigie::service::poll::Poller) {
    http.route("/moreau.xml", feed(rss(items), None));
    let s = files(
        &[http.url("/moreau.xml")],
        mail.port,
        "Biscuiterie Moreau",
        "fr",
        "[alerts]\nsensitivity = \"high\"\n",
    );
    let p = poller(&s.config, now);
    cycle(&p, now).await;
    (s, p)
}

fn subjects(mail: &SmtpServer) -> Vec<String> {
    mail.received().iter().map(|m| subject(&m.data)).collect()
}

#[tokio::test]
async fn a_story_copied_by_30_sites_in_an_hour_opens_one_spread_alert() {
    let (http, mail, now, _s, p) = calm_brand().await;

    // Within the last hour, 30 sites carry the recall.
    let mut items = calm_history(now);
    items.extend(copies(now - Duration::from_secs(59 * 60)));
    http.route("/velocita.xml", feed(rss(&items), None));
    let started = std::time::Instant::now();
    cycle(&p, now).await;
    let delay = started.elapsed();

    let got = subjects(&mail);
    let spread: Vec<&String> = got
        .iter()
        .filter(|s| s.contains("a story is spreading"))
        .collect();
    assert_eq!(spread.len(), 1, "exactly one spread alert: {got:?}");
    assert_eq!(
        spread[0],
        "[Vigie] Velocita: a story is spreading (30 sites in 1 h)"
    );
    // Copies count once for volume: no volume alert for one story.
    assert!(!got.iter().any(|s| s.contains("mention spike")), "{got:?}");
    let message = mail
        .received()
        .into_iter()
        .find(|m| subject(&m.data).contains("spreading"))
        .unwrap();
    let body = message.data.replace("=\r\n", "");
    assert!(
        body.contains("picked up by 30 sites in the last hour"),
        "{body}"
    );
    assert!(body.contains("Started on news00.example"), "{body}");
    assert!(body.contains("Sites carrying it (30)"), "{body}");
    assert!(body.contains("risk safety, legal"), "{body}");
    println!("spread alert delivered {delay:?} after the poll that found the copies began");
    println!("emails: {got:?}");
    println!("{}", unqp(&body));

    let alerts = p.with_store(|s| s.alerts(true, 10)).await.unwrap();
    let a = alerts.iter().find(|a| a.kind == Kind::Spread).unwrap();
    assert_eq!((a.observed, a.sites.len()), (30, 30));
    assert!(a.story.is_some());

    // More polls, nothing new: nothing more.
    let sent = mail.received().len();
    cycle(&p, now + Duration::from_secs(600)).await;
    assert_eq!(mail.received().len(), sent);
}

#[tokio::test]
async fn the_same_copies_published_days_ago_spread_nothing() {
    let (http, mail, now, _s, p) = calm_brand().await;

    // A catch-up: the copies were published three days ago, fetched now.
    let mut items = calm_history(now);
    items.extend(copies(now - Duration::from_secs(72 * HOUR)));
    http.route("/velocita.xml", feed(rss(&items), None));
    cycle(&p, now).await;
    let got = subjects(&mail);
    assert!(got.is_empty(), "old news is not a buzz: {got:?}");
    let stored = p
        .with_store(|s| {
            s.mentions(&vigie::store::MentionQuery {
                limit: 100,
                ..Default::default()
            })
        })
        .await
        .unwrap();
    assert_eq!(stored.len(), 51, "the copies are stored all the same");
}

#[tokio::test]
async fn a_small_brands_first_allergen_recall_opens_a_risk_alert() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = Server::start().await;
    let mail = SmtpServer::start().await;
    let now = Timestamp::now();
    let items = vec![
        (
            "m1".to_string(),
            "https://conso.example/rappel-moreau".to_string(),
            "Biscuiterie Moreau : rappel de sablés pour présence d'allergène non mentionné"
                .to_string(),
            "La Biscuiterie Moreau rappelle ses sablés au beurre : des traces d'arachide ne \
             figurent pas sur l'étiquette."
                .to_string(),
            now - Duration::from_secs(40 * 60),
        ),
        (
            "m2".to_string(),
            "https://forum.example/t/moreau".to_string(),
            "Les sablés Moreau rappelés, quelqu'un sait quels lots ?".to_string(),
            "J'ai acheté des sablés Biscuiterie Moreau la semaine dernière, c'est inquiétant."
                .to_string(),
            now - Duration::from_secs(30 * 60),
        ),
        (
            "m3".to_string(),
            "https://blog.example/moreau".to_string(),
            "Biscuiterie Moreau : ma fille allergique a fait une réaction".to_string(),
            "Après deux sablés Biscuiterie Moreau, réaction allergique et passage aux urgences."
                .to_string(),
            now - Duration::from_secs(20 * 60),
        ),
    ];
    let (s, p) = small_brand(&http, &mail, &items, now).await;
    let got = subjects(&mail);
    let risk: Vec<&String> = got.iter().filter(|s| s.contains("risque")).collect();
    assert_eq!(
        risk,
        ["[Vigie] Biscuiterie Moreau\u{202f}: risque sécurité signalé"],
        "{got:?}"
    );
    let body = mail.received()[0].data.replace("=\r\n", "");
    assert!(
        unqp(&body).contains("Première mention d'un risque sécurité\u{202f}: «\u{202f}Biscuiterie Moreau : rappel de sablés"),
        "{body}"
    );

    // Acknowledged: shown by `vigie alerts`, and kept across a later poll.
    let id = p.with_store(|s| s.alerts(true, 10)).await.unwrap()[0].id;
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_vigie"))
        .args(["-c", s.config.to_str().unwrap(), "alerts", "ack"])
        .arg(id.to_string())
        .args(["--note", "Rappel relayé sur nos réseaux"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_vigie"))
        .args(["-c", s.config.to_str().unwrap(), "alerts"])
        .output()
        .unwrap();
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.contains("acknowledged"), "{table}");
    assert!(table.contains("Rappel relayé sur nos réseaux"), "{table}");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_vigie"))
        .args(["-c", s.config.to_str().unwrap(), "alerts", "ack", "999"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no alert 999"));
}

#[tokio::test]
async fn without_a_watched_risk_three_mentions_stay_quiet() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = Server::start().await;
    let mail = SmtpServer::start().await;
    let now = Timestamp::now();
    let items: Vec<_> = (0..3)
        .map(|i| {
            (
                format!("n{i}"),
                format!("https://site{i}.example/moreau"),
                format!("Biscuiterie Moreau ouvre une boutique, la {}e", i + 1),
                format!(
                    "La Biscuiterie Moreau ouvre sa boutique numéro {} en ville.",
                    i + 1
                ),
                now - Duration::from_secs(10 * 60 * (i + 1)),
            )
        })
        .collect();
    let _brand = small_brand(&http, &mail, &items, now).await;
    assert!(mail.received().is_empty(), "{:?}", subjects(&mail));
}
