//! Watchlist parsing and checks, on text and on real files.

use std::path::Path;
use std::time::Duration;

use super::*;

const GOOD: &str = r#"
[[brand]]
name = "Acme"
aliases = ["Acme Corp"]
exclude = ["acme trail"]

[[source]]
url = "https://news.example.com/feed.xml"
kind = "feed"
interval = "15m"

[[source]]
url = "file:feeds/local.xml"
"#;

#[test]
fn parses_the_documented_shape() {
    let w = parse(GOOD, Path::new("/srv/w/acme.toml")).unwrap();
    assert_eq!(w.name, "acme");
    assert_eq!(
        w.brands[0].terms().collect::<Vec<_>>(),
        ["Acme", "Acme Corp"]
    );
    assert_eq!(w.brands[0].exclude, ["acme trail"]);
    assert_eq!(w.sources[0].interval, Some(Duration::from_secs(900)));
    assert_eq!(w.sources[1].url, "file:///srv/w/feeds/local.xml");
    assert_eq!(w.sources[1].kind, SourceKind::Feed);
}

#[test]
fn a_watchlist_overrides_the_digest_key_by_key_but_not_its_templates() {
    let src = format!("{GOOD}\n[digest]\ntime = \"18:30\"\n");
    let w = parse(&src, Path::new("/srv/w/acme.toml")).unwrap();
    let config = crate::settings::digest::DigestOverride {
        zone: Some((
            "Asia/Tokyo".into(),
            jiff::tz::TimeZone::get("Asia/Tokyo").unwrap(),
        )),
        ..Default::default()
    };
    let s = w.digest.schedule(&config).unwrap();
    assert_eq!((s.time.hour(), s.time.minute()), (18, 30));
    assert_eq!(s.zone_name, "Asia/Tokyo", "the config's zone");
    let off = parse(
        &format!("{GOOD}\n[digest]\nenabled = false\n"),
        Path::new("w.toml"),
    )
    .unwrap();
    assert_eq!(off.digest.schedule(&config), None);

    let e = parse(
        &format!("{GOOD}\n[digest]\ntemplates = \"mine\"\n"),
        Path::new("w.toml"),
    )
    .unwrap_err();
    assert_eq!(e.0[0].key.as_deref(), Some("digest.templates"), "{e}");
}

#[test]
fn missing_brand_name_names_file_and_line() {
    let src = "[[brand]]\naliases = [\"x\"]\n\n[[source]]\nurl = \"https://a.example/f\"\n";
    let e = parse(src, Path::new("w.toml")).unwrap_err();
    assert_eq!(e.0[0].line, Some(1), "{e}");
    assert!(e.0[0].message.contains("missing field `name`"), "{e}");
}

#[test]
fn bad_urls_are_located() {
    let src = "[[brand]]\nname = \"A\"\n[[source]]\nurl = \"ftp://x.example/f\"\n[[source]]\nurl = \"not a url\"\n";
    let e = parse(src, Path::new("w.toml")).unwrap_err();
    assert_eq!(e.0.len(), 2, "{e}");
    assert_eq!(
        (e.0[0].line, e.0[0].key.as_deref()),
        (Some(4), Some("source.url"))
    );
    assert!(e.0[0].message.contains("unsupported URL scheme \"ftp\""));
    assert_eq!(e.0[1].line, Some(6));
}

#[test]
fn unknown_kind_and_key_are_refused() {
    let e = parse(
        "[[brand]]\nname = \"A\"\n[[source]]\nurl = \"https://a.example\"\nkind = \"gopher\"\n",
        Path::new("w.toml"),
    )
    .unwrap_err();
    assert_eq!(e.0[0].line, Some(5));
    assert!(e.0[0].message.contains("unknown variant `gopher`"), "{e}");
    let e = parse(
        "[[brand]]\nname = \"A\"\nalias = [\"B\"]\n[[source]]\nurl = \"https://a.example\"\n",
        Path::new("w.toml"),
    )
    .unwrap_err();
    assert_eq!(e.0[0].key.as_deref(), Some("brand.alias"));
}

#[test]
fn query_errors_point_into_the_file() {
    let src = "[[brand]]\nname = \"Acme\"\nquery = '(acme OR \"acme corp\" recall'\n[[source]]\nurl = \"https://a.example\"\n";
    let e = parse(src, Path::new("w.toml")).unwrap_err();
    assert_eq!((e.0[0].line, e.0[0].column), (Some(3), Some(10)), "{e}");
    assert!(e.0[0].message.contains("never closed"), "{e}");
    let src = "[[brand]]\nname = \"Acme\"\nquery = '''\nacme NEAR/0 recall'''\n[[source]]\nurl = \"https://a.example\"\n";
    let e = parse(src, Path::new("w.toml")).unwrap_err();
    assert_eq!((e.0[0].line, e.0[0].column), (Some(4), Some(6)), "{e}");
    let src = "[[brand]]\nname = \"A\"\naliases = [\"B\"]\nquery = \"a\"\n[[source]]\nurl = \"https://a.example\"\n";
    let e = parse(src, Path::new("w.toml")).unwrap_err();
    assert!(e.0[0].message.contains("either aliases or a query"), "{e}");
}

#[test]
fn a_brand_that_folds_to_nothing_is_refused() {
    let e = parse(
        "[[brand]]\nname = \" -- \"\n[[source]]\nurl = \"https://a.example\"\n",
        Path::new("w.toml"),
    )
    .unwrap_err();
    assert!(e.0[0].message.contains("no letter or digit"), "{e}");
}

#[test]
fn shared_sources_merge_brands_and_take_the_shorter_interval() {
    let a = parse(GOOD, Path::new("/w/a.toml")).unwrap();
    let b = parse(
        "[[brand]]\nname = \"Globex\"\n[[source]]\nurl = \"https://news.example.com/feed.xml\"\ninterval = \"5m\"\n",
        Path::new("/w/b.toml"),
    )
    .unwrap();
    let cat = Catalog {
        watchlists: vec![a, b],
    };
    let sources = cat.sources(Duration::from_secs(1800), Duration::from_secs(60));
    assert_eq!(sources.len(), 2);
    let news = sources
        .iter()
        .find(|s| s.url.starts_with("https://news"))
        .unwrap();
    assert_eq!(*news.brands, ["Acme", "Globex"]);
    assert_eq!(news.interval, Duration::from_secs(300));
    let local = sources.iter().find(|s| s.url.starts_with("file:")).unwrap();
    assert_eq!(local.interval, Duration::from_secs(1800));
}
