//! Community and social sources, each served on loopback from fixtures written from the
//! service's documented answers: pages, removed and deleted posts, missing fields, rate
//! limits (429 with Retry-After, exhausted rate-limit headers), refused tokens; engagement,
//! reach and stars stored, and mentions ranked by engagement.

mod common;

use std::path::Path;
use std::time::Duration;

use common::{Route, Server};
use vigie::service::poll::Outcome;
use vigie::store::{MentionQuery, MentionRow, Order};

fn fixture(name: &str) -> String {
    std::fs::read_to_string(common::repo_path(&format!("tests/fixtures/social/{name}"))).unwrap()
}

fn json(name: &str, headers: &[(&str, &str)]) -> Route {
    Route::Json {
        body: fixture(name),
        headers: headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    }
}

fn now() -> jiff::Timestamp {
    "2026-12-05T10:00:00Z".parse().unwrap()
}

const REDDIT: &str = "/r/france/search.json?q=acme&restrict_sr=on&sort=new&limit=100&raw_json=1";
const HN: &str = "/api/v1/search_by_date?query=acme&tags=%28story%2Ccomment%29&hitsPerPage=100";
const MASTODON: &str = "/api/v1/timelines/tag/acme?limit=40";
const BLUESKY: &str = "/xrpc/app.bsky.feed.searchPosts?q=acme&sort=latest&limit=100";
const YOUTUBE: &str = "/feeds/videos.xml?channel_id=UCtestchannel00000000000";
const APPSTORE: &str = "/fr/rss/customerreviews/page=1/id=284882215/sortby=mostrecent/json";

/// One server answering for every service, as each documents its answers.
async fn services() -> Server {
    let server = Server::start().await;
    // Reddit says how many requests are left: the pages are spaced by its window, not by
    // the 6 s its documented rate would ask.
    let left = [
        ("x-ratelimit-remaining", "99.0"),
        ("x-ratelimit-reset", "30"),
    ];
    server.route(REDDIT, json("reddit-1.json", &left));
    server.route(
        &format!("{REDDIT}&after=t3_r3"),
        json("reddit-2.json", &left),
    );
    server.route(HN, json("hn-1.json", &[]));
    server.route(&format!("{HN}&page=1"), json("hn-2.json", &[]));
    server.route(MASTODON, json("mastodon-tag.json", &[]));
    server.route(
        &format!("{MASTODON}&max_id=113499999999999999"),
        Route::Json {
            body: "[]".into(),
            headers: Vec::new(),
        },
    );
    server.route(
        BLUESKY,
        json("bluesky-1.json", &[("ratelimit-remaining", "2999")]),
    );
    server.route(&format!("{BLUESKY}&cursor=c2"), json("bluesky-2.json", &[]));
    server.route(
        YOUTUBE,
        Route::Feed {
            body: fixture("youtube.xml"),
            etag: None,
            content_type: "application/atom+xml",
        },
    );
    server.route(APPSTORE, json("appstore-1.json", &[]));
    server.route(
        &APPSTORE.replace("page=1", "page=2"),
        json("appstore-2.json", &[]),
    );
    server.route(
        &APPSTORE.replace("page=1", "page=3"),
        json("appstore-3.json", &[]),
    );
    server
}

fn watchlist(api: &str) -> String {
    format!(
        r##"[[brand]]
name = "Acme"

[[source]]
kind = "reddit"
query = "acme"
subreddit = "france"
api = "{api}"

[[source]]
kind = "hackernews"
query = "acme"
api = "{api}"

[[source]]
kind = "mastodon"
instance = "{api}"
hashtag = "#acme"

[[source]]
kind = "bluesky"
query = "acme"
api = "{api}"

[[source]]
kind = "youtube"
channel = "UCtestchannel00000000000"
api = "{api}"

[[source]]
kind = "appstore"
app = "284882215"
country = "fr"
brand = "Acme"
api = "{api}"
"##
    )
}

async fn mentions(poller: &vigie::service::poll::Poller, order: Order) -> Vec<MentionRow> {
    poller
        .with_store(move |s| {
            s.mentions(&MentionQuery {
                limit: 100,
                order,
                ..Default::default()
            })
        })
        .await
        .unwrap()
}

fn by_source<'m>(all: &'m [MentionRow], part: &str) -> Vec<&'m MentionRow> {
    all.iter().filter(|m| m.source.contains(part)).collect()
}

fn parts(m: &MentionRow) -> Vec<(&str, u64)> {
    m.engagement_parts
        .iter()
        .map(|(k, v)| (k.as_str(), *v))
        .collect()
}

#[tokio::test]
async fn each_service_is_read_page_by_page_with_its_engagement_and_reach() {
    let server = services().await;
    let s = common::setup_watchlist(&watchlist(&server.url("")));
    let poller = common::poller(&s, now());
    let reports = poller.poll_all(now(), |_| {}).await;
    for r in &reports {
        assert_eq!(r.outcome, Outcome::Fetched, "{r:?}");
    }
    let all = mentions(&poller, Order::Newest).await;

    // Reddit: two pages; the removed post left out; missing counts left out, not zero.
    let reddit = by_source(&all, "search.json");
    assert_eq!(reddit.len(), 3, "{reddit:#?}");
    assert!(reddit.iter().all(|m| !m.title.contains("modérateur")));
    let r1 = reddit
        .iter()
        .find(|m| m.title.contains("bouilloire en 48"))
        .unwrap();
    assert_eq!(parts(r1), [("score", 1200), ("comments", 340)]);
    assert_eq!((r1.engagement, r1.reach), (Some(1540), Some(850_000)));
    assert_eq!(r1.author.as_deref(), Some("u/marie_l"));
    assert_eq!(
        r1.url.as_deref(),
        Some("https://www.reddit.com/r/france/comments/r1/acme_a_remplace_ma_bouilloire/")
    );
    assert_eq!(r1.published_at.to_string(), "2026-12-05T09:00:00Z");
    let r3 = reddit
        .iter()
        .find(|m| m.title.contains("grille-pain"))
        .unwrap();
    assert_eq!(
        (r3.engagement, r3.reach, r3.author.as_deref()),
        (None, None, None)
    );

    // Hacker News: a story, a comment titled after its story, the deleted one skipped,
    // the second page read.
    let hn = by_source(&all, "search_by_date");
    assert_eq!(hn.len(), 3, "{hn:#?}");
    let story = hn
        .iter()
        .find(|m| m.title == "Acme open-sources its kettle firmware")
        .unwrap();
    assert_eq!(parts(story), [("points", 312), ("comments", 95)]);
    assert_eq!(
        story.url.as_deref(),
        Some("https://news.ycombinator.com/item?id=41000001")
    );
    let comment = hn.iter().find(|m| m.title.starts_with("Re: ")).unwrap();
    assert!(
        !comment.snippet.contains("<i>") && comment.snippet.contains("I'd wait"),
        "{}",
        comment.snippet
    );
    assert_eq!(comment.engagement, None);

    // Mastodon: a boost counts as the post it boosts; private posts are not read; the
    // author's followers are the reach.
    let masto = by_source(&all, "timelines/tag");
    assert_eq!(masto.len(), 3, "{masto:#?}");
    let lea = masto
        .iter()
        .find(|m| m.author.as_deref() == Some("Léa (@lea@piaille.example)"))
        .unwrap();
    assert_eq!(
        parts(lea),
        [("favourites", 85), ("boosts", 40), ("replies", 12)]
    );
    assert_eq!(lea.reach, Some(5400));
    assert!(
        lea.title
            .starts_with("Troisième panne de ma machine #Acme ce mois-ci."),
        "{}",
        lea.title
    );
    assert_eq!(lea.sentiment_label.map(|l| l.as_str()), Some("negative"));
    let boosted = masto
        .iter()
        .find(|m| m.title.contains("coffee machines"))
        .unwrap();
    assert_eq!(boosted.url.as_deref(), Some("https://other.example/@tom/1"));
    assert_eq!(boosted.reach, Some(120));
    assert!(masto.iter().all(|m| !m.title.contains("privé")));
    let bare = masto
        .iter()
        .find(|m| m.title.contains("sans date"))
        .unwrap();
    assert!(bare.published_estimated && bare.engagement.is_none());

    // Bluesky: the deleted post skipped, the cursor followed, the web link built.
    let sky = by_source(&all, "searchPosts");
    assert_eq!(sky.len(), 2, "{sky:#?}");
    let nina = sky
        .iter()
        .find(|m| m.author.as_deref() == Some("Nina (@nina.bsky.social)"))
        .unwrap();
    assert_eq!(
        parts(nina),
        [
            ("likes", 900),
            ("reposts", 410),
            ("replies", 30),
            ("quotes", 25)
        ]
    );
    assert_eq!(
        nina.url.as_deref(),
        Some("https://bsky.app/profile/nina.bsky.social/post/3kq1")
    );
    assert!(
        nina.risk.iter().any(|c| c.as_str() == "safety"),
        "a recall: {:?}",
        nina.risk
    );
    let other = sky.iter().find(|m| m.title.contains("5 minutes")).unwrap();
    assert_eq!(
        other.url.as_deref(),
        Some("https://bsky.app/profile/did:plc:def456/post/3kp9")
    );

    // YouTube: views are the reach, likes the engagement; the description is the text.
    let yt = by_source(&all, "videos.xml");
    assert_eq!(yt.len(), 2);
    let test = yt
        .iter()
        .find(|m| m.title.contains("le test qui fâche"))
        .unwrap();
    assert_eq!((test.engagement, test.reach), (Some(2100), Some(184_000)));
    assert!(
        test.snippet.contains("le couvercle casse"),
        "{}",
        test.snippet
    );

    // The App Store: every review is about Acme (they seldom name it), the app's own
    // entry skipped, a single review as an object read, stars kept beside the tone.
    let store = by_source(&all, "customerreviews");
    assert_eq!(store.len(), 3, "{store:#?}");
    let crash = store
        .iter()
        .find(|m| m.title == "Plante à chaque ouverture")
        .unwrap();
    assert_eq!((crash.brand.as_str(), crash.rating), ("Acme", Some(1)));
    assert_eq!(parts(crash), [("votes", 38)]);
    assert_eq!(crash.sentiment_label.map(|l| l.as_str()), Some("negative"));
    let five = store.iter().find(|m| m.title == "Parfait").unwrap();
    assert_eq!((five.rating, five.engagement), (Some(5), None));
    assert_eq!(server.seen(&APPSTORE.replace("page=1", "page=3")).len(), 1);
    assert_eq!(
        server.seen(&APPSTORE.replace("page=1", "page=4")).len(),
        0,
        "no entries: no more pages"
    );

    // Loudest first.
    let loud = mentions(&poller, Order::Engagement).await;
    let top: Vec<Option<u64>> = loud.iter().take(4).map(|m| m.engagement).collect();
    assert_eq!(top, [Some(2100), Some(1540), Some(1365), Some(407)]);
    assert!(loud.last().unwrap().engagement.is_none());

    // A later poll sees the same post with new counts: the mention keeps one row and
    // takes the new figures.
    let mut louder: serde_json::Value = serde_json::from_str(&fixture("reddit-1.json")).unwrap();
    louder["data"]["children"][0]["data"]["score"] = 5000.into();
    server.route(
        REDDIT,
        Route::Json {
            body: louder.to_string(),
            headers: Vec::new(),
        },
    );
    let later = now() + Duration::from_secs(3600);
    poller.poll_all(later, |_| {}).await;
    let again = mentions(&poller, Order::Engagement).await;
    assert_eq!(again.len(), all.len(), "no copy stored");
    assert_eq!(again[0].engagement, Some(5340));
    assert_eq!(again[0].title, r1.title);
}

#[tokio::test]
async fn a_refused_token_fails_the_source_in_those_words_and_is_never_shown() {
    let server = Server::start().await;
    let search = "/api/v2/search?q=acme&type=statuses&limit=40";
    server.route(
        search,
        Route::Status {
            code: 401,
            retry_after: None,
        },
    );
    server.route(
        "/xrpc/com.atproto.server.createSession",
        Route::Status {
            code: 401,
            retry_after: None,
        },
    );
    let s = common::setup_watchlist(&format!(
        r#"[[brand]]
name = "Acme"

[[source]]
kind = "mastodon"
instance = "{api}"
query = "acme"
token_file = "mastodon.token"

[[source]]
kind = "bluesky"
query = "acme"
api = "{api}"
identifier = "acme.bsky.social"
app_password_file = "bsky.password"
"#,
        api = server.url("")
    ));
    common::write(&s.dir.path().join("w/mastodon.token"), "tok-secret-123\n");
    common::write(
        &s.dir.path().join("w/bsky.password"),
        "abcd-efgh-ijkl-mnop\n",
    );
    let poller = common::poller(&s, now());
    let reports = poller.poll_all(now(), |_| {}).await;
    let failure = |part: &str| match &reports
        .iter()
        .find(|r| r.url.contains(part))
        .unwrap()
        .outcome
    {
        Outcome::Failed(e) => e.clone(),
        other => panic!("{other:?}"),
    };
    let masto = failure("api/v2/search");
    assert!(
        masto.starts_with("token refused by Mastodon (HTTP 401)"),
        "{masto}"
    );
    let sky = failure("searchPosts");
    assert!(sky.starts_with("token refused by Bluesky"), "{sky}");
    let seen = server.seen(search);
    assert_eq!(
        seen[0].headers.get("authorization").map(String::as_str),
        Some("Bearer tok-secret-123")
    );
    let login = server.seen("/xrpc/com.atproto.server.createSession");
    assert!(
        login[0].body.contains("acme.bsky.social"),
        "{}",
        login[0].body
    );
    // A token file emptied since the watchlist was read: the source says so, and waits.
    common::write(&s.dir.path().join("w/mastodon.token"), "\n");
    let later = now() + Duration::from_secs(7200);
    let reports = poller.poll_all(later, |_| {}).await;
    let masto = reports
        .iter()
        .find(|r| r.url.contains("api/v2/search"))
        .unwrap();
    assert!(
        matches!(&masto.outcome, Outcome::Failed(e) if e.contains("mastodon.token is empty")),
        "{masto:?}"
    );
    assert_eq!(server.seen(search).len(), 1, "no request without a token");
    // Neither secret reaches the database.
    let db = std::fs::read(s.dir.path().join("v.db")).unwrap();
    let db = String::from_utf8_lossy(&db);
    assert!(!db.contains("tok-secret-123") && !db.contains("abcd-efgh"));
}

#[tokio::test]
async fn an_app_password_opens_one_session_for_many_polls() {
    let server = Server::start().await;
    server.route(
        "/xrpc/com.atproto.server.createSession",
        Route::Json {
            body: r#"{"did":"did:plc:acme","handle":"veille.bsky.social","accessJwt":"jwt-one","refreshJwt":"r"}"#.into(),
            headers: Vec::new(),
        },
    );
    server.route(BLUESKY, json("bluesky-2.json", &[]));
    let s = common::setup_watchlist(&format!(
        "[[brand]]\nname = \"Acme\"\n[[source]]\nkind = \"bluesky\"\nquery = \"acme\"\napi = \"{}\"\nidentifier = \"veille.bsky.social\"\napp_password_file = \"p\"\n",
        server.url("")
    ));
    common::write(&s.dir.path().join("w/p"), "pass-word-pass-word");
    let poller = common::poller(&s, now());
    for i in 0..2 {
        let reports = poller
            .poll_all(now() + Duration::from_secs(1800 * i), |_| {})
            .await;
        assert_eq!(reports[0].outcome, Outcome::Fetched, "{reports:?}");
    }
    assert_eq!(
        server.seen("/xrpc/com.atproto.server.createSession").len(),
        1
    );
    let searches = server.seen(BLUESKY);
    assert_eq!(searches.len(), 2);
    assert!(
        searches
            .iter()
            .all(|r| r.headers.get("authorization").map(String::as_str) == Some("Bearer jwt-one"))
    );
}

#[tokio::test]
async fn rate_limits_are_waited_out_as_the_service_asks() {
    let server = Server::start().await;
    // Bluesky answers 429 first: the source waits the Retry-After, then reads.
    server.route(
        BLUESKY,
        Route::Sequence(vec![
            Route::Status {
                code: 429,
                retry_after: Some("900".into()),
            },
            json("bluesky-2.json", &[]),
        ]),
    );
    // Reddit says its window is spent: the first page is kept, the second waits for the
    // window's end.
    server.route(
        REDDIT,
        json(
            "reddit-1.json",
            &[("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", "420")],
        ),
    );
    server.route(&format!("{REDDIT}&after=t3_r3"), json("reddit-2.json", &[]));
    // Hacker News answers 429 on its second page: the first page's items are kept.
    server.route(HN, json("hn-1.json", &[]));
    server.route(
        &format!("{HN}&page=1"),
        Route::Status {
            code: 429,
            retry_after: Some("300".into()),
        },
    );
    let api = server.url("");
    let s = common::setup_watchlist(&format!(
        "[[brand]]\nname = \"Acme\"\n[[source]]\nkind = \"bluesky\"\nquery = \"acme\"\napi = \"{api}\"\n\
         [[source]]\nkind = \"reddit\"\nquery = \"acme\"\nsubreddit = \"france\"\napi = \"{api}\"\n\
         [[source]]\nkind = \"hackernews\"\nquery = \"acme\"\napi = \"{api}\"\n"
    ));
    let poller = common::poller(&s, now());
    let reports = poller.poll_all(now(), |_| {}).await;
    let report = |part: &str| reports.iter().find(|r| r.url.contains(part)).unwrap();
    let sky = report("searchPosts");
    assert!(
        matches!(&sky.outcome, Outcome::Failed(e) if e.contains("429")),
        "{sky:?}"
    );
    assert!(
        sky.next_check_at >= now() + Duration::from_secs(900),
        "{sky:?}"
    );
    let reddit = report("search.json");
    assert_eq!(
        (reddit.outcome.clone(), reddit.new_mentions),
        (Outcome::Fetched, 2)
    );
    assert!(
        server.seen(&format!("{REDDIT}&after=t3_r3")).is_empty(),
        "no request past the limit"
    );
    assert!(
        reddit.next_check_at >= now() + Duration::from_secs(420),
        "{reddit:?}"
    );
    let hn = report("search_by_date");
    assert_eq!((hn.outcome.clone(), hn.new_mentions), (Outcome::Fetched, 2));
    assert!(
        hn.next_check_at >= now() + Duration::from_secs(300),
        "{hn:?}"
    );

    // After the wait, Bluesky is read.
    let later = now() + Duration::from_secs(901);
    let reports = poller.poll_all(later, |_| {}).await;
    let sky = reports
        .iter()
        .find(|r| r.url.contains("searchPosts"))
        .unwrap();
    assert_eq!(sky.outcome, Outcome::Fetched, "{sky:?}");
}

#[test]
fn social_sources_are_checked_with_file_line_and_key() {
    let check =
        |src: &str| vigie::settings::watchlist::parse(src, Path::new("w.toml")).unwrap_err();
    let e = check(
        "[[brand]]\nname = \"Acme\"\n[[source]]\nkind = \"mastodon\"\ninstance = \"https://mastodon.social\"\nquery = \"acme\"\n",
    );
    assert_eq!(
        (e.0[0].line, e.0[0].key.as_deref()),
        (Some(6), Some("source.query"))
    );
    assert!(e.to_string().contains("token_file"), "{e}");
    let e = check(
        "[[brand]]\nname = \"Acme\"\n[[source]]\nkind = \"reddit\"\nurl = \"https://www.reddit.com/search.json?q=acme\"\n",
    );
    assert_eq!(
        (e.0[0].line, e.0[0].key.as_deref()),
        (Some(5), Some("source.url"))
    );
    let e = check(
        "[[brand]]\nname = \"Acme\"\n[[source]]\nkind = \"appstore\"\napp = \"284882215\"\ncountry = \"fr\"\nbrand = \"Globex\"\n",
    );
    assert_eq!(
        (e.0[0].line, e.0[0].key.as_deref()),
        (Some(7), Some("source.brand"))
    );
    let e = check(
        "[[brand]]\nname = \"Acme\"\n[[source]]\nkind = \"hackernews\"\nquery = \"acme\"\nsubreddit = \"france\"\n",
    );
    assert_eq!(
        (e.0[0].line, e.0[0].key.as_deref()),
        (Some(6), Some("source.subreddit"))
    );
    let e = check(
        "[[brand]]\nname = \"Acme\"\n[[source]]\nurl = \"https://f.example/rss\"\nquery = \"acme\"\n",
    );
    assert_eq!(
        (e.0[0].line, e.0[0].key.as_deref()),
        (Some(5), Some("source.query"))
    );
    let e = check(
        "[[brand]]\nname = \"Acme\"\n[[source]]\nkind = \"reddit\"\nquery = \"acme\"\ntoken_file = \"/nonexistent/vigie.token\"\n",
    );
    assert_eq!(e.0[0].key.as_deref(), Some("source.token_file"));
    // Share-of-voice groups name the watchlist's brands.
    let e = check(
        "[[brand]]\nname = \"Acme\"\n[[source]]\nurl = \"https://f.example/rss\"\n[[group]]\nname = \"G\"\nown = [\"Acme\"]\ncompetitors = [\"Globex\"]\n",
    );
    assert_eq!(
        (e.0[0].line, e.0[0].key.as_deref()),
        (Some(8), Some("group.competitors"))
    );
    assert!(
        e.to_string().contains("not a brand of this watchlist"),
        "{e}"
    );
    // Volume weighed by engagement, or counted; nothing else.
    let ok = "[[brand]]\nname = \"Acme\"\n[[source]]\nurl = \"https://f.example/rss\"\n[alerts]\nweight = \"engagement\"\n";
    let w = vigie::settings::watchlist::parse(ok, Path::new("w.toml")).unwrap();
    assert_eq!(
        w.alerts.weight,
        vigie::settings::watchlist::Weight::Engagement
    );
    let e = check(&ok.replace("\"engagement\"", "\"reach\""));
    assert_eq!(e.0[0].line, Some(6), "{e}");
    // A social source is named for people when the watchlist does not name it.
    let w = vigie::settings::watchlist::parse(
        "[[brand]]\nname = \"Acme\"\n[[source]]\nkind = \"reddit\"\nquery = \"acme\"\nsubreddit = \"r/france\"\n",
        Path::new("w.toml"),
    )
    .unwrap();
    assert_eq!(
        w.sources[0].name.as_deref(),
        Some("Reddit · acme (r/france)")
    );
}

/// One source of each kind on `api`, and the path of its first request.
fn one_of_each(api: &str) -> Vec<(&'static str, String, String)> {
    vec![
        (
            "reddit",
            format!(
                "kind = \"reddit\"\nquery = \"acme\"\nsubreddit = \"france\"\napi = \"{api}\"\n"
            ),
            REDDIT.to_string(),
        ),
        (
            "hackernews",
            format!("kind = \"hackernews\"\nquery = \"acme\"\napi = \"{api}\"\n"),
            HN.to_string(),
        ),
        (
            "mastodon",
            format!("kind = \"mastodon\"\ninstance = \"{api}\"\nhashtag = \"acme\"\n"),
            MASTODON.to_string(),
        ),
        (
            "bluesky",
            format!("kind = \"bluesky\"\nquery = \"acme\"\napi = \"{api}\"\n"),
            BLUESKY.to_string(),
        ),
        (
            "youtube",
            format!(
                "kind = \"youtube\"\nchannel = \"UCtestchannel00000000000\"\napi = \"{api}\"\n"
            ),
            YOUTUBE.to_string(),
        ),
        (
            "appstore",
            format!(
                "kind = \"appstore\"\napp = \"284882215\"\ncountry = \"fr\"\nbrand = \"Acme\"\napi = \"{api}\"\n"
            ),
            APPSTORE.to_string(),
        ),
    ]
}

#[tokio::test]
async fn every_kind_waits_out_a_429_and_every_token_refused_is_named() {
    let server = Server::start().await;
    let kinds = one_of_each(&server.url(""));
    let mut w = String::from("[[brand]]\nname = \"Acme\"\n");
    for (_, source, path) in &kinds {
        w.push_str(&format!("[[source]]\n{source}"));
        server.route(
            path,
            Route::Status {
                code: 429,
                retry_after: Some("1200".into()),
            },
        );
    }
    let s = common::setup_watchlist(&w);
    let poller = common::poller(&s, now());
    let reports = poller.poll_all(now(), |_| {}).await;
    assert_eq!(reports.len(), kinds.len());
    for r in &reports {
        assert!(
            matches!(&r.outcome, Outcome::Failed(e) if e.contains("429")),
            "{r:?}"
        );
        assert!(
            r.next_check_at >= now() + Duration::from_secs(1200),
            "{r:?}"
        );
    }

    // The kinds that take credentials, each given some the service refuses.
    let server = Server::start().await;
    let api = server.url("");
    // (service, source, the request refused, the source's address, what to renew)
    let with_token = [
        (
            "Reddit",
            format!("kind = \"reddit\"\nquery = \"acme\"\napi = \"{api}\"\ntoken_file = \"t\"\n"),
            "/search.json?q=acme&sort=new&limit=100&raw_json=1",
            "/search.json",
            "token in token_file",
        ),
        (
            "Mastodon",
            format!(
                "kind = \"mastodon\"\ninstance = \"{api}\"\nquery = \"acme\"\ntoken_file = \"t\"\n"
            ),
            "/api/v2/search?q=acme&type=statuses&limit=40",
            "/api/v2/search",
            "token in token_file",
        ),
        (
            "Bluesky",
            format!(
                "kind = \"bluesky\"\nquery = \"acme\"\napi = \"{api}\"\nidentifier = \"a.bsky.social\"\napp_password_file = \"t\"\n"
            ),
            "/xrpc/com.atproto.server.createSession",
            "searchPosts",
            "app password in app_password_file",
        ),
    ];
    let mut w = String::from("[[brand]]\nname = \"Acme\"\n");
    for (_, source, refused, _, _) in &with_token {
        w.push_str(&format!("[[source]]\n{source}"));
        server.route(
            refused,
            Route::Status {
                code: 401,
                retry_after: None,
            },
        );
    }
    let s = common::setup_watchlist(&w);
    common::write(&s.dir.path().join("w/t"), "expired-token-or-password");
    let poller = common::poller(&s, now());
    let reports = poller.poll_all(now(), |_| {}).await;
    for (service, _, _, source, what) in &with_token {
        let r = reports.iter().find(|r| r.url.contains(source)).unwrap();
        let Outcome::Failed(e) = &r.outcome else {
            panic!("{r:?}")
        };
        assert!(
            e.starts_with(&format!("token refused by {service} (HTTP 40")),
            "{e}"
        );
        assert!(e.contains(what), "{e}");
        assert!(!e.contains("expired-token-or-password"), "{e}");
    }
    // A service that takes no token and answers 401 is not told to use one.
    let server = Server::start().await;
    server.route(
        HN,
        Route::Status {
            code: 401,
            retry_after: None,
        },
    );
    let s = common::setup_watchlist(&format!(
        "[[brand]]\nname = \"Acme\"\n[[source]]\nkind = \"hackernews\"\nquery = \"acme\"\napi = \"{}\"\n",
        server.url("")
    ));
    let reports = common::poller(&s, now()).poll_all(now(), |_| {}).await;
    assert!(
        matches!(&reports[0].outcome, Outcome::Failed(e) if e.starts_with("HTTP 401") && !e.contains("token")),
        "{reports:?}"
    );
}

#[test]
fn a_saved_answer_is_read_by_vigie_parse_as_a_poll_reads_it() {
    let file = common::repo_path("tests/fixtures/social/appstore-1.json");
    let out = common::vigie(
        Path::new("no-config.toml"),
        &["parse", "--kind", "appstore", file.to_str().unwrap()],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let items: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let ratings: Vec<u64> = items
        .iter()
        .map(|i| i["rating"].as_u64().unwrap())
        .collect();
    assert_eq!(ratings, [1, 5], "the app's own entry is no review");
    assert_eq!(
        items[0]["engagement"]["parts"][0],
        serde_json::json!(["votes", 38])
    );
}
