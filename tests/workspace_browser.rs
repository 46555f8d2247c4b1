//! The workspace in headless Chromium, as a community manager uses it: log in, search,
//! correct a sentiment and see the brand's negative share change, mark a mention
//! irrelevant and see it leave the overview and the next digest, acknowledge an alert,
//! switch to French. No console error and no request outside the server on any page; a
//! screenshot of each page is kept under `target/workspace-screens/`.

#[path = "common/browser.rs"]
mod browser;
mod common;
#[path = "common/postgres.rs"]
mod postgres;
#[path = "common/webdriver.rs"]
mod webdriver;
#[path = "common/workspace.rs"]
mod workspace;

use webdriver::Browser;
use workspace::{EDITOR, Workspace};

/// The workspace under test and where its screenshots go.
struct At {
    base: String,
    screens: std::path::PathBuf,
}

impl At {
    fn new(w: &Workspace, screens: &str) -> At {
        let d = common::repo_path(screens);
        std::fs::create_dir_all(&d).unwrap();
        At {
            base: w.base.clone(),
            screens: d,
        }
    }
}

/// Checks the page: no console error, nothing loaded from elsewhere; keeps a screenshot.
async fn check(b: &Browser, at: &At, name: &str) {
    let base = &at.base;
    let errors: Vec<_> = b
        .console()
        .await
        .into_iter()
        .filter(|(level, _)| level == "SEVERE" || level == "WARNING")
        .collect();
    assert!(errors.is_empty(), "{name}: console says {errors:?}");
    for r in b.requests().await {
        assert!(
            r.starts_with(base),
            "{name}: a request outside the server: {r}"
        );
    }
    std::fs::write(at.screens.join(format!("{name}.png")), b.screenshot().await).unwrap();
}

/// The text of Acme's figure `class` on the overview.
async fn acme(b: &Browser, class: &str) -> String {
    b.text(&format!("section[data-brand=\"Acme\"] dd.{class}"))
        .await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_community_manager_triages_in_the_browser_and_the_figures_follow() {
    if !webdriver::available() {
        return;
    }
    let w = Workspace::start();
    triage_in_the_browser(&w, &At::new(&w, "target/workspace-screens")).await;
}

/// The same workspace on PostgreSQL, in the same browser, with the same results.
#[tokio::test(flavor = "multi_thread")]
async fn the_same_triage_on_postgresql() {
    if !webdriver::available() {
        return;
    }
    let Some(pg) = postgres::server() else { return };
    let url = pg.database("browser");
    let w = Workspace::start_on_postgres(url.clone(), &pg.config_table());
    triage_in_the_browser(&w, &At::new(&w, "target/workspace-screens/postgres")).await;
    assert_ne!(pg.psql(&url, "SELECT count(*) FROM mention_events"), "0");
}

async fn triage_in_the_browser(w: &Workspace, at: &At) {
    let base = w.base.clone();
    let b = Browser::start("en-US").await;

    // Log in: any page leads to the login form, which leads back.
    b.goto(&format!("{base}/alerts")).await;
    b.find("form.login").await;
    check(&b, at, "login").await;
    b.type_in("input[name=user]", EDITOR.0).await;
    b.type_in("input[name=password]", EDITOR.1).await;
    b.click("#log-in").await;
    b.wait_for("return location.pathname === '/alerts'").await;

    // The overview, in the browser's language.
    b.goto(&format!("{base}/")).await;
    assert_eq!(b.text("h1").await, "Overview");
    let week_before: u32 = acme(&b, "week").await.parse().unwrap();
    let share_before = acme(&b, "negative-share").await;
    assert!(
        b.run("return document.querySelector('svg.chart') !== null")
            .await
            == true
    );
    check(&b, at, "overview").await;

    // Search with the query language: the words found are highlighted.
    b.goto(&format!("{base}/mentions?state=all")).await;
    b.type_in("#q", "panne OR remboursement").await;
    b.click("#search").await;
    b.wait_for("return location.search.includes('q=panne')")
        .await;
    let titles = b
        .run("return [...document.querySelectorAll('li.mention .title')].map(e => e.textContent);")
        .await;
    let titles: Vec<&str> = titles
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    assert!(
        titles.contains(&"Grille-pain Acme en panne après deux jours"),
        "{titles:?}"
    );
    assert!(
        titles.contains(&"Acme : remboursement refusé"),
        "{titles:?}"
    );
    assert_eq!(titles.len(), 2, "{titles:?}");
    let marks = b
        .run("return [...document.querySelectorAll('li.mention mark')].map(e => e.textContent.toLowerCase());")
        .await;
    assert!(
        marks.as_array().unwrap().iter().any(|m| m == "panne"),
        "{marks}"
    );
    check(&b, at, "inbox").await;
    // A search Vigie cannot read says where.
    b.type_in("#q", "rappel AND").await;
    b.click("#search").await;
    let error = b.text("#search-error").await;
    assert!(error.contains("^ AND needs something after it"), "{error}");

    // Correct a sentiment: the hostile (positive-scored) mention read as negative.
    let out = w.vigie(&["mentions", "--search", "xss", "--format", "json"]);
    let line = String::from_utf8(out.stdout).unwrap();
    let hostile: serde_json::Value = serde_json::from_str(line.lines().next().unwrap()).unwrap();
    assert_eq!(hostile["sentiment_label"], "positive");
    let id = hostile["id"].as_i64().unwrap();
    b.goto(&format!("{base}/mentions/{id}")).await;
    // Feed text is text: nothing of it ran or became markup.
    assert!(
        b.run("return document.querySelectorAll('main script, main img, main b').length === 0")
            .await
            == true
    );
    check(&b, at, "mention").await;
    b.click("#sentiment option[value=negative]").await;
    b.click("#set-sentiment").await;
    b.wait_for("return document.querySelector('dd.tone').textContent.includes('corrected')")
        .await;
    b.goto(&format!("{base}/")).await;
    let share_after = acme(&b, "negative-share").await;
    assert_ne!(
        share_before, share_after,
        "the correction moved Acme's negative share"
    );
    assert!(
        share_after.trim_end_matches('%').parse::<u32>().unwrap()
            > share_before.trim_end_matches('%').parse::<u32>().unwrap(),
        "{share_before} → {share_after}"
    );

    // Irrelevant, in place (htmx): the mention leaves the list, the overview and the digest.
    let digest = |name: &str| {
        let preview = w.dir.path().join(name);
        let out = w.vigie(&["digest", "--preview", preview.to_str().unwrap()]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        std::fs::read_to_string(&preview).unwrap()
    };
    assert!(
        digest("before.html").contains("en panne après deux jours"),
        "the digest lists it before"
    );
    b.goto(&format!("{base}/mentions?state=all&q=panne")).await;
    let row = b
        .run("return [...document.querySelectorAll('li.mention')].find(li => li.textContent.includes('en panne après deux jours')).dataset.id;")
        .await;
    let row = row.as_str().unwrap().to_string();
    b.click(&format!("#m{row} button[value='irrelevant:{row}']"))
        .await;
    b.wait_for(&format!(
        "return document.getElementById('m{row}') === null"
    ))
    .await;
    check(&b, at, "inbox-after-triage").await;
    b.goto(&format!("{base}/")).await;
    let week_after: u32 = acme(&b, "week").await.parse().unwrap();
    assert_eq!(week_after, week_before - 1);
    assert!(
        !digest("after.html").contains("en panne après deux jours"),
        "the next digest leaves it out"
    );

    // The keyboard: j moves to the first mention to triage, h marks it handled, in place.
    b.goto(&format!("{base}/mentions")).await;
    let first = b
        .run("return document.querySelector('li.mention').dataset.id;")
        .await;
    let first = first.as_str().unwrap().to_string();
    b.keys("jh").await;
    b.wait_for(&format!(
        "return document.getElementById('m{first}') === null"
    ))
    .await;
    let out = w.vigie(&["mentions", "--state", "handled", "--format", "json"]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains(&format!("\"id\":{first},")),
        "j then h handled the first mention"
    );

    // Acknowledge an alert with a note.
    b.goto(&format!("{base}/alerts")).await;
    check(&b, at, "alerts").await;
    b.click("li.alert a").await;
    b.wait_for("return location.pathname.startsWith('/alerts/')")
        .await;
    b.type_in("input[name=note]", "SAV prévenu").await;
    b.click("#acknowledge").await;
    b.wait_for("return document.querySelector('p.acknowledged') !== null")
        .await;
    let ack = b.text("p.acknowledged").await;
    assert!(ack.contains("demo") && ack.contains("SAV prévenu"), "{ack}");
    check(&b, at, "alert").await;

    // Switch to French: the pages follow, with French typography.
    b.click("#switch-language").await;
    b.wait_for("return document.documentElement.lang === 'fr'")
        .await;
    assert!(
        b.url().await.contains("/alerts/"),
        "back on the same page: {}",
        b.url().await
    );
    assert!(b.text("h1").await.contains(" · "), "{}", b.text("h1").await);
    b.goto(&format!("{base}/")).await;
    assert_eq!(b.text("h1").await, "Vue d’ensemble");
    let share = acme(&b, "negative-share").await;
    assert!(share.ends_with("\u{202f}%"), "{share:?}");
    check(&b, at, "overview-fr").await;
    for (path, name) in [
        ("/sources", "sources"),
        ("/voice", "voice"),
        ("/digests", "digests"),
        ("/mentions", "inbox-fr"),
    ] {
        b.goto(&format!("{base}{path}")).await;
        b.find("h1").await;
        check(&b, at, name).await;
    }
    // The demo's group: Acme, the team's own, beside its competitor.
    b.goto(&format!("{base}/voice")).await;
    let own = b.text("table.voice tr.own td").await;
    assert!(own.starts_with("Acme") && own.contains("(vous)"), "{own}");
    assert!(
        b.text("section.voice h2")
            .await
            .contains("Petit électroménager")
    );

    // On a phone, every page fits the screen's width: nothing to scroll sideways.
    b.window(390, 844).await;
    for (path, name) in [
        ("/", "phone-overview"),
        ("/mentions?state=all", "phone-inbox"),
        ("/alerts", "phone-alerts"),
        ("/sources", "phone-sources"),
        ("/voice", "phone-voice"),
    ] {
        b.goto(&format!("{base}{path}")).await;
        b.find("h1").await;
        let fits = b
            .run("return document.documentElement.scrollWidth <= window.innerWidth;")
            .await;
        assert_eq!(fits, true, "{path} is wider than a phone");
        check(&b, at, name).await;
    }
}
