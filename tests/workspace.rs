//! The workspace and its API over HTTP, against the real daemon on loopback with a real
//! database (a copy of the demo, plus a feed of hostile items): rights on every route,
//! CSRF, the login limit, sessions, security headers, feed text kept inert, and decisions
//! flowing into the counts, the exports and the digest.

mod common;
#[path = "common/postgres.rs"]
mod postgres;
#[path = "common/workspace.rs"]
mod workspace;

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, LOCATION, SET_COOKIE};
use workspace::{ADMIN, EDITOR, VIEWER, Workspace};

/// A browser-like client: keeps its cookies, never follows redirects.
struct Client {
    http: reqwest::Client,
    base: String,
    cookies: Vec<(String, String)>,
}

impl Client {
    fn new(base: &str) -> Client {
        Client {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            base: base.to_string(),
            cookies: Vec::new(),
        }
    }

    fn keep(&mut self, headers: &HeaderMap) {
        for c in headers.get_all(SET_COOKIE) {
            let c = c.to_str().unwrap();
            let (kv, _) = c.split_once(';').unwrap_or((c, ""));
            let (k, v) = kv.split_once('=').unwrap();
            self.cookies.retain(|(n, _)| n != k);
            if !c.contains("Max-Age=0") {
                self.cookies.push((k.to_string(), v.to_string()));
            }
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn get(&mut self, path: &str) -> (StatusCode, HeaderMap, String) {
        let r = self
            .http
            .get(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .send()
            .await
            .unwrap();
        let (s, h) = (r.status(), r.headers().clone());
        self.keep(&h);
        (s, h, r.text().await.unwrap())
    }

    async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> (StatusCode, HeaderMap, String) {
        let body: String = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        let r = self
            .http
            .post(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        let (s, h) = (r.status(), r.headers().clone());
        self.keep(&h);
        (s, h, r.text().await.unwrap())
    }

    /// The CSRF token of the forms of `path`.
    async fn csrf(&mut self, path: &str) -> String {
        let (_, _, html) = self.get(path).await;
        html.split("name=\"csrf\" value=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .unwrap_or_else(|| panic!("no csrf on {path}: {html}"))
            .to_string()
    }

    async fn log_in(&mut self, (user, password): (&str, &str)) -> StatusCode {
        let token = self.csrf("/login").await;
        let (s, h, _) = self
            .post(
                "/login",
                &[
                    ("csrf", &token),
                    ("user", user),
                    ("password", password),
                    ("next", "/"),
                ],
            )
            .await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        let to = h.get(LOCATION).unwrap().to_str().unwrap().to_string();
        if to == "/" {
            StatusCode::OK
        } else {
            StatusCode::UNAUTHORIZED
        }
    }
}

const PAGES: &[&str] = &[
    "/",
    "/mentions",
    "/mentions?state=all&q=acme",
    "/mentions/1",
    "/alerts",
    "/alerts/1",
    "/sources",
    "/voice",
    "/voice?days=7",
    "/digests",
];

async fn every_page_needs_a_session_and_every_form_its_csrf_token_and_the_right_role_on(
    w: Workspace,
) {
    let mut anonymous = Client::new(&w.base);
    for p in PAGES {
        let (s, h, _) = anonymous.get(p).await;
        assert_eq!(s, StatusCode::SEE_OTHER, "{p}");
        assert!(
            h.get(LOCATION)
                .unwrap()
                .to_str()
                .unwrap()
                .starts_with("/login?next="),
            "{p}"
        );
    }
    for p in [
        "/mentions/triage",
        "/mentions/1",
        "/alerts/1/ack",
        "/logout",
        "/language",
    ] {
        let (s, _, _) = anonymous.post(p, &[("do", "irrelevant:1")]).await;
        assert_eq!(
            s,
            StatusCode::SEE_OTHER,
            "{p}: an anonymous post goes to the login page"
        );
    }

    let mut viewer = Client::new(&w.base);
    assert_eq!(viewer.log_in(VIEWER).await, StatusCode::OK);
    for p in PAGES {
        let (s, h, body) = viewer.get(p).await;
        assert_eq!(s, StatusCode::OK, "{p}: {body}");
        for (name, value) in [
            ("content-security-policy", vigie::web::CSP),
            ("x-frame-options", "DENY"),
            ("x-content-type-options", "nosniff"),
            ("referrer-policy", "same-origin"),
        ] {
            assert_eq!(
                h.get(name).map(|v| v.to_str().unwrap()),
                Some(value),
                "{p}: {name}"
            );
        }
        assert!(!body.contains("<script>alert"), "{p}");
        assert!(!body.contains("<img src=x"), "{p}");
        assert!(
            !body.contains(" style="),
            "{p}: inline styles break the CSP"
        );
        assert!(!body.contains("<script>"), "{p}: no inline script");
    }
    // The demo's group on the Share of voice page: its chart, its brands, each linking to
    // its mentions.
    let (_, _, voice) = viewer.get("/voice?days=90").await;
    assert!(voice.contains("<h2>Petit électroménager</h2>"), "{voice}");
    assert!(voice.contains("<svg class=\"chart voice\""), "{voice}");
    assert!(
        voice.contains("mentions?brand=Acme&amp;state=all\">Acme</a>"),
        "{voice}"
    );
    assert!(voice.contains(">Last 90 days</strong>"), "{voice}");
    // An alert email's "acknowledge" link finds the brand's open alert of its kind.
    let alerts =
        String::from_utf8(w.vigie(&["alerts", "--open", "--format", "json"]).stdout).unwrap();
    let open: serde_json::Value =
        serde_json::from_str(alerts.lines().next().expect("an open alert")).unwrap();
    let (s, h, _) = viewer
        .get(&format!(
            "/alerts/open?brand={}&kind={}",
            open["brand"].as_str().unwrap(),
            open["kind"].as_str().unwrap()
        ))
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert_eq!(
        h.get(LOCATION).unwrap().to_str().unwrap(),
        format!("/alerts/{}", open["id"])
    );
    let (_, h, _) = viewer.get("/alerts/open?brand=Nobody&kind=volume").await;
    assert_eq!(h.get(LOCATION).unwrap(), "/alerts");
    // A viewer reads but may not decide.
    let token = viewer.csrf("/mentions?state=all").await;
    let (s, _, body) = viewer
        .post(
            "/mentions/triage",
            &[("csrf", &token), ("do", "irrelevant:1")],
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{body}");
    let (s, _, _) = viewer
        .post("/alerts/1/ack", &[("csrf", &token), ("note", "x")])
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    let mut editor = Client::new(&w.base);
    assert_eq!(editor.log_in(EDITOR).await, StatusCode::OK);
    // Without the token, or with another session's, nothing happens.
    for csrf in ["", token.as_str(), "forged"] {
        let (s, _, _) = editor
            .post("/mentions/triage", &[("csrf", csrf), ("do", "handled:1")])
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "csrf {csrf:?}");
    }
    let out = w.vigie(&["mentions", "--state", "handled", "--format", "json"]);
    assert!(
        String::from_utf8_lossy(&out.stdout).is_empty(),
        "nothing was handled"
    );
    let token = editor.csrf("/mentions?state=all").await;
    let (s, h, _) = editor
        .post(
            "/mentions/triage",
            &[
                ("csrf", &token),
                ("do", "handled:1"),
                ("back", "/mentions?state=all"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert_eq!(h.get(LOCATION).unwrap(), "/mentions?state=all");
    // Never sent off the site, whatever `back` says.
    let (_, h, _) = editor
        .post(
            "/mentions/triage",
            &[
                ("csrf", &token),
                ("do", "handled:1"),
                ("back", "//evil.example/"),
            ],
        )
        .await;
    assert_eq!(h.get(LOCATION).unwrap(), "/mentions");
    let out = w.vigie(&["mentions", "--state", "handled", "--format", "json"]);
    let handled = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(handled.contains("\"id\":1,"), "{handled}");
    // The mention's page tells who did it.
    let (_, _, page) = editor.get("/mentions/1").await;
    assert!(page.contains("demo — État → traitée"), "{page}");

    // In bulk: the checked mentions, in one decision each.
    let token = editor.csrf("/mentions?state=new").await;
    let (s, _, _) = editor
        .post(
            "/mentions/triage",
            &[
                ("csrf", &token),
                ("do", "handled"),
                ("id", "2"),
                ("id", "3"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let out = w.vigie(&["mentions", "--state", "handled", "--format", "json"]);
    let handled = String::from_utf8_lossy(&out.stdout).to_string();
    for id in [1, 2, 3] {
        assert!(
            handled.contains(&format!("\"id\":{id},")),
            "{id}: {handled}"
        );
    }

    // A sent digest is kept as it was sent, under a CSP of its own.
    let out = w.vigie(&["digest", "--send"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (_, _, list) = editor.get("/digests").await;
    let list = list.replace("&#x2f;", "/");
    assert!(list.contains("· 1 e-mail ·"), "French plural: {list}");
    let link = list
        .split("href=\"/digests/")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap_or_else(|| {
            panic!(
                "no digest listed: {}",
                list.split("<main").nth(1).unwrap_or(&list)
            )
        });
    let (s, h, page) = editor.get(&format!("/digests/{link}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("Acme"), "{page}");
    let csp = h.get("content-security-policy").unwrap().to_str().unwrap();
    assert!(
        csp.contains("sandbox") && csp.contains("default-src 'none'"),
        "{csp}"
    );

    // Logging out ends the session, even if its cookie is replayed.
    let session = editor.cookie_header();
    let token = editor.csrf("/").await;
    let (s, _, _) = editor.post("/logout", &[("csrf", &token)]).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let r = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("{}/mentions", w.base))
        .header("cookie", session.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "a replayed session after logout"
    );
    // A session past its end is no session, even signed with the right key (read here from
    // the database, as only the daemon could).
    let secret: Vec<u8> = match &w.postgres {
        Some(url) => {
            let hex = postgres::server().unwrap().psql(
                url,
                "SELECT encode(value, 'hex') FROM web_secrets WHERE name LIKE 'session:%'",
            );
            (0..hex.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
                .collect()
        }
        None => rusqlite::Connection::open(w.dir.path().join("demo-output/demo.db"))
            .unwrap()
            .query_row(
                "SELECT value FROM web_secrets WHERE name = 'session'",
                [],
                |r| r.get(0),
            )
            .unwrap(),
    };
    let keys = vigie::web::auth::Keys::new(&secret);
    let hash = std::fs::read_to_string(&w.config)
        .unwrap()
        .split("password_hash = \"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let now = jiff::Timestamp::now().as_second();
    let plain = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    for (expires, status) in [
        (now + 600, StatusCode::OK),
        (now - 1, StatusCode::SEE_OTHER),
    ] {
        let cookie = keys.open_session(EDITOR.0, &hash, expires);
        let r = plain
            .get(format!("{}/", w.base))
            .header("cookie", format!("vigie_session={cookie}"))
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            status,
            "a session ending at {expires}, now {now}"
        );
    }
    // A tampered cookie is no session.
    let forged = session.replace("vigie_session=ZGVtbw", "vigie_session=YWRh");
    let r = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("{}/", w.base))
        .header("cookie", forged)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
}

#[tokio::test(flavor = "multi_thread")]
async fn logins_are_limited_per_user_and_a_wrong_password_never_says_which_part_was_wrong() {
    let w = Workspace::start();
    let mut c = Client::new(&w.base);
    assert_eq!(
        c.log_in(("nobody", "whatever")).await,
        StatusCode::UNAUTHORIZED
    );
    let (_, _, page) = c.get("/login?failed=1").await;
    assert!(
        page.contains("Utilisateur ou mot de passe incorrect."),
        "{page}"
    );
    for _ in 0..5 {
        assert_eq!(
            c.log_in((EDITOR.0, "wrong")).await,
            StatusCode::UNAUTHORIZED
        );
    }
    let token = c.csrf("/login").await;
    let (s, h, body) = c
        .post(
            "/login",
            &[("csrf", &token), ("user", EDITOR.0), ("password", EDITOR.1)],
        )
        .await;
    assert_eq!(
        s,
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password waits: {body}"
    );
    assert!(h.get("retry-after").is_some());
    assert!(body.contains("Trop de tentatives"), "{body}");
    // Another user is not locked out by it.
    let mut other = Client::new(&w.base);
    assert_eq!(other.log_in(VIEWER).await, StatusCode::OK);
    // The login form wants its own token too.
    let (s, _, _) = Client::new(&w.base)
        .post("/login", &[("user", VIEWER.0), ("password", VIEWER.1)])
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

async fn the_api_answers_tokens_by_role_and_decisions_reach_counts_exports_and_the_digest_on(
    w: Workspace,
) {
    let token = |role: &str| {
        let out = w.vigie(&["token", "create", "--role", role, "--name", role]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    };
    let (viewer, editor) = (token("viewer"), token("editor"));
    let listed = String::from_utf8(w.vigie(&["token", "list"]).stdout).unwrap();
    assert!(
        !listed.contains(&viewer[6..20]),
        "tokens are never shown again: {listed}"
    );
    let http = reqwest::Client::new();
    let api = |path: &str| format!("{}/api/v1{path}", w.base);
    let r = http.get(api("/mentions")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = http
        .get(api("/mentions"))
        .bearer_auth("vigie_not-a-token")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);

    let brands = |body: serde_json::Value, name: &str| -> serde_json::Value {
        body["brands"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["brand"] == name)
            .unwrap()
            .clone()
    };
    let before: serde_json::Value = http
        .get(api("/brands"))
        .bearer_auth(&viewer)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let acme = brands(before.clone(), "Acme");
    let week = acme["last_7_days"].as_u64().unwrap();
    assert!(week > 2, "{acme}");

    // Pages follow each other newest first, without overlap (keyset: a mention stored
    // meanwhile neither repeats nor hides one).
    let page = |after: Option<String>| {
        let mut u = api("/mentions?limit=5&state=all");
        if let Some(a) = after {
            u.push_str(&format!("&after={a}"));
        }
        let req = http.get(u).bearer_auth(viewer.clone());
        async move {
            req.send()
                .await
                .unwrap()
                .json::<serde_json::Value>()
                .await
                .unwrap()
        }
    };
    let mut seen: Vec<(String, i64)> = Vec::new();
    let mut after = None;
    loop {
        let p = page(after).await;
        for m in p["mentions"].as_array().unwrap() {
            seen.push((
                m["published_at"].as_str().unwrap().to_string(),
                m["id"].as_i64().unwrap(),
            ));
        }
        match p["next"].as_str() {
            Some(n) => after = Some(n.to_string()),
            None => break,
        }
    }
    let mut sorted = seen.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    sorted.dedup_by_key(|m| m.1);
    assert_eq!(seen, sorted, "newest first, each once");
    let all: serde_json::Value = http
        .get(api("/mentions?limit=500&state=all"))
        .bearer_auth(&viewer)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(seen.len(), all["mentions"].as_array().unwrap().len());
    assert!(seen.len() > 10, "several pages: {}", seen.len());

    // The search in the query language, its error with the position.
    let r = http
        .get(api("/mentions?q=rappel%20AND"))
        .bearer_auth(&viewer)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let e: serde_json::Value = r.json().await.unwrap();
    assert!(
        e["error"]
            .as_str()
            .unwrap()
            .contains("^ AND needs something after it"),
        "{e}"
    );
    let found: serde_json::Value = http
        .get(api("/mentions?q=script&brand=Acme"))
        .bearer_auth(&viewer)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    if found["mentions"][0].is_null() {
        let all = w.vigie(&["mentions", "--state", "all", "--limit", "100"]);
        panic!("{found} {}", String::from_utf8_lossy(&all.stdout));
    }
    let hostile = &found["mentions"][0];
    assert!(
        hostile["snippet"]
            .as_str()
            .unwrap()
            .contains("<script>alert(4)</script>"),
        "the API gives the text as it is, markup characters included: {found}"
    );
    let id = hostile["id"].as_i64().unwrap();

    // A viewer's token may not decide; an editor's may.
    let triage = |t: &str, body: serde_json::Value| {
        http.post(api(&format!("/mentions/{id}/triage")))
            .bearer_auth(t.to_string())
            .json(&body)
            .send()
    };
    let r = triage(&viewer, serde_json::json!({"state": "irrelevant"}))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = triage(
        &editor,
        serde_json::json!({"state": "irrelevant", "note": "spam"}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());

    // Irrelevant: out of the counts, the default lists and the export; still stored.
    let after: serde_json::Value = http
        .get(api("/brands"))
        .bearer_auth(&viewer)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        brands(after, "Acme")["last_7_days"].as_u64().unwrap(),
        week - 1
    );
    let export = String::from_utf8(w.vigie(&["export", "--format", "json"]).stdout).unwrap();
    assert!(
        !export.contains("onerror"),
        "the irrelevant mention left the export"
    );
    let listed = String::from_utf8(
        w.vigie(&["mentions", "--state", "irrelevant", "--format", "json"])
            .stdout,
    )
    .unwrap();
    assert!(listed.contains("onerror"), "still stored: {listed}");
    let digest = w.vigie(&[
        "digest",
        "--preview",
        w.dir.path().join("d.html").to_str().unwrap(),
    ]);
    assert!(
        digest.status.success(),
        "{}",
        String::from_utf8_lossy(&digest.stderr)
    );
    let html = std::fs::read_to_string(w.dir.path().join("d.html")).unwrap();
    assert!(
        !html.contains("onerror"),
        "the irrelevant mention left the digest"
    );

    // A corrected sentiment replaces the computed one, and is exported as a correction.
    let positive: serde_json::Value = http
        .get(api("/mentions?sentiment=positive&brand=Globex"))
        .bearer_auth(&viewer)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let pid = positive["mentions"][0]["id"]
        .as_i64()
        .expect("a positive Globex mention");
    let r = http
        .post(api(&format!("/mentions/{pid}/triage")))
        .bearer_auth(&editor)
        .json(&serde_json::json!({"sentiment": "negative"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let one: serde_json::Value = http
        .get(api(&format!("/mentions/{pid}")))
        .bearer_auth(&viewer)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(one["mention"]["sentiment_label"], "negative", "{one}");
    assert_eq!(one["computed"]["sentiment_label"], "positive", "{one}");
    assert_eq!(one["history"][0]["actor"], "token editor", "{one}");
    let corrections = String::from_utf8(w.vigie(&["export", "--corrections"]).stdout).unwrap();
    let mut lines = corrections.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("mention_id,brand,lang,computed_sentiment,computed_label,corrected_label")
    );
    let line = lines.next().expect("one correction");
    assert!(
        line.starts_with(&format!("{pid},Globex,")) && line.contains(",positive,negative,"),
        "{line}"
    );

    // Acknowledge with a note, as the editor's token.
    let alerts: serde_json::Value = http
        .get(api("/alerts?open=true"))
        .bearer_auth(&viewer)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let aid = alerts["alerts"][0]["id"]
        .as_i64()
        .expect("the demo's open alert");
    let r = http
        .post(api(&format!("/alerts/{aid}/ack")))
        .bearer_auth(&viewer)
        .json(&serde_json::json!({"note": "on it"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = http
        .post(api(&format!("/alerts/{aid}/ack")))
        .bearer_auth(&editor)
        .json(&serde_json::json!({"note": "on it"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let shown = String::from_utf8(w.vigie(&["alerts"]).stdout).unwrap();
    assert!(
        shown.contains("acknowledged") && shown.contains("(on it)"),
        "{shown}"
    );

    // A revoked token is refused.
    let out = w.vigie(&["token", "revoke", "1"]);
    assert!(out.status.success());
    let r = http
        .get(api("/sources"))
        .bearer_auth(&viewer)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let _ = ADMIN;
}

#[test]
fn the_openapi_file_describes_exactly_the_routes_served() {
    let spec = std::fs::read_to_string(common::repo_path("docs/openapi.yaml")).unwrap();
    let mut documented = Vec::new();
    let mut path: Option<String> = None;
    for line in spec.lines() {
        if let Some(p) = line.strip_prefix("  /") {
            path = Some(format!("/api/v1/{}", p.trim_end_matches(':')));
        } else if let (Some(p), Some(m)) = (&path, line.strip_prefix("    ")) {
            let m = m.trim_end_matches(':');
            if ["get", "post", "put", "delete", "patch"].contains(&m) {
                documented.push((m.to_string(), p.clone()));
            }
        }
    }
    // And the list is the router's: each route answers on a running daemon (a missing one
    // would say "no such route").
    let w = Workspace::start();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let http = reqwest::Client::new();
        for (method, path) in vigie::web::api::ROUTES {
            let url = format!("{}{}", w.base, path.replace("{id}", "1"));
            let r = match *method {
                "get" => http.get(url),
                _ => http.post(url).json(&serde_json::json!({})),
            }
            .bearer_auth("vigie_not-a-token")
            .send()
            .await
            .unwrap();
            assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{method} {path}");
        }
        let r = http
            .get(format!("{}/api/v1/nothing", w.base))
            .bearer_auth("x")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
    });
    let mut served: Vec<(String, String)> = vigie::web::api::ROUTES
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    documented.sort();
    served.sort();
    assert_eq!(documented, served);
    assert!(
        spec.contains("bearerAuth"),
        "the spec says how to authenticate"
    );
}

/// The workspace's tests on each backend: the same pages, rights and API, the same
/// decisions reaching the same counts, exports and digest.
macro_rules! on_both {
    ($($name:ident => $body:ident),* $(,)?) => {
        $(
            mod $name {
                use super::*;

                #[tokio::test(flavor = "multi_thread")]
                async fn on_sqlite() {
                    $body(Workspace::start()).await
                }

                #[tokio::test(flavor = "multi_thread")]
                async fn on_postgres() {
                    let Some(pg) = postgres::server() else { return };
                    let url = pg.database(stringify!($name));
                    $body(Workspace::start_on_postgres(url.clone(), &pg.config_table())).await;
                    // It ran on the server: the demo's mentions and the decisions are there.
                    assert_ne!(pg.psql(&url, "SELECT count(*) FROM mentions"), "0");
                    assert_ne!(pg.psql(&url, "SELECT count(*) FROM mention_events"), "0");
                }
            }
        )*
    };
}

on_both!(
    every_page_needs_a_session_and_every_form_its_csrf_token_and_the_right_role =>
        every_page_needs_a_session_and_every_form_its_csrf_token_and_the_right_role_on,
    the_api_answers_tokens_by_role_and_decisions_reach_counts_exports_and_the_digest =>
        the_api_answers_tokens_by_role_and_decisions_reach_counts_exports_and_the_digest_on,
);
