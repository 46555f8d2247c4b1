//! `vigie migrate` throughput: a SQLite database of N mentions (200 sources, realistic
//! French text, a quarter with engagement) copied into PostgreSQL and verified, then the
//! same again (nothing to write, everything read back and compared).
//!
//! Needs a PostgreSQL server: `VIGIE_BENCH_PG=postgres://vigie@127.0.0.1:5432/db` (an empty
//! database) and `VIGIE_BENCH_PG_PASSWORD_FILE`. `VIGIE_BENCH_MENTIONS` (default 100000).
//! Run with `cargo bench --bench migrate`.

use std::time::Instant;

use vigie::settings::postgres::{PgOptions, PgTarget, SslMode};
use vigie::store::Store;
use vigie::store::pg;

fn main() {
    let Ok(url) = std::env::var("VIGIE_BENCH_PG") else {
        eprintln!("set VIGIE_BENCH_PG (an empty database) and VIGIE_BENCH_PG_PASSWORD_FILE");
        return;
    };
    let n: i64 = std::env::var("VIGIE_BENCH_MENTIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bench.db");
    drop(Store::open(&db).unwrap());
    let mut conn = rusqlite::Connection::open(&db).unwrap();
    let tx = conn.transaction().unwrap();
    for s in 0..200 {
        tx.execute(
            "INSERT INTO sources (url, kind, created_at, name) VALUES (?1, 'feed', 1700000000, ?2)",
            rusqlite::params![format!("https://site{s}.example/feed"), format!("Site {s}")],
        )
        .unwrap();
    }
    {
        let mut insert = tx
            .prepare(
                "INSERT INTO mentions (brand, source_id, dedup_key, item_id, url, title, snippet,
                 text, lang, published_at, fetched_at, matched_terms, sentiment, sentiment_label,
                 engagement, engagement_parts)
                 VALUES (?1, ?2, ?3, ?3, ?3, ?4, ?5, ?6, 'fr', ?7, ?7, 'acme', ?8, ?9, ?10, ?11)",
            )
            .unwrap();
        for i in 0..n {
            let brand = ["Acme", "Globex", "Épicerie Fine"][(i % 3) as usize];
            insert
                .execute(rusqlite::params![
                    brand,
                    1 + i % 200,
                    format!("https://site{}.example/p/{i}", i % 200),
                    format!("Avis n°{i} sur l'électroménager {brand}"),
                    format!("Le grille-pain d'{brand} a brûlé ({i})"),
                    format!(
                        "Le grille-pain d'{brand} a brûlé au bout de trois semaines. Le service client ne répond pas, et le magasin refuse l'échange : « déçu », écrit l'auteur du message n°{i}, qui déconseille la marque à ses lecteurs."
                    ),
                    1_700_000_000 + i * 37,
                    (i % 11) as f64 / 10.0 - 0.5,
                    ["negative", "neutral", "positive"][(i % 3) as usize],
                    (i % 4 == 0).then_some(i % 500),
                    (i % 4 == 0).then(|| format!("score={},comments={}", i % 400, i % 100)),
                ])
                .unwrap();
        }
    }
    tx.commit().unwrap();
    drop(conn);
    let size = std::fs::metadata(&db).unwrap().len();
    let target = PgTarget {
        url,
        options: PgOptions {
            password_file: std::env::var_os("VIGIE_BENCH_PG_PASSWORD_FILE").map(Into::into),
            sslmode: SslMode::Disable,
            ca_file: None,
        },
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let mut client = pg::connect(&target).await.unwrap();
        for run in ["first copy", "again"] {
            let started = Instant::now();
            let tables = pg::copy::copy(&db, &mut client, |_| {}).await.unwrap();
            let secs = started.elapsed().as_secs_f64();
            let mentions = tables.iter().find(|t| t.table == "mentions").unwrap();
            println!(
                "{run}: {} mentions ({:.0} MB of SQLite), {} written, verified in {secs:.1} s ({:.0} mentions/s)",
                mentions.rows,
                size as f64 / 1e6,
                mentions.written,
                mentions.rows as f64 / secs
            );
        }
        let row = client
            .query_one("SELECT pg_database_size(current_database())", &[])
            .await
            .unwrap();
        let bytes: i64 = row.get(0);
        println!(
            "PostgreSQL database size: {:.0} MB (with the full-text index)",
            bytes as f64 / 1e6
        );
    });
}
