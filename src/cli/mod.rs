//! The command line: [`args`] defines the commands, [`run()`](fn@run) dispatches them to one file per
//! command or family (`poll.rs`, `check.rs`, `mentions.rs`, `parse.rs` for `parse` and
//! `try-source`...); `output.rs` formats tables, JSON and CSV.
//!
//! Each command loads what it needs, calls into the library, and prints. Errors are typed so
//! `main` can pick the exit code: 2 for a bad config or watchlist, 1 for anything else. The
//! CLI may call everything below it (service, digest, notify, store, analyze, ingest,
//! settings); nothing calls it but `main`.

pub mod args;
/// `println!` that returns the write's error instead of panicking: `main` ends a command
/// whose stdout was closed (`vigie … | head`) quietly, with exit code 0.
macro_rules! say {
    ($($arg:tt)*) => {
        writeln!(std::io::stdout().lock(), $($arg)*)?
    };
}

mod alerts;
mod backtest;
mod backup;
mod check;
mod digest;
mod export;
mod generate;
mod import_opml;
mod matching;
mod mentions;
mod migrate;
mod output;
mod parse;
mod poll;
mod report;
mod run;
mod score;
mod sources;
mod test_email;
mod web;

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::{Parser, Subcommand, ValueEnum};
use jiff::Timestamp;

use crate::analyze::matcher::{ItemView, Matcher};
use crate::analyze::sentiment;
use crate::ingest::fetch::{Fetched, Fetcher, Validators, redact_str};
use crate::service::poll::{Outcome, Poller};
use crate::service::{daemon, shutdown};
use crate::settings::config::{self, Config, DEFAULT_CONFIG_PATH};
use crate::settings::load;
use crate::settings::query::{self as match_query, QueryError};
use crate::settings::units::HumanDuration;
use crate::settings::watchlist::{self};
use crate::settings::watchlist::{Adapter, Brand};
use crate::store::{self, MentionQuery, Store};
use crate::text::fold;
pub use args::*;
pub use generate::generate;
pub use matching::BadQuery;
use output::{csv_record, csv_record_with, local_time, relative, table, truncate};

/// Runs a parsed command line.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Run => run::cmd_run(&cli.config).await,
        Command::Poll { once: _ } => poll::cmd_poll(&cli.config).await,
        Command::Check => check::cmd_check(&cli.config),
        Command::Mentions {
            brand,
            since,
            search,
            sentiment,
            risk,
            state,
            limit,
            sort,
            format,
        } => mentions::cmd_mentions(
            &cli.config,
            MentionQuery {
                brand,
                since: None,
                search: None,
                sentiment,
                risk,
                states: state.map(|s| s.states()).unwrap_or_default(),
                limit,
                order: sort.order(),
                ..MentionQuery::default()
            },
            since,
            search,
            format,
        ),
        Command::Sources { format } => sources::cmd_sources(&cli.config, format),
        Command::Report {
            what:
                ReportWhat::Sov {
                    group,
                    since,
                    format,
                },
        } => report::cmd_sov(&cli.config, &group, &since, format),
        Command::Alerts {
            action: Some(AlertsAction::Ack { id, note }),
            ..
        } => alerts::cmd_ack(&cli.config, id, note.as_deref()),
        Command::Alerts {
            action: None,
            open,
            format,
        } => alerts::cmd_alerts(&cli.config, open, format),
        Command::Backtest {
            since,
            sensitivity,
            brand,
            format,
        } => backtest::cmd_backtest(&cli.config, &since, sensitivity, brand, format),
        Command::TestEmail { to } => test_email::cmd_test_email(&cli.config, &to).await,
        Command::TestChannel { watchlist, channel } => {
            test_email::cmd_test_channel(&cli.config, &watchlist, channel).await
        }
        Command::Backup { file } => backup::cmd_backup(&cli.config, &file),
        Command::Migrate { from, to, format } => {
            migrate::cmd_migrate(&cli.config, &from, to.as_deref(), format).await
        }
        Command::ImportOpml { file, watchlist } => {
            import_opml::cmd_import_opml(&cli.config, &file, watchlist.as_deref())
        }
        Command::Generate { what } => {
            std::io::stdout().write_all(&generate::generate(what)?)?;
            Ok(())
        }
        Command::Export {
            since,
            format,
            brand,
            delimiter,
            bom,
            excel,
            corrections: true,
        } => {
            if since.is_some() || brand.is_some() {
                bail!("--corrections writes every correction: leave out --since and --brand");
            }
            web::cmd_export_corrections(
                &cli.config,
                format,
                if excel { ';' } else { delimiter },
                bom || excel,
            )
        }
        Command::Export {
            since,
            format,
            brand,
            delimiter,
            bom,
            excel,
            corrections: false,
        } => export::cmd_export(
            &cli.config,
            since.as_deref(),
            format,
            export::Csv {
                brand,
                delimiter: if excel { ';' } else { delimiter },
                bom: bom || excel,
            },
        ),
        Command::Digest {
            watchlist,
            date,
            preview,
            send,
        } => {
            digest::cmd_digest(
                &cli.config,
                watchlist.as_deref(),
                date,
                preview.as_deref(),
                send,
            )
            .await
        }
        Command::Parse {
            file_or_url,
            kind,
            select,
        } => parse::cmd_parse(&cli.config, &file_or_url, kind, &select, false).await,
        Command::TrySource {
            file_or_url,
            select,
        } => parse::cmd_parse(&cli.config, &file_or_url, ParseKind::Html, &select, true).await,
        Command::Match {
            query,
            title,
            site,
            lang,
        } => matching::cmd_match(&query, title, site, lang),
        Command::Sentiment { lang, explain } => score::cmd_sentiment(lang, explain),
        Command::Triage {
            ids,
            state,
            sentiment,
            risk,
            note,
        } => web::cmd_triage(
            &cli.config,
            &ids,
            state,
            sentiment,
            risk.as_deref(),
            note.as_deref(),
        ),
        Command::Passwd => web::cmd_passwd(),
        Command::Token { action } => web::cmd_token(&cli.config, action),
    }
}

/// Opens the database for a command that runs on both backends: the SQLite file (made if
/// needed), or PostgreSQL as this node.
fn open_any_store(config: &Config) -> anyhow::Result<Store> {
    match &config.postgres {
        Some(target) => Ok(Store::open_postgres(target, &config.node_id())?),
        None => Ok(Store::open(&config.database)?),
    }
}

/// Like [`open_any_store`], for reading: a SQLite file must exist, and is opened read only.
fn open_any_existing_store(config: &Config) -> anyhow::Result<Store> {
    match &config.postgres {
        Some(target) => Ok(Store::open_postgres(target, &config.node_id())?),
        None => open_existing_store(config),
    }
}

/// Opens the database for a command that writes to one that must exist already (a
/// decision, an acknowledgement): on SQLite, a writer's connection beside the daemon's (WAL
/// lets both in, one write at a time).
fn open_writer(config: &Config) -> anyhow::Result<Store> {
    match &config.postgres {
        Some(_) => open_any_store(config),
        None => {
            drop(open_existing_store(config)?);
            Ok(Store::open(&config.database)?)
        }
    }
}

/// Opens the SQLite file for reading only, refusing to create one where none exists.
fn open_existing_store(config: &Config) -> anyhow::Result<Store> {
    if !config.database.exists() {
        bail!(
            "no database yet at {}: run `vigie poll` or `vigie run` first",
            config.database.display()
        );
    }
    Ok(Store::open_read_only(&config.database)?)
}

/// The stored brand a `--brand` means: the same name with case and accents ignored, else
/// the one brand whose name contains it as words (`moreau` for "Biscuiterie Moreau");
/// an error listing the brands when none or several do.
fn resolve_brand(store: &Store, wanted: &str) -> anyhow::Result<String> {
    let known = store.brands()?;
    let w = fold(wanted.trim());
    if let Some(b) = known.iter().find(|k| fold(k) == w) {
        return Ok(b.clone());
    }
    let within: Vec<&String> = known
        .iter()
        .filter(|k| {
            let k = fold(k);
            k.match_indices(&w)
                .any(|(i, _)| crate::text::on_word_boundaries(&k, &(i..i + w.len())))
        })
        .collect();
    match within[..] {
        [one] => Ok(one.clone()),
        [] if known.is_empty() => bail!("no brand {wanted:?}: no mention is stored yet"),
        [] => bail!(
            "no brand {wanted:?}; the brands with stored mentions are: {}",
            known.join(", ")
        ),
        _ => bail!(
            "--brand {wanted:?} could be {}: give more of the name",
            within
                .iter()
                .map(|b| b.as_str())
                .collect::<Vec<_>>()
                .join(" or ")
        ),
    }
}

/// The time zone of the config's `[digest]` (Europe/Paris by default): the clock every table
/// shows, as the digest and the emails do.
fn config_zone(config: &Config) -> jiff::tz::TimeZone {
    config.digest.defaults.zone_over(&Default::default()).1
}

fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// `7d` → now − 7 days; `2026-11-01`, `01/11/2026`, `yesterday` → that day's start in the
/// local zone; or an RFC 3339 time.
fn parse_since(s: &str, now: Timestamp) -> anyhow::Result<Timestamp> {
    if let Ok(d) = HumanDuration::parse(s) {
        return Ok(now - d.0);
    }
    if let Ok(date) = parse_day(s, now) {
        return Ok(date.to_zoned(jiff::tz::TimeZone::system())?.timestamp());
    }
    s.trim().parse::<Timestamp>().map_err(|_| {
        anyhow::anyhow!(
            "--since {s:?}: expected a duration (7d or 7j, 12h, 2sem) or a date (2026-11-01, 01/11/2026, yesterday or hier)"
        )
    })
}

/// A day as people write it: `2026-11-30`, `30/11/2026` (or `30.11.2026`), `today` or
/// `aujourd'hui`, `yesterday` or `hier`, in the local zone.
fn parse_day(s: &str, now: Timestamp) -> Result<jiff::civil::Date, String> {
    let t = s.trim().to_lowercase().replace('’', "'");
    let today = now.to_zoned(jiff::tz::TimeZone::system()).date();
    match t.as_str() {
        "today" | "aujourd'hui" => return Ok(today),
        "yesterday" | "hier" => return today.yesterday().map_err(|e| e.to_string()),
        _ => {}
    }
    if let Ok(d) = t.parse::<jiff::civil::Date>() {
        return Ok(d);
    }
    let parts: Vec<&str> = t.split(['/', '.']).collect();
    if let [d, m, y] = parts[..]
        && y.len() == 4
        && let (Ok(d), Ok(m), Ok(y)) = (d.parse::<i8>(), m.parse::<i8>(), y.parse::<i16>())
    {
        return jiff::civil::Date::new(y, m, d)
            .map_err(|_| format!("{s:?} is not a day of the calendar"));
    }
    Err(format!(
        "{s:?} is not a date: write 2026-11-30, 30/11/2026, today or yesterday (hier)"
    ))
}

/// `--date`: [`parse_day`] against the present.
fn parse_day_arg(s: &str) -> Result<jiff::civil::Date, String> {
    parse_day(s, Timestamp::now())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_takes_durations_and_dates() {
        let now: Timestamp = "2026-11-23T12:00:00Z".parse().unwrap();
        assert_eq!(
            parse_since("7d", now).unwrap(),
            "2026-11-16T12:00:00Z".parse::<Timestamp>().unwrap()
        );
        assert_eq!(
            parse_since("2026-11-20T08:00:00Z", now).unwrap(),
            "2026-11-20T08:00:00Z".parse::<Timestamp>().unwrap()
        );
        assert!(parse_since("2026-11-01", now).is_ok());
        assert!(parse_since("last tuesday", now).is_err());
    }
}
