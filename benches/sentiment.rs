//! Sentiment throughput on 100,000 generated short texts (tweet-sized, French and English,
//! with negations, boosters, contrast, emoji and links), two ways:
//! - **whole process**: `vigie sentiment --lang auto` reading the corpus on stdin, pinned to
//!   one core when `taskset` exists: start-up, lexicon loading, language detection, scoring
//!   and output, as the evaluation runs it;
//! - **in process**: `sentiment::score` alone, after a warm-up.
//!
//! Best and median of five runs. Run with `cargo bench --bench sentiment`.

use std::hint::black_box;
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use vigie::analyze::sentiment;

const TEXTS: usize = 100_000;
const RUNS: usize = 5;

const FR_OPENINGS: &[&str] = &[
    "Franchement",
    "Bon,",
    "Alors là",
    "Je dois dire que",
    "Honnêtement",
    "@user",
    "",
];
const FR_SUBJECTS: &[&str] = &[
    "le service client d'Acme",
    "la nouvelle appli Globex",
    "ma commande chez Cafés Lumière",
    "le grille-pain Acmé",
    "la livraison",
    "leur hotline",
];
const FR_VERBS: &[&str] = &[
    "est vraiment",
    "n'est pas",
    "est un peu",
    "était très",
    "reste",
    "n'a jamais été",
];
const FR_ADJECTIVES: &[&str] = &[
    "génial",
    "nul",
    "décevant",
    "au top",
    "lamentable",
    "fiable",
    "pas terrible",
    "correct",
    "rapide",
];
const FR_TAILS: &[&str] = &[
    "mais le prix pique !",
    ", je recommande 👍",
    ". Plus jamais 😡",
    "... bref.",
    " http://t.co/abc #conso",
    "",
];

const EN_OPENINGS: &[&str] = &["Honestly", "Well,", "OMG", "@user", "So", ""];
const EN_SUBJECTS: &[&str] = &[
    "Acme support",
    "the new Globex app",
    "my Acme toaster",
    "their delivery",
    "the checkout page",
];
const EN_VERBS: &[&str] = &[
    "is really",
    "is not",
    "was kind of",
    "has never been",
    "is SO",
];
const EN_ADJECTIVES: &[&str] = &[
    "great",
    "awful",
    "disappointing",
    "reliable",
    "slow",
    "fine",
    "amazing",
    "useless",
];
const EN_TAILS: &[&str] = &[
    "but the price is steep!!",
    ", would buy again :)",
    ". Never again 😡",
    "lol",
    " https://t.co/xyz #fail",
    "",
];

/// A deterministic corpus: half French, half English, 20 to 150 characters.
fn corpus() -> Vec<String> {
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    (0..TEXTS)
        .map(|i| {
            let mut pick = |list: &[&'static str]| list[next(list.len())];
            let parts = if i % 2 == 0 {
                [
                    pick(FR_OPENINGS),
                    pick(FR_SUBJECTS),
                    pick(FR_VERBS),
                    pick(FR_ADJECTIVES),
                    pick(FR_TAILS),
                ]
            } else {
                [
                    pick(EN_OPENINGS),
                    pick(EN_SUBJECTS),
                    pick(EN_VERBS),
                    pick(EN_ADJECTIVES),
                    pick(EN_TAILS),
                ]
            };
            let mut text = parts.join(" ").trim().to_string();
            if next(2) == 0 {
                // A second clause, as in most tweets.
                text.push_str(if i % 2 == 0 {
                    " Et le SAV ne répond jamais."
                } else {
                    " And their support never answers."
                });
            }
            text
        })
        .collect()
}

fn report(what: &str, times: &mut [Duration]) {
    times.sort();
    let rate = |d: Duration| TEXTS as f64 / d.as_secs_f64();
    println!(
        "{what:<28} best {:>9.0} texts/s   median {:>9.0} texts/s   ({:.3} s for {TEXTS})",
        rate(times[0]),
        rate(times[times.len() / 2]),
        times[times.len() / 2].as_secs_f64()
    );
}

fn main() {
    let texts = corpus();
    let input = texts.join("\n") + "\n";
    let bytes = input.len();
    println!(
        "{TEXTS} texts, {:.1} MB, mean {} bytes",
        bytes as f64 / 1e6,
        bytes / TEXTS
    );

    // Whole process, as `vigie sentiment` is evaluated.
    let pinned = Command::new("taskset")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    let mut times = Vec::new();
    for _ in 0..RUNS {
        let mut cmd = if pinned {
            let mut c = Command::new("taskset");
            c.args(["-c", "0", env!("CARGO_BIN_EXE_vigie")]);
            c
        } else {
            Command::new(env!("CARGO_BIN_EXE_vigie"))
        };
        let start = Instant::now();
        let mut child = cmd
            .args(["sentiment", "--lang", "auto"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("run vigie");
        let mut stdin = child.stdin.take().unwrap();
        let feeder = {
            let input = input.clone();
            std::thread::spawn(move || stdin.write_all(input.as_bytes()))
        };
        let out = child.wait_with_output().expect("vigie output");
        feeder.join().unwrap().unwrap();
        times.push(start.elapsed());
        assert!(out.status.success());
        assert_eq!(out.stdout.iter().filter(|&&b| b == b'\n').count(), TEXTS);
    }
    let label = if pinned {
        "whole process, one core"
    } else {
        "whole process"
    };
    report(label, &mut times);

    // The scorer alone.
    for t in texts.iter().take(1000) {
        black_box(sentiment::score(t, None));
    }
    let mut times = Vec::new();
    for _ in 0..RUNS {
        let start = Instant::now();
        for t in &texts {
            black_box(sentiment::score(black_box(t), None));
        }
        times.push(start.elapsed());
    }
    report("in process, one thread", &mut times);

    let labels =
        texts
            .iter()
            .map(|t| sentiment::score(t, None).label)
            .fold([0usize; 3], |mut n, l| {
                n[l as usize] += 1;
                n
            });
    println!(
        "labels: {} negative, {} neutral, {} positive",
        labels[0], labels[1], labels[2]
    );
}
