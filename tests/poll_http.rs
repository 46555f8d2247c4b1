//! Polling real HTTP sources on loopback: storage, conditional GET, failures kept to their
//! own source, backoff, the address guard.

mod common;

use std::time::Duration;

use common::{Route, Server, feed, poller, rss, setup};
use jiff::Timestamp;
use vigie::service::poll::Outcome;
use vigie::store::MentionQuery;

fn now() -> Timestamp {
    "2026-11-23T10:00:00Z".parse().unwrap()
}

fn outcome_of<'a>(reports: &'a [vigie::service::poll::PollReport], url: &str) -> &'a Outcome {
    &reports
        .iter()
        .find(|r| r.url == url)
        .unwrap_or_else(|| panic!("no report for {url}"))
        .outcome
}

#[tokio::test]
async fn stores_mentions_then_second_poll_gets_304_and_stores_nothing() {
    let srv = Server::start().await;
    srv.route(
        "/news.xml",
        feed(
            rss(&[
                ("a1", "Acme recalls toasters", "Customers are angry."),
                ("a2", "Weather", "Rain in Lyon."),
                (
                    "a3",
                    "Grève",
                    "Le service client d&#8217;Acmé ne répond plus.",
                ),
                ("a4", "Hiking", "The acme trail reopens, Acme says."),
            ]),
            Some("\"v1\""),
        ),
    );
    srv.route(
        "/blog.xml",
        feed(rss(&[("b1", "Acme Corp hires", "Good news.")]), None),
    );
    let s = setup(&[srv.url("/news.xml"), srv.url("/blog.xml")], "", "");
    let p = poller(&s, now());

    let first = p.poll_all(now(), |_| {}).await;
    assert!(
        first.iter().all(|r| r.outcome == Outcome::Fetched),
        "{first:?}"
    );
    assert_eq!(first.iter().map(|r| r.new_mentions).sum::<usize>(), 3);
    let stored = p
        .with_store(|s| {
            s.mentions(&MentionQuery {
                limit: 10,
                ..Default::default()
            })
        })
        .await
        .unwrap();
    let mut titles: Vec<&str> = stored.iter().map(|m| m.title.as_str()).collect();
    titles.sort();
    assert_eq!(
        titles,
        ["Acme Corp hires", "Acme recalls toasters", "Grève"]
    );
    let recall = stored
        .iter()
        .find(|m| m.title == "Acme recalls toasters")
        .unwrap();
    assert_eq!(
        recall.url.as_deref(),
        Some("https://example.org/a1"),
        "utm_* removed"
    );
    assert_eq!(recall.matched_terms, ["Acme"]);

    let later = now() + Duration::from_secs(3600);
    let second = p.poll_all(later, |_| {}).await;
    assert_eq!(
        outcome_of(&second, &srv.url("/news.xml")),
        &Outcome::NotModified
    );
    assert_eq!(second.iter().map(|r| r.new_mentions).sum::<usize>(), 0);
    let news = srv.seen("/news.xml");
    assert_eq!(
        news[1].headers.get("if-none-match").map(String::as_str),
        Some("\"v1\"")
    );
    assert_eq!(news[1].status, 304);
    assert!(
        news[0]
            .headers
            .get("user-agent")
            .is_some_and(|ua| ua.starts_with("Vigie/"))
    );
    let count = p.with_store(|s| s.mention_count()).await.unwrap();
    assert_eq!(count, 3, "re-polling never duplicates");
}

#[tokio::test]
async fn each_failure_marks_only_its_own_source() {
    let srv = Server::start().await;
    srv.route(
        "/good.xml",
        feed(rss(&[("g1", "Acme news", "Acme is here.")]), None),
    );
    srv.route(
        "/500.xml",
        Route::Status {
            code: 500,
            retry_after: None,
        },
    );
    srv.route(
        "/html.xml",
        feed(
            "<html><body><p>Acme, but this is a web page</p></body></html>".into(),
            None,
        ),
    );
    srv.route("/stall.xml", Route::StallMidBody);
    srv.route("/silent.xml", Route::StallBeforeHeaders);
    srv.route(
        "/loop-a",
        Route::Redirect {
            to: "/loop-b".into(),
        },
    );
    srv.route(
        "/loop-b",
        Route::Redirect {
            to: "/loop-a".into(),
        },
    );
    srv.route("/big.xml", Route::Big { len: 3 << 20 });
    srv.route("/bomb.xml", common::gzip_bomb(32 << 20));
    let urls: Vec<String> = [
        "/good.xml",
        "/500.xml",
        "/html.xml",
        "/stall.xml",
        "/silent.xml",
        "/loop-a",
        "/big.xml",
        "/bomb.xml",
    ]
    .iter()
    .map(|p| srv.url(p))
    .collect();
    let s = setup(
        &urls,
        "timeout = \"3s\"\nread_timeout = \"1s\"\nconnect_timeout = \"1s\"\nmax_body_size = \"1 MiB\"",
        "",
    );
    let p = poller(&s, now());
    let reports = p.poll_all(now(), |_| {}).await;

    assert_eq!(outcome_of(&reports, &urls[0]), &Outcome::Fetched);
    let reason = |i: usize| match outcome_of(&reports, &urls[i]) {
        Outcome::Failed(r) => r.clone(),
        other => panic!("{} should fail, got {other:?}", urls[i]),
    };
    assert!(reason(1).contains("HTTP 500"), "{}", reason(1));
    assert!(reason(2).contains("not a readable feed"), "{}", reason(2));
    assert!(reason(3).contains("timed out"), "{}", reason(3));
    assert!(reason(4).contains("timed out"), "{}", reason(4));
    assert!(reason(5).contains("redirect loop"), "{}", reason(5));
    assert!(reason(6).contains("over the 1 MiB limit"), "{}", reason(6));
    assert!(reason(7).contains("after decompression"), "{}", reason(7));

    let rows = p.source_rows().await.unwrap();
    for row in &rows {
        if row.url == urls[0] {
            assert_eq!(
                (row.consecutive_errors, row.last_error.as_deref()),
                (0, None)
            );
            assert!(row.last_success_at.is_some());
        } else {
            assert_eq!(row.consecutive_errors, 1, "{}", row.url);
            assert!(
                row.last_error.is_some() && row.last_success_at.is_none(),
                "{}",
                row.url
            );
        }
    }
    assert_eq!(p.with_store(|s| s.mention_count()).await.unwrap(), 1);
}

#[tokio::test]
async fn too_many_redirects_fail_after_the_limit() {
    let srv = Server::start().await;
    for i in 0..8 {
        srv.route(
            &format!("/r{i}"),
            Route::Redirect {
                to: format!("/r{}", i + 1),
            },
        );
    }
    srv.route("/r8", feed(rss(&[("x", "Acme", "Acme")]), None));
    srv.route("/s0", Route::Redirect { to: "/s1".into() });
    srv.route("/s1", Route::Redirect { to: "/r8".into() });
    let s = setup(&[srv.url("/r0"), srv.url("/s0")], "max_redirects = 3", "");
    let p = poller(&s, now());
    let reports = p.poll_all(now(), |_| {}).await;
    match outcome_of(&reports, &srv.url("/r0")) {
        Outcome::Failed(r) => assert!(r.contains("more than 3 redirects"), "{r}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(srv.seen("/r4").len(), 0, "stopped after 3 hops");
    assert_eq!(
        outcome_of(&reports, &srv.url("/s0")),
        &Outcome::Fetched,
        "2 hops are fine"
    );
}

#[tokio::test]
async fn private_addresses_are_refused_unless_allowed() {
    let srv = Server::start().await;
    srv.route("/feed.xml", feed(rss(&[("x", "Acme", "Acme")]), None));
    let by_name = format!("http://localhost:{}/feed.xml", srv.addr.port());
    let s = setup(&[srv.url("/feed.xml"), by_name.clone()], "", "");
    // The setup allows private networks; this test turns it off again.
    let text = std::fs::read_to_string(&s.config).unwrap().replace(
        "allow_private_networks = true",
        "allow_private_networks = false",
    );
    std::fs::write(&s.config, text).unwrap();
    let p = poller(&s, now());
    let reports = p.poll_all(now(), |_| {}).await;
    for url in [srv.url("/feed.xml"), by_name] {
        match outcome_of(&reports, &url) {
            Outcome::Failed(r) => assert!(r.contains("refused to connect"), "{url}: {r}"),
            other => panic!("{url}: {other:?}"),
        }
    }
    assert_eq!(
        srv.total_requests(),
        0,
        "no request may reach a private address"
    );
}

#[tokio::test]
async fn an_allowed_network_is_reached_with_the_guard_on_and_others_are_not() {
    let srv = Server::start().await;
    srv.route("/feed.xml", feed(rss(&[("x", "Acme", "Acme")]), None));
    let by_name = format!("http://localhost:{}/feed.xml", srv.addr.port());
    for (networks, reached) in [("[\"127.0.0.0/8\"]", true), ("[\"10.0.0.0/8\"]", false)] {
        let s = setup(&[srv.url("/feed.xml"), by_name.clone()], "", "");
        let text = std::fs::read_to_string(&s.config).unwrap().replace(
            "allow_private_networks = true",
            &format!("allow_private_networks = false\nallowed_networks = {networks}"),
        );
        std::fs::write(&s.config, text).unwrap();
        let p = poller(&s, now());
        let before = srv.total_requests();
        let reports = p.poll_all(now(), |_| {}).await;
        for url in [srv.url("/feed.xml"), by_name.clone()] {
            match (outcome_of(&reports, &url), reached) {
                (Outcome::Fetched, true) => {}
                (Outcome::Failed(r), false) => {
                    assert!(r.contains("http.allowed_networks"), "{url}: {r}")
                }
                (other, _) => panic!("{networks} {url}: {other:?}"),
            }
        }
        let requests = srv.total_requests() - before;
        assert_eq!(requests, if reached { 2 } else { 0 }, "{networks}");
    }
}

#[tokio::test]
async fn a_redirect_hop_is_checked_like_the_first_request() {
    // A feed that redirects to a local file would let a watchlist read the server's disk.
    // (Hops to private IP literals go through the same check; see fetch::guard's tests.)
    let srv = Server::start().await;
    srv.route(
        "/to-file",
        Route::Redirect {
            to: "file:///etc/passwd".into(),
        },
    );
    let s = setup(&[srv.url("/to-file")], "", "");
    let p = poller(&s, now());
    let r = p.poll_source(&p.sources[0].clone(), now()).await;
    match &r.outcome {
        Outcome::Failed(m) => assert!(
            m.contains("redirect to file:///etc/passwd not followed"),
            "{m}"
        ),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn backoff_grows_with_failures_and_resets_on_success() {
    let srv = Server::start().await;
    let ok = feed(rss(&[("x", "Acme", "Acme")]), None);
    let fail = Route::Status {
        code: 503,
        retry_after: None,
    };
    srv.route(
        "/flaky.xml",
        Route::Sequence(vec![fail.clone(), fail.clone(), fail, ok]),
    );
    let s = setup(&[srv.url("/flaky.xml")], "", "interval = \"10m\"");
    let p = poller(&s, now());
    let source = p.sources[0].clone();
    let mut t = now();
    let mut waits = Vec::new();
    for _ in 0..5 {
        let r = p.poll_source(&source, t).await;
        waits.push((r.next_check_at.as_second() - t.as_second()) / 60);
        t = r.next_check_at;
    }
    assert_eq!(waits, [10, 20, 40, 10, 10], "minutes until the next check");
    let row = p.source_rows().await.unwrap().remove(0);
    assert_eq!(row.consecutive_errors, 0);
    assert_eq!(
        row.last_error.as_deref(),
        Some("HTTP 503 Service Unavailable")
    );
}

#[tokio::test]
async fn retry_after_pushes_the_next_check() {
    let srv = Server::start().await;
    srv.route(
        "/busy.xml",
        Route::Status {
            code: 429,
            retry_after: Some("7200".into()),
        },
    );
    let s = setup(&[srv.url("/busy.xml")], "", "");
    let p = poller(&s, now());
    let r = p.poll_source(&p.sources[0].clone(), now()).await;
    assert!(
        matches!(&r.outcome, Outcome::Failed(m) if m.contains("429")),
        "{:?}",
        r.outcome
    );
    assert_eq!(r.next_check_at.as_second() - now().as_second(), 7200);
}

#[tokio::test]
async fn no_more_than_the_per_host_limit_of_requests_at_once() {
    let srv = Server::start().await;
    let mut urls = Vec::new();
    for i in 0..6 {
        let path = format!("/slow{i}.xml");
        srv.route(
            &path,
            Route::Slow(
                Duration::from_millis(150),
                Box::new(feed(rss(&[("x", "Acme", "Acme")]), None)),
            ),
        );
        urls.push(srv.url(&path));
    }
    let s = setup(&urls, "per_host_connections = 2", "");
    let p = poller(&s, now());
    let reports = p.poll_all(now(), |_| {}).await;
    assert!(
        reports.iter().all(|r| r.outcome == Outcome::Fetched),
        "{reports:?}"
    );
    assert_eq!(srv.total_requests(), 6);
    assert_eq!(
        srv.max_concurrent(),
        2,
        "six sources on one host, two at a time"
    );
}

#[tokio::test]
async fn an_rss_ttl_is_honoured_after_a_304_too() {
    let srv = Server::start().await;
    let body = rss(&[("x", "Acme", "Acme")]).replace("<channel>", "<channel><ttl>120</ttl>");
    srv.route("/ttl.xml", feed(body, Some("\"t1\"")));
    let s = setup(&[srv.url("/ttl.xml")], "", "interval = \"15m\"");
    let p = poller(&s, now());
    let source = p.sources[0].clone();
    let first = p.poll_source(&source, now()).await;
    assert_eq!(first.outcome, Outcome::Fetched);
    assert_eq!(
        first.next_check_at.as_second() - now().as_second(),
        2 * 3600,
        "the feed asks for 2 h"
    );
    let second = p.poll_source(&source, first.next_check_at).await;
    assert_eq!(second.outcome, Outcome::NotModified);
    assert_eq!(
        second.next_check_at.as_second() - first.next_check_at.as_second(),
        2 * 3600
    );
}
