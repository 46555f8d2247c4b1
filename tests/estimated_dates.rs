//! An item without a readable date is stamped with its fetch time: on a source's first
//! poll that is the source's history, never a burst (a first poll of feeds full of undated
//! items opened volume alerts); on later polls, an item that was not there before is news
//! at its fetch time.

mod common;

use std::process::Command;

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
    let vigie = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_vigie"))
            .arg("-c")
            .arg(&s.config)
            .args(args)
            .env_remove("RUST_LOG")
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
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
