//! Feed parsing throughput on well-formed feeds: every file of a folder read as the poller
//! reads it (`read_document_with`: transcoding, feed-rs, text extraction; no language
//! detection), in one thread. A repair never runs on these, so this is what the forgiving
//! front end costs a feed that needs none.
//!
//! `VIGIE_FEEDS=/tmp/vb/c2000-50/feeds cargo bench --bench parse` over the ingest
//! benchmark's corpus (`scripts/ingest-corpus.py`); without `VIGIE_FEEDS`, the demo's
//! feeds. Best and median of five passes, items/s.

use std::path::PathBuf;
use std::time::Instant;

use jiff::Timestamp;
use vigie::ingest::parse::{Languages, read_document_with};
use vigie::settings::watchlist::Adapter;

const RUNS: usize = 5;

fn main() {
    let dir = std::env::var_os("VIGIE_FEEDS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("demo/feeds"));
    let mut docs: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .expect("VIGIE_FEEDS: a folder of feeds")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| {
            p.extension()
                .is_some_and(|x| x == "xml" || x == "atom" || x == "rdf")
        })
        .map(|p| {
            let url = url::Url::from_file_path(&p).unwrap().to_string();
            (url, std::fs::read(&p).unwrap())
        })
        .collect();
    docs.sort();
    let bytes: usize = docs.iter().map(|(_, b)| b.len()).sum();
    let now: Timestamp = "2026-12-04T12:00:00Z".parse().unwrap();
    let pass = || {
        let mut items = 0;
        let mut repaired = 0;
        for (url, b) in &docs {
            let p = read_document_with(&Adapter::Feed, b, None, url, now, Languages::Later)
                .unwrap_or_else(|e| panic!("{url}: {e}"));
            items += p.items.len();
            repaired += usize::from(!p.repairs.is_empty());
        }
        (items, repaired)
    };
    let (items, repaired) = pass();
    let mut secs: Vec<f64> = (0..RUNS)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(pass());
            t.elapsed().as_secs_f64()
        })
        .collect();
    secs.sort_by(f64::total_cmp);
    println!(
        "{} feeds, {} items, {:.1} MB, {} repaired: best {:.3} s ({:.0} items/s), median {:.3} s ({:.0} items/s)",
        docs.len(),
        items,
        bytes as f64 / 1e6,
        repaired,
        secs[0],
        items as f64 / secs[0],
        secs[RUNS / 2],
        items as f64 / secs[RUNS / 2],
    );
}
