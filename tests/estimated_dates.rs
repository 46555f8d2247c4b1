//! An item without a readable date is stamped with its fetch time: on a source's first
//! poll that is the source's history, never a burst (a first poll of feeds full of undated
//! items opened volume alerts); on later polls, an item that was not there before is news
//! at its fetch time.

mod common;

use common::vigie;

/// An RSS feed of `n` undated items about Acme, numbered from `first`.
fn undated(first: usize, n: usize) -> String {
    let items: String = (first..first + n)
        .map(|i| {
            format!(
                "<item><title>Acme, episode {i}</title><link>https://undated.example/{i}</link>\
                 <description>Acme story number {i}, told again.</description>\
                 <pubDate>sometime last week {i}</pubDate></item>"
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Undated</title>\
         <link>https://undated.example/</link>{items}</channel></rss>"
    )
}

#[test]
fn undated_items_of_a_first_poll_open_no_alert_but_new_ones_later_count() {
    let dir = tempfile::tempdir().unwrap();
    let feed = dir.path().join("undated.xml");
    common::write(&feed, &undated(0, 40));
    let url = url::Url::from_file_path(&feed).unwrap().to_string();
    let s = common::setup_in(dir, std::slice::from_ref(&url), "", "");
    let vigie =
        |args: &[&str]| String::from_utf8_lossy(&vigie(&s.config, args).stdout).into_owned();
    let open = |vigie: &dyn Fn(&[&str]) -> String| {
        vigie(&["alerts", "--open", "--format", "json"])
            .lines()
            .count()
    };
    let first = vigie(&["poll"]);
    assert!(first.contains("40 new mentions"), "{first}");
    assert_eq!(open(&vigie), 0, "a first poll is history: no alert");

    // Forty more, never seen before: news at their fetch time.
    common::write(&feed, &undated(0, 80));
    let second = vigie(&["poll"]);
    assert!(second.contains("40 new mentions"), "{second}");
    assert_eq!(open(&vigie), 1, "new undated items are news");
}

/// Brand names for the corpus: two syllables of a made-up word, 50 of them.
fn brands() -> Vec<String> {
    const A: [&str; 10] = [
        "Zan", "Bel", "Quo", "Mir", "Dar", "Vel", "Tor", "Sib", "Ruk", "Fen",
    ];
    const B: [&str; 5] = ["dix", "mora", "tel", "vanu", "sko"];
    A.iter()
        .flat_map(|a| B.iter().map(move |b| format!("{a}{b}")))
        .collect()
}

#[test]
fn a_first_poll_of_2000_feeds_with_a_fifth_of_dates_unreadable_opens_no_alert() {
    let dir = tempfile::tempdir().unwrap();
    let now = jiff::Timestamp::now();
    let brands = brands();
    let bad_dates = [
        "sometime last week",
        "32/13/2026",
        "",
        "Tue, 01 Jan 2099 10:00:00 +0000",
        "hier soir",
    ];
    let (mut sources, mut n) = (String::new(), 0usize);
    for f in 0..2000 {
        let items: String = (0..3)
            .map(|k| {
                n += 1;
                let brand = &brands[n % brands.len()];
                // A fifth of the items have no readable date (or one in the future); the
                // others are spread evenly over the last 14 days, as a calm history.
                let date = if n % 5 == 0 {
                    bad_dates[(n / 5) % bad_dates.len()].to_string()
                } else {
                    let ago = std::time::Duration::from_secs((n as u64 * 193) % (14 * 86_400));
                    (now - ago).strftime("%a, %d %b %Y %H:%M:%S +0000").to_string()
                };
                format!(
                    "<item><title>{brand} : communiqué {f}-{k}</title>\
                     <link>https://site{f}.example/{k}</link>\
                     <description>{brand} publie son communiqué numéro {n} sur ses horaires d'ouverture.</description>\
                     <pubDate>{date}</pubDate></item>"
                )
            })
            .collect();
        let path = dir.path().join(format!("feeds/f{f}.xml"));
        common::write(
            &path,
            &format!(
                "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>F{f}</title>\
                 <link>https://site{f}.example/</link>{items}</channel></rss>"
            ),
        );
        let url = url::Url::from_file_path(&path).unwrap();
        sources.push_str(&format!("\n[[source]]\nurl = \"{url}\"\n"));
    }
    let watchlist: String = brands
        .iter()
        .map(|b| format!("[[brand]]\nname = \"{b}\"\n\n"))
        .collect::<String>()
        + &sources;
    let s = common::setup_watchlist(&watchlist);
    let run = |args: &[&str]| {
        let out = vigie(&s.config, args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let first = run(&["poll"]);
    assert!(first.contains("2000 sources: 2000 ok"), "{first}");
    assert!(first.contains("6000 new mentions"), "{first}");
    let open = run(&["alerts", "--open", "--format", "json"]);
    assert_eq!(open.lines().count(), 0, "a first poll is history: {open}");
}
