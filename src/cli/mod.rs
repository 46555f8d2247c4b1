//! The command line: `vigie run | poll | check | mentions | sources | parse`.
//!
//! Each command loads what it needs, calls into the library, and prints. Errors are typed so
//! `main` can pick the exit code: 2 for a bad config or watchlist, 1 for anything else.

mod output;

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
use crate::settings::errors::ConfigErrors;
use crate::settings::query::{self as match_query, QueryError};
use crate::settings::units::HumanDuration;
use crate::settings::watchlist::{self, Catalog};
use crate::settings::watchlist::{Adapter, Brand};
use crate::store::{self, MentionQuery, Store};
use crate::text::fold;
use output::{csv_record, local_time, relative, table, truncate};

/// `println!` that returns the write's error instead of panicking: `main` ends a command
/// whose stdout was closed (`vigie … | head`) quietly, with exit code 0.
macro_rules! say {
    ($($arg:tt)*) => {
        writeln!(std::io::stdout().lock(), $($arg)*)?
    };
}

/// What the exit codes mean, for cron and scripts (in `--help` and the man page).
const EXIT_CODES: &str = "Exit codes:
  0  success; for `poll`, every source was read (or not modified) and stored
  1  failure; for `poll`, a source failed or its poll could not be stored (the summary is
     still printed); for `check`, the database is damaged or newer than this vigie
  2  invalid config or watchlist (file, line and key on stderr); nothing was started
A command whose output is closed early (`vigie mentions | head`) stops quietly with 0.";

/// Vigie watches feeds for mentions of your brands and keeps them in SQLite.
#[derive(Debug, Parser)]
#[command(
    name = "vigie",
    version,
    about,
    long_about = None,
    after_long_help = EXIT_CODES
)]
pub struct Cli {
    /// Config file.
    #[arg(short, long, global = true, env = "VIGIE_CONFIG", default_value = DEFAULT_CONFIG_PATH)]
    pub config: PathBuf,

    /// Log format: `auto` is the journal's own fields under systemd (when stderr goes to the
    /// journal), else human text (colours on a terminal); `json` is one object per line.
    #[arg(long, global = true, value_enum, env = "VIGIE_LOG_FORMAT", default_value_t = LogFormat::Auto)]
    pub log_format: LogFormat,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Auto,
    Text,
    Json,
    Journald,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the daemon: poll each source when it is due, until SIGINT or SIGTERM.
    Run,
    /// Poll every source now, once, and print what happened. Exit code 1 when a source
    /// failed or its poll could not be stored.
    Poll {
        /// One pass over all sources, then exit (the default; kept explicit for scripts).
        #[arg(long)]
        once: bool,
    },
    /// Check the config, the watchlists and the database (read only) and print a summary.
    /// Exit code 2 on a config or watchlist error, 1 on a database that is damaged or newer
    /// than this vigie.
    Check,
    /// List stored mentions, newest first.
    Mentions {
        /// Only this brand (accents and case ignored).
        #[arg(long)]
        brand: Option<String>,
        /// Only mentions published since: a duration back from now (`7d`, `12h`) or a date
        /// (`2026-11-01`).
        #[arg(long)]
        since: Option<String>,
        /// Words that must appear in the title or text (accents ignored; `word*` for a prefix).
        #[arg(long)]
        search: Option<String>,
        /// Only mentions with this sentiment: negative, neutral or positive.
        #[arg(long)]
        sentiment: Option<sentiment::Label>,
        /// Most mentions to list.
        #[arg(long, default_value_t = 50)]
        limit: usize,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// List alerts, newest first, with their state and their emails' fate.
    Alerts {
        /// Only the open ones.
        #[arg(long)]
        open: bool,
        #[arg(long, value_enum, default_value_t = SourcesFormat::Table)]
        format: SourcesFormat,
    },
    /// Replay spike detection over the stored mentions and print the alerts that would have
    /// fired, without storing or sending anything: to tune a watchlist's `[alerts]`.
    Backtest {
        /// How far back: a duration (`30d`) or a date (`2026-11-01`).
        #[arg(long, default_value = "30d")]
        since: String,
        /// Use this sensitivity for every brand instead of its watchlist's.
        #[arg(long, value_enum)]
        sensitivity: Option<BacktestSensitivity>,
        /// Only this brand.
        #[arg(long)]
        brand: Option<String>,
        #[arg(long, value_enum, default_value_t = SourcesFormat::Table)]
        format: SourcesFormat,
    },
    /// Render a watchlist's digest: to an HTML file to open in a browser (`--preview`), or
    /// queue it and send it now (`--send`).
    #[command(group(clap::ArgGroup::new("action").required(true).multiple(true).args(["preview", "send"])))]
    Digest {
        /// The watchlist (its file name without `.toml`); needed when there are several.
        #[arg(long)]
        watchlist: Option<String>,
        /// The digest sent on that day (`2026-11-23`): its period ends at that day's send
        /// time. Without it: from the last send time to now.
        #[arg(long)]
        date: Option<jiff::civil::Date>,
        /// Write the HTML, charts included, to this file.
        #[arg(long, value_name = "FILE.html")]
        preview: Option<PathBuf>,
        /// Queue one email per recipient and deliver them now. A digest of a day already
        /// sent is not sent again.
        #[arg(long)]
        send: bool,
    },
    /// Print the man page (roff) or a shell's completions, generated from this command line;
    /// packaging writes them to `deploy/`.
    Generate {
        #[arg(value_enum)]
        what: Generated,
    },
    /// Write every stored mention (full text, sentiment, story) to stdout, oldest first.
    Export {
        /// Only mentions published since: a duration back from now (`30d`) or a date.
        #[arg(long)]
        since: Option<String>,
        /// `csv` (a header line, then one line per mention) or `json` (one object per line).
        #[arg(long, value_enum, default_value_t = ExportFormat::Csv)]
        format: ExportFormat,
    },
    /// Write a consistent copy of the database to FILE, online (the daemon may be running),
    /// and check it. Never overwrites a file.
    Backup {
        /// The copy to write.
        file: PathBuf,
    },
    /// Send one test email to TO through the configured `[notify]` transport, now.
    TestEmail {
        /// The address to send to.
        to: String,
    },
    /// Show each source's health: last success, last error, consecutive errors, next check.
    Sources {
        #[arg(long, value_enum, default_value_t = SourcesFormat::Table)]
        format: SourcesFormat,
    },
    /// Try a query: read texts on stdin, one per line, and print `1<TAB>matched terms` or `0`
    /// for each, with the same matcher the daemon uses.
    Match {
        /// The query, as it would be written in a watchlist's `query = '...'`.
        #[arg(long)]
        query: String,
        /// A title every line is given (for `title:` terms).
        #[arg(long)]
        title: Option<String>,
        /// The item link every line is given (for `site:`).
        #[arg(long)]
        site: Option<String>,
        /// The language every line is in (for `lang:`); detected per line when not given.
        #[arg(long)]
        lang: Option<String>,
    },
    /// Score texts: read them on stdin, one per line, and print one sentiment score in
    /// [-1, 1] per line, in order, and nothing else. Needs no config.
    Sentiment {
        /// The language of every line; `auto` picks French or English per line (lines in
        /// another language score 0).
        #[arg(long, value_enum, default_value_t = SentimentLang::Auto)]
        lang: SentimentLang,
        /// After each score, the language and what each word weighed:
        /// `score<TAB>lang<TAB>word:weight ...`.
        #[arg(long)]
        explain: bool,
    },
    /// Parse one feed (a file or a URL) and print its items as JSON lines, as they would be
    /// stored before matching. Uses the config's HTTP settings when the config file exists.
    Parse {
        /// A path, or an http(s):// or file:// URL.
        file_or_url: String,
        /// The adapter: `feed`, `google-alerts`, `talkwalker-alerts`, or `html` with the
        /// selector options.
        #[arg(long, value_enum, default_value_t = ParseKind::Feed)]
        kind: ParseKind,
        #[command(flatten)]
        select: SelectArgs,
    },
    /// Try CSS selectors on a forum or blog page (a file or a URL) and show what each item
    /// yields, to set up a `kind = "html"` source without guessing.
    TrySource {
        /// A path, or an http(s):// or file:// URL.
        file_or_url: String,
        #[command(flatten)]
        select: SelectArgs,
    },
}

/// The selectors of an html source, as `[source.select]` takes them (for `--kind json`,
/// the JSON Pointers of `[source.json]`: `--item` to the list, the others inside an item).
#[derive(Debug, Clone, clap::Args)]
pub struct SelectArgs {
    /// Each item (`li.row`, `article.post`).
    #[arg(long)]
    item: Option<String>,
    /// Inside an item: its title (`a.topictitle`). `SELECTOR@attr` reads an attribute.
    #[arg(long)]
    title: Option<String>,
    /// Its link (`a.topictitle@href`; a selector alone reads `href`).
    #[arg(long)]
    link: Option<String>,
    /// Its text.
    #[arg(long)]
    text: Option<String>,
    /// Its author.
    #[arg(long)]
    author: Option<String>,
    /// Its date (`time@datetime`, or a text such as "il y a 3 heures").
    #[arg(long)]
    date: Option<String>,
    /// In the page: the link to the next page.
    #[arg(long)]
    next: Option<String>,
    /// Pages to read, the first included.
    #[arg(long, default_value_t = 1)]
    max_pages: u32,
    /// The zone of dates written without an offset.
    #[arg(long, default_value = "Europe/Paris")]
    timezone: String,
}

impl SelectArgs {
    fn json_spec(&self) -> anyhow::Result<crate::ingest::parse::json::JsonSpec> {
        use crate::settings::sources::check_pointer;
        let (Some(items), Some(title)) = (&self.item, &self.title) else {
            bail!("--item (the JSON Pointer to the list) and --title are needed to read JSON");
        };
        for (name, p) in [
            ("item", Some(items)),
            ("title", Some(title)),
            ("link", self.link.as_ref()),
            ("text", self.text.as_ref()),
            ("author", self.author.as_ref()),
            ("date", self.date.as_ref()),
        ] {
            if let Some(p) = p {
                check_pointer(p).map_err(|e| anyhow::anyhow!("--{name}: {e}"))?;
            }
        }
        Ok(crate::ingest::parse::json::JsonSpec {
            items: items.clone(),
            title: title.clone(),
            link: self.link.clone(),
            text: self.text.clone(),
            author: self.author.clone(),
            date: self.date.clone(),
            id: None,
            timezone: self.timezone.clone(),
        })
    }

    fn spec(&self) -> anyhow::Result<crate::ingest::parse::html::HtmlSpec> {
        use crate::settings::sources::{Field, check_selector};
        let (Some(item), Some(title)) = (&self.item, &self.title) else {
            bail!("--item and --title are needed to read a page");
        };
        check_selector(item).map_err(|e| anyhow::anyhow!("--item: {e}"))?;
        let field = |name: &str, v: &Option<String>| -> anyhow::Result<Option<Field>> {
            v.as_deref()
                .map(|v| Field::parse(v).map_err(|e| anyhow::anyhow!("--{name}: {e}")))
                .transpose()
        };
        if jiff::tz::TimeZone::get(&self.timezone).is_err() {
            bail!("--timezone: unknown time zone {:?}", self.timezone);
        }
        Ok(crate::ingest::parse::html::HtmlSpec {
            item: item.trim().to_string(),
            title: Field::parse(title).map_err(|e| anyhow::anyhow!("--title: {e}"))?,
            link: field("link", &self.link)?,
            text: field("text", &self.text)?,
            author: field("author", &self.author)?,
            date: field("date", &self.date)?,
            next: field("next", &self.next)?,
            max_pages: self
                .max_pages
                .clamp(1, crate::settings::watchlist::MAX_PAGES),
            timezone: self.timezone.clone(),
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Generated {
    Man,
    Bash,
    Zsh,
    Fish,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Csv,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ParseKind {
    Feed,
    Html,
    /// With `--item` the JSON Pointer to the list, and the other options JSON Pointers.
    Json,
    GoogleAlerts,
    TalkwalkerAlerts,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    /// One JSON object per line.
    Json,
    Csv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BacktestSensitivity {
    Low,
    Balanced,
    High,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SentimentLang {
    Auto,
    Fr,
    En,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SourcesFormat {
    Table,
    /// One JSON object per line.
    Json,
}

/// Runs a parsed command line.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Run => cmd_run(&cli.config).await,
        Command::Poll { once: _ } => cmd_poll(&cli.config).await,
        Command::Check => cmd_check(&cli.config),
        Command::Mentions {
            brand,
            since,
            search,
            sentiment,
            limit,
            format,
        } => cmd_mentions(
            &cli.config,
            MentionQuery {
                brand,
                since: None,
                search,
                sentiment,
                limit,
            },
            since,
            format,
        ),
        Command::Sources { format } => cmd_sources(&cli.config, format),
        Command::Alerts { open, format } => cmd_alerts(&cli.config, open, format),
        Command::Backtest {
            since,
            sensitivity,
            brand,
            format,
        } => cmd_backtest(&cli.config, &since, sensitivity, brand, format),
        Command::TestEmail { to } => cmd_test_email(&cli.config, &to).await,
        Command::Backup { file } => cmd_backup(&cli.config, &file),
        Command::Generate { what } => {
            std::io::stdout().write_all(&generate(what)?)?;
            Ok(())
        }
        Command::Export { since, format } => cmd_export(&cli.config, since.as_deref(), format),
        Command::Digest {
            watchlist,
            date,
            preview,
            send,
        } => {
            cmd_digest(
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
        } => cmd_parse(&cli.config, &file_or_url, kind, &select, false).await,
        Command::TrySource {
            file_or_url,
            select,
        } => cmd_parse(&cli.config, &file_or_url, ParseKind::Html, &select, true).await,
        Command::Match {
            query,
            title,
            site,
            lang,
        } => cmd_match(&query, title, site, lang),
        Command::Sentiment { lang, explain } => cmd_sentiment(lang, explain),
    }
}

fn cmd_sentiment(lang: SentimentLang, explain: bool) -> anyhow::Result<()> {
    let lang = match lang {
        SentimentLang::Auto => None,
        SentimentLang::Fr => Some(sentiment::Lang::Fr),
        SentimentLang::En => Some(sentiment::Lang::En),
    };
    let stdin = std::io::stdin().lock();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut line = Vec::new();
    let mut input = std::io::BufReader::new(stdin);
    loop {
        line.clear();
        if input.read_until(b'\n', &mut line)? == 0 {
            break;
        }
        // A line that is not UTF-8 is scored on what it says, not refused.
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\n', '\r']);
        if explain {
            let (s, weights) = sentiment::explain(text, lang);
            let weights: Vec<String> = weights
                .iter()
                .map(|(w, v)| format!("{w}:{v:+.2}"))
                .collect();
            let lang = s.lang.map_or("unscored", sentiment::Lang::as_str);
            writeln!(out, "{:.4}\t{lang}\t{}", s.score, weights.join(" "))?;
        } else {
            writeln!(out, "{:.4}", sentiment::score(text, lang).score)?;
        }
    }
    out.flush()?;
    Ok(())
}

/// Loads and validates the config and all watchlists.
pub fn load(path: &Path) -> Result<(Config, Catalog), ConfigErrors> {
    let config = config::load(path)?;
    let catalog = watchlist::load_all(&config)?;
    Ok((config, catalog))
}

fn open_store(config: &Config) -> anyhow::Result<Store> {
    Ok(Store::open(&config.database)?)
}

/// Opens the database for reading only, refusing to create one where none exists.
fn open_existing_store(config: &Config) -> anyhow::Result<Store> {
    if !config.database.exists() {
        bail!(
            "no database yet at {}: run `vigie poll` or `vigie run` first",
            config.database.display()
        );
    }
    Ok(Store::open_read_only(&config.database)?)
}

async fn cmd_run(path: &Path) -> anyhow::Result<()> {
    // SIGHUP is listened for first: from now on it reloads instead of ending the process.
    let requests = shutdown::hangups();
    let (config, catalog) = load(path)?;
    crate::service::systemd::raise_open_files_limit(crate::service::systemd::descriptors_needed(
        config.http.max_concurrent_fetches.get(),
    ));
    let store = open_store(&config)?;
    let poller = Poller::new(config, catalog, store, Timestamp::now())?;
    let path = path.to_path_buf();
    daemon::run_with_reload(
        std::sync::Arc::new(poller),
        daemon::system_clock(),
        shutdown::signal(),
        daemon::Reload {
            requests,
            load: Box::new(move || load(&path)),
        },
    )
    .await
}

async fn cmd_poll(path: &Path) -> anyhow::Result<()> {
    let (config, catalog) = load(path)?;
    let store = open_store(&config)?;
    let poller = Poller::new(config, catalog, store, Timestamp::now())?;
    poller.score_unscored().await?;
    let bar = if std::io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new(poller.sources.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} polling [{bar:30}] {pos}/{len} {msg}",
            )
            .expect("static template")
            .progress_chars("=> "),
        );
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let reports = poller
        .poll_all(Timestamp::now(), |r| {
            bar.inc(1);
            bar.set_message(truncate(&redact_str(&r.url), 40));
        })
        .await;
    bar.finish_and_clear();

    let (mut ok, mut unchanged, mut failed, mut new) = (0, 0, 0, 0);
    let rows: Vec<Vec<String>> = reports
        .iter()
        .map(|r| {
            new += r.new_mentions;
            let (status, detail) = match &r.outcome {
                Outcome::Fetched => {
                    ok += 1;
                    (
                        "ok",
                        format!(
                            "{}, {}",
                            plural(r.items, "item"),
                            plural(r.new_mentions, "new mention")
                        ),
                    )
                }
                Outcome::NotModified => {
                    unchanged += 1;
                    ("not modified", String::new())
                }
                Outcome::Failed(why) => {
                    failed += 1;
                    ("FAILED", why.clone())
                }
                Outcome::NotStored(why) => {
                    failed += 1;
                    ("NOT STORED", why.clone())
                }
            };
            vec![
                status.to_string(),
                truncate(&redact_str(&r.url), 70),
                detail,
            ]
        })
        .collect();
    write!(
        std::io::stdout().lock(),
        "{}",
        table(&["status", "source", "detail"], &rows)
    )?;
    say!(
        "\n{}: {ok} ok, {unchanged} not modified, {failed} failed; {}",
        plural(reports.len(), "source"),
        plural(new, "new mention")
    );

    // A digest due since the last run (run from cron, `vigie poll` is the whole daemon).
    for q in crate::service::digests::send_due(&poller, Timestamp::now()).await {
        say!(
            "digest of {} queued: {}",
            q.watchlist,
            plural(q.emails, "email")
        );
    }

    let pruned = poller.prune(Timestamp::now()).await?;
    if pruned > 0 {
        say!(
            "{} past store.keep_mentions deleted",
            plural(pruned, "mention")
        );
    }

    // The whole cycle: what the polls decided is delivered now, retrying (30 s, then 60 s
    // later) for up to a minute when the mail server does not answer.
    deliver_and_wait(&poller).await?;
    // Exit 1 when any source failed or its poll was not stored, so cron and scripts see it.
    if failed > 0 {
        bail!(
            "{failed} of {} failed or could not be stored (see above)",
            plural(reports.len(), "source")
        );
    }
    Ok(())
}

/// Delivers the outbox now, retrying (30 s, then 60 s later) for up to a minute when the
/// mail server does not answer, and says what became of the emails.
async fn deliver_and_wait(poller: &Poller) -> anyhow::Result<()> {
    let deadline = Timestamp::now() + DELIVERY_DEADLINE;
    let mut delivered = poller.deliver_outbox(&Timestamp::now).await?;
    while let Some(due) = poller.with_store(|s| s.next_email_due()).await?
        && due <= deadline
    {
        let wait = due.duration_since(Timestamp::now());
        tokio::time::sleep(std::time::Duration::try_from(wait).unwrap_or_default()).await;
        let more = poller.deliver_outbox(&Timestamp::now).await?;
        delivered.sent += more.sent;
        delivered.dead += more.dead;
        delivered.retrying += more.retrying;
    }
    let open = poller.with_store(|s| s.alerts(true, 1000)).await?;
    let (pending, _, dead) = poller.with_store(|s| s.outbox_counts()).await?;
    if !open.is_empty() || delivered != Default::default() || pending > 0 || dead > 0 {
        say!(
            "{} open; emails: {} sent now, {pending} waiting, {dead} refused",
            plural(open.len(), "alert"),
            delivered.sent
        );
    }
    Ok(())
}

fn cmd_backtest(
    path: &Path,
    since: &str,
    sensitivity: Option<BacktestSensitivity>,
    only: Option<String>,
    format: SourcesFormat,
) -> anyhow::Result<()> {
    use crate::analyze::alert;
    use crate::settings::alerts::{DETECTION_SPAN, Sensitivity, Thresholds};
    let (config, catalog) = load(path)?;
    let store = open_existing_store(&config)?;
    let now = Timestamp::now();
    let from = parse_since(since, now)?;
    let mut out = std::io::stdout().lock();
    let mut rows = Vec::new();
    for w in &catalog.watchlists {
        let thresholds = match sensitivity {
            None => w.alerts.thresholds(),
            Some(BacktestSensitivity::Low) => Thresholds::of(Sensitivity::Low),
            Some(BacktestSensitivity::Balanced) => Thresholds::of(Sensitivity::Balanced),
            Some(BacktestSensitivity::High) => Thresholds::of(Sensitivity::High),
        };
        for b in &w.brands {
            if only.as_deref().is_some_and(|o| fold(o) != fold(&b.name)) {
                continue;
            }
            let points = store.points(&b.name, from - DETECTION_SPAN, now)?;
            let step = std::time::Duration::from_secs(15 * 60);
            for r in alert::replay(&points, from, now, step, &thresholds, w.alerts.cooldown.0) {
                rows.push((b.name.clone(), r));
            }
        }
    }
    rows.sort_by_key(|(_, r)| r.opened_at);
    if format == SourcesFormat::Json {
        for (brand, r) in &rows {
            let mut v = serde_json::to_value(r)?;
            v["brand"] = serde_json::Value::String(brand.clone());
            writeln!(out, "{v}")?;
        }
        return Ok(());
    }
    if rows.is_empty() {
        writeln!(out, "no alert would have fired since {}", local_time(from))?;
        return Ok(());
    }
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|(brand, r)| {
            vec![
                local_time(r.opened_at),
                brand.clone(),
                r.kind.as_str().to_string(),
                format!(
                    "{}{} in {} h, baseline {:.2}",
                    r.reading.observed,
                    if r.kind == alert::Kind::Negativity {
                        format!("/{} negative", r.reading.total)
                    } else {
                        String::new()
                    },
                    r.reading.window.as_secs() / 3600,
                    r.reading.baseline
                ),
                r.escalated_at.map(local_time).unwrap_or_default(),
                r.closed_at.map_or_else(|| "still open".into(), local_time),
            ]
        })
        .collect();
    write!(
        out,
        "{}",
        table(
            &["would open", "brand", "kind", "why", "escalated", "closed"],
            &cells
        )
    )?;
    writeln!(
        out,
        "{} (nothing was stored or sent)",
        plural(rows.len(), "alert")
    )?;
    Ok(())
}

async fn cmd_digest(
    path: &Path,
    watchlist: Option<&str>,
    date: Option<jiff::civil::Date>,
    preview: Option<&Path>,
    send: bool,
) -> anyhow::Result<()> {
    use crate::service::digests as due;
    let (config, catalog) = load(path)?;
    let store = open_store(&config)?;
    let now = Timestamp::now();
    let poller = Poller::new(config, catalog, store, now)?;
    let names: Vec<&str> = poller
        .catalog
        .watchlists
        .iter()
        .map(|w| w.name.as_str())
        .collect();
    let mut chosen = Vec::new();
    for w in &poller.catalog.watchlists {
        if watchlist.is_some_and(|n| n != w.name) {
            continue;
        }
        match w.digest.schedule(&poller.config.digest.defaults) {
            Some(s) => chosen.push((w, s)),
            None if watchlist.is_some() => {
                bail!(
                    "the digest of watchlist {} is off ([digest] enabled = false)",
                    w.name
                )
            }
            None => {}
        }
    }
    if let Some(n) = watchlist
        && chosen.is_empty()
    {
        bail!("no watchlist {n:?}; there are: {}", names.join(", "));
    }
    if preview.is_some() && chosen.len() > 1 {
        bail!(
            "{} watchlists have a digest ({}): choose one with --watchlist",
            chosen.len(),
            names.join(", ")
        );
    }
    for (w, schedule) in chosen {
        let period = match date {
            Some(d) => schedule.period_ending(schedule.at(d)),
            // Up to now, this second included (mentions are stored to the second).
            None => (
                schedule.last_at_or_before(now),
                Timestamp::from_second(now.as_second() + 1)?,
            ),
        };
        let zone = |t: Timestamp| {
            t.to_zoned(schedule.zone.clone())
                .strftime("%Y-%m-%d %H:%M %Z")
                .to_string()
        };
        let span = format!("{} to {}", zone(period.0), zone(period.1));
        if let Some(file) = preview {
            let digest = due::build(&poller, w, &schedule, period, now).await?;
            let html = digest.preview(&poller.digest_templates)?;
            std::fs::write(file, html)
                .with_context(|| format!("cannot write {}", file.display()))?;
            say!(
                "digest of {} ({span}): written to {}",
                w.name,
                file.display()
            );
        }
        if send {
            if date.is_some() && period.1 > now {
                bail!(
                    "the digest of {} is not due yet: its period ends {}",
                    date.map(|d| d.to_string()).unwrap_or_default(),
                    zone(period.1)
                );
            }
            let q = due::enqueue(&poller, w, &schedule, period, false, now).await?;
            let note = if q.emails == 0 && !w.recipients.is_empty() {
                " (already queued or sent for this period)"
            } else if w.recipients.is_empty() {
                " (the watchlist has no recipients)"
            } else {
                ""
            };
            say!(
                "digest of {} ({span}): {} queued{note}",
                w.name,
                plural(q.emails, "email")
            );
        }
    }
    if send {
        deliver_and_wait(&poller).await?;
    }
    Ok(())
}

fn cmd_export(path: &Path, since: Option<&str>, format: ExportFormat) -> anyhow::Result<()> {
    let config = config::load(path)?;
    let store = open_existing_store(&config)?;
    let since = since
        .map(|s| parse_since(s, Timestamp::now()))
        .transpose()?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if format == ExportFormat::Csv {
        writeln!(
            out,
            "id,published_at,brand,title,url,source,author,lang,matched_terms,sentiment,sentiment_label,story,fetched_at,published_estimated,text"
        )?;
    }
    // Writing stops at the first output error (a closed pipe), which is then reported.
    let mut failed: Option<std::io::Error> = None;
    store.export_mentions(since, &mut |m| {
        let written = match format {
            ExportFormat::Json => serde_json::to_string(&m)
                .map_err(std::io::Error::other)
                .and_then(|line| writeln!(out, "{line}")),
            ExportFormat::Csv => writeln!(
                out,
                "{}",
                csv_record(&[
                    m.id.to_string(),
                    m.published_at.to_string(),
                    m.brand,
                    m.title,
                    m.url.unwrap_or_default(),
                    m.source,
                    m.author.unwrap_or_default(),
                    m.lang.unwrap_or_default(),
                    m.matched_terms.join("; "),
                    m.sentiment.map(|s| format!("{s:.3}")).unwrap_or_default(),
                    m.sentiment_label.unwrap_or_default(),
                    m.story.map(|s| s.to_string()).unwrap_or_default(),
                    m.fetched_at.to_string(),
                    m.published_estimated.to_string(),
                    m.text,
                ])
            ),
        };
        written.map_err(|e| failed = Some(e)).is_ok()
    })?;
    if let Some(e) = failed {
        return Err(e.into());
    }
    out.flush()?;
    Ok(())
}

/// The man page or a shell's completions for `vigie`, from the clap definition.
pub fn generate(what: Generated) -> anyhow::Result<Vec<u8>> {
    use clap::CommandFactory;
    let mut cmd = Cli::command();
    let mut out = Vec::new();
    let shell = match what {
        Generated::Man => {
            clap_mangen::Man::new(cmd).render(&mut out)?;
            return Ok(out);
        }
        Generated::Bash => clap_complete::Shell::Bash,
        Generated::Zsh => clap_complete::Shell::Zsh,
        Generated::Fish => clap_complete::Shell::Fish,
    };
    clap_complete::generate(shell, &mut cmd, "vigie", &mut out);
    Ok(out)
}

fn cmd_backup(path: &Path, file: &Path) -> anyhow::Result<()> {
    let config = config::load(path)?;
    let store = open_existing_store(&config)?;
    store.backup(file)?;
    let copy = Store::open(file)?;
    let check = copy.integrity_check()?;
    if check != "ok" {
        bail!("backup {}: integrity check failed: {check}", file.display());
    }
    say!(
        "backup written to {}: {}, schema version {}, integrity ok",
        file.display(),
        plural(copy.mention_count()? as usize, "mention"),
        copy.schema_version()?
    );
    Ok(())
}

async fn cmd_test_email(path: &Path, to: &str) -> anyhow::Result<()> {
    let config = config::load(path)?;
    if config.notify.transport == config::Transport::None {
        bail!(
            "no transport in {}: set [notify] smtp = \"smtp://...\" or dir = \"...\"",
            config.path.display()
        );
    }
    let now = Timestamp::now();
    let email = crate::notify::Email {
        subject: "[Vigie] test".into(),
        text: format!(
            "This test message was sent by `vigie test-email` at {now}.\nIf you read it, alerts will reach you."
        ),
        html: format!(
            "<p>This test message was sent by <code>vigie test-email</code> at {now}.</p><p>If you read it, alerts will reach you.</p>"
        ),
    };
    let id = format!(
        "<vigie.test.{}@{}>",
        now.as_nanosecond(),
        config.notify.from.email.domain()
    );
    let message = crate::notify::build(&email, &config.notify.from, to, &id, now)?;
    let sender = crate::notify::send::Sender::new(&config.notify)?;
    let queued = store::QueuedEmail {
        id: 0,
        recipient: to.to_string(),
        message_id: id,
        subject: email.subject,
        message,
        attempts: 0,
    };
    match sender.send(&queued).await {
        Ok(()) => {
            say!("sent to {to} ({})", queued.message_id);
            Ok(())
        }
        Err(e) => bail!(
            "not sent to {to}: {}{}",
            e.message,
            if e.permanent {
                " (refused by the server)"
            } else {
                ""
            }
        ),
    }
}

fn cmd_alerts(path: &Path, open_only: bool, format: SourcesFormat) -> anyhow::Result<()> {
    let config = config::load(path)?;
    let store = open_existing_store(&config)?;
    let rows = store.alerts(open_only, 1000)?;
    let mut out = std::io::stdout().lock();
    match format {
        SourcesFormat::Json => {
            for a in &rows {
                writeln!(out, "{}", serde_json::to_string(a)?)?;
            }
        }
        SourcesFormat::Table => {
            if rows.is_empty() {
                writeln!(
                    out,
                    "{}",
                    if open_only {
                        "no open alerts"
                    } else {
                        "no alerts"
                    }
                )?;
                return Ok(());
            }
            let cells: Vec<Vec<String>> = rows
                .iter()
                .map(|a| {
                    let state = match (&a.closed_at, &a.escalated_at) {
                        (Some(c), _) => format!("closed {}", local_time(*c)),
                        (None, Some(_)) => "open, escalated".into(),
                        (None, None) => "open".into(),
                    };
                    let why = match a.kind {
                        crate::analyze::alert::Kind::Volume => format!(
                            "{} in {} h, expected {:.1}",
                            a.observed,
                            a.window.as_secs() / 3600,
                            a.baseline
                        ),
                        crate::analyze::alert::Kind::Negativity => format!(
                            "{}/{} negative in {} h, usually {:.0} %",
                            a.observed,
                            a.total,
                            a.window.as_secs() / 3600,
                            a.baseline * 100.0
                        ),
                    };
                    let emails = format!(
                        "{} sent, {} waiting, {} refused",
                        a.emails_sent, a.emails_pending, a.emails_dead
                    );
                    vec![
                        local_time(a.opened_at),
                        a.brand.clone(),
                        a.kind.as_str().to_string(),
                        state,
                        why,
                        emails,
                    ]
                })
                .collect();
            write!(
                out,
                "{}",
                table(
                    &["opened", "brand", "kind", "state", "why", "emails"],
                    &cells
                )
            )?;
        }
    }
    Ok(())
}

/// How long `vigie poll` waits for the outbox when the mail server does not answer.
const DELIVERY_DEADLINE: std::time::Duration = std::time::Duration::from_secs(60);

fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

fn cmd_check(path: &Path) -> anyhow::Result<()> {
    let (config, catalog) = load(path)?;
    let sources = catalog.sources(config.poll.interval.0, config.poll.min_interval.0);
    say!("config      {}", config.path.display());
    let mut problems = Vec::new();
    say!(
        "database    {}: {}",
        config.database.display(),
        check_database(&config.database, &mut problems)
    );
    say!(
        "watchlists  {} ({})",
        catalog.watchlists.len(),
        config.watchlists
    );
    for w in &catalog.watchlists {
        let brands: Vec<String> = w
            .brands
            .iter()
            .map(|b| match &b.query {
                Some(q) => format!("{} (query: {q})", b.name),
                None if b.aliases.is_empty() => b.name.clone(),
                None => format!("{} (aka {})", b.name, b.aliases.join(", ")),
            })
            .collect();
        say!(
            "  {}: {} brands, {} sources: {}",
            w.name,
            w.brands.len(),
            w.sources.len(),
            brands.join("; ")
        );
        let recipients = if w.recipients.is_empty() {
            "no recipients: its alerts are recorded, and no one is emailed".to_string()
        } else {
            w.recipients.join(", ")
        };
        let language = match w.language {
            watchlist::Language::Fr => "French",
            watchlist::Language::En => "English",
        };
        say!(
            "    alerts: {}, cooldown {}; emails in {language} to {recipients}",
            w.alerts.sensitivity.as_str(),
            w.alerts.cooldown,
        );
        say!("    digest: {}", digest_line(w, &config, Timestamp::now()));
    }
    say!("brands      {}", catalog.brands().count());
    say!(
        "sources     {} (polled every {} by default)",
        sources.len(),
        config.poll.interval
    );
    let transport = match &config.notify.transport {
        config::Transport::None => "none: emails wait in the outbox ([notify] smtp or dir)".into(),
        config::Transport::Dir(d) => format!(".eml files in {}", d.display()),
        config::Transport::Smtp { url, username, .. } => format!(
            "{}{}",
            redact_str(url.as_str()),
            username
                .as_deref()
                .map(|u| format!(" as {u} (password from file)"))
                .unwrap_or_default()
        ),
    };
    say!("emails      from {}, {transport}", config.notify.from);
    let templates = crate::digest::templates::Templates::load(config.digest.templates.as_deref())?;
    let origins: Vec<&str> = templates
        .origins()
        .iter()
        .map(|(_, origin)| origin.as_str())
        .collect();
    say!("templates   {}", origins.join(", "));
    if !problems.is_empty() {
        bail!("{}", problems.join("\n"));
    }
    say!("ok");
    Ok(())
}

/// What `check` says of the database, read as it is (never created, upgraded or written);
/// what makes it unusable goes to `problems`.
fn check_database(path: &Path, problems: &mut Vec<String>) -> String {
    if !path.exists() {
        return "none yet (the first poll creates it)".into();
    }
    let damaged = |what: String| {
        format!(
            "database {}: damaged ({what}); restore it from a copy made by `vigie backup`, or see https://sqlite.org/recovery.html",
            path.display()
        )
    };
    // SQLite finding the file malformed is a damaged database too, with the same advice.
    let mut failed = |e: crate::store::StoreError, status: &str| {
        problems.push(if e.is_damaged() {
            damaged(e.sqlite_message())
        } else {
            e.to_string()
        });
        status.to_string()
    };
    let store = match Store::connect_read_only(path) {
        Ok(store) => store,
        Err(e) => return failed(e, "cannot be read"),
    };
    let known = Store::current_schema();
    let version = match store.schema_version() {
        Ok(v) => v,
        Err(e) => return failed(e, "cannot be read"),
    };
    let version_line = match version.cmp(&known) {
        std::cmp::Ordering::Equal => format!("schema version {version} (current)"),
        std::cmp::Ordering::Less => {
            format!("schema version {version}, upgraded to {known} by the next poll")
        }
        std::cmp::Ordering::Greater => {
            let status = format!("schema version {version}, newer than this vigie's ({known})");
            let too_new = crate::store::StoreError::TooNew {
                path: path.to_path_buf(),
                found: version,
                known,
            };
            return failed(too_new, &status);
        }
    };
    match store.quick_check() {
        Ok(lines) if lines == ["ok"] => format!("{version_line}, quick check ok"),
        Ok(lines) => {
            problems.push(damaged(format!(
                "PRAGMA quick_check: {}",
                lines.join("; ").replace('\n', "; ")
            )));
            format!("{version_line}, DAMAGED")
        }
        Err(e) => failed(e, &format!("{version_line}, DAMAGED")),
    }
}

/// `7d` → now − 7 days; `2026-11-01` → that day's start in the local zone; or an RFC 3339
/// time.
fn parse_since(s: &str, now: Timestamp) -> anyhow::Result<Timestamp> {
    if let Ok(d) = HumanDuration::parse(s) {
        return Ok(now - d.0);
    }
    if let Ok(date) = s.parse::<jiff::civil::Date>() {
        return Ok(date.to_zoned(jiff::tz::TimeZone::system())?.timestamp());
    }
    s.parse::<Timestamp>().with_context(|| {
        format!("--since {s:?}: expected a duration (7d, 12h) or a date (2026-11-01)")
    })
}

fn cmd_mentions(
    path: &Path,
    mut query: MentionQuery,
    since: Option<String>,
    format: Format,
) -> anyhow::Result<()> {
    let config = config::load(path)?;
    let store = open_existing_store(&config)?;
    query.brand = match query.brand {
        Some(b) => {
            let known = store.brands()?;
            let wanted = fold(&b);
            Some(known.into_iter().find(|k| fold(k) == wanted).unwrap_or(b))
        }
        None => None,
    };
    query.since = since
        .map(|s| parse_since(&s, Timestamp::now()))
        .transpose()?;
    let rows = store.mentions(&query)?;
    let mut out = std::io::stdout().lock();
    match format {
        Format::Json => {
            for m in &rows {
                writeln!(out, "{}", serde_json::to_string(m)?)?;
            }
        }
        Format::Csv => {
            writeln!(
                out,
                "published_at,brand,title,url,source,matched_terms,lang,snippet,sentiment,sentiment_label"
            )?;
            for m in &rows {
                writeln!(
                    out,
                    "{}",
                    csv_record(&[
                        m.published_at.to_string(),
                        m.brand.clone(),
                        m.title.clone(),
                        m.url.clone().unwrap_or_default(),
                        redact_str(&m.source),
                        m.matched_terms.join("; "),
                        m.lang.clone().unwrap_or_default(),
                        m.snippet.clone(),
                        m.sentiment.map(|v| format!("{v:.3}")).unwrap_or_default(),
                        m.sentiment_label
                            .map(|l| l.as_str().to_string())
                            .unwrap_or_default(),
                    ])
                )?;
            }
        }
        Format::Table => {
            if rows.is_empty() {
                writeln!(out, "no mentions")?;
                return Ok(());
            }
            let cells: Vec<Vec<String>> = rows
                .iter()
                .map(|m| {
                    vec![
                        local_time(m.published_at),
                        m.brand.clone(),
                        sentiment_cell(m),
                        truncate(&m.title, 60),
                        m.url
                            .as_deref()
                            .map_or_else(|| redact_str(&m.source), redact_str),
                    ]
                })
                .collect();
            write!(
                out,
                "{}",
                table(
                    &["published", "brand", "sentiment", "title", "link"],
                    &cells
                )
            )?;
        }
    }
    Ok(())
}

/// `-0.62 negative`, `+0.41 positive`, `0.00 neutral`; `not scored (de)` for a language the
/// scorer does not know; `-` for a mention stored before sentiment existed.
fn sentiment_cell(m: &crate::store::MentionRow) -> String {
    match (m.sentiment, m.sentiment_label, &m.sentiment_lang) {
        (Some(_), Some(_), None) => match &m.lang {
            Some(lang) => format!("not scored ({lang})"),
            None => "not scored".into(),
        },
        (Some(v), Some(label), Some(_)) if v != 0.0 => format!("{v:+.2} {}", label.as_str()),
        (Some(_), Some(label), Some(_)) => format!("0.00 {}", label.as_str()),
        _ => "-".into(),
    }
}

/// `08:00 Europe/Paris, mon-fri; next: 2026-11-24 08:00 CET` or `off`.
fn digest_line(w: &watchlist::Watchlist, config: &Config, now: Timestamp) -> String {
    let Some(s) = w.digest.schedule(&config.digest.defaults) else {
        return "off".into();
    };
    const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    let days = if s.days.iter().all(|d| *d) {
        "every day".to_string()
    } else {
        DAYS.iter()
            .zip(s.days)
            .filter(|(_, on)| *on)
            .map(|(d, _)| *d)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let next = s
        .next_after(now)
        .to_zoned(s.zone.clone())
        .strftime("%Y-%m-%d %H:%M %Z");
    format!(
        "{} {}, {days}; next: {next}{}",
        s.time.strftime("%H:%M"),
        s.zone_name,
        if w.recipients.is_empty() {
            " (no recipients)"
        } else {
            ""
        }
    )
}

fn cmd_sources(path: &Path, format: SourcesFormat) -> anyhow::Result<()> {
    let (config, catalog) = load(path)?;
    let planned = catalog.sources(config.poll.interval.0, config.poll.min_interval.0);
    let rows = if config.database.exists() {
        open_existing_store(&config)?.sources()?
    } else {
        Vec::new()
    };
    let now = Timestamp::now();
    let mut out = std::io::stdout().lock();
    let mut cells = Vec::new();
    for p in &planned {
        let row = rows.iter().find(|r| r.url == p.url);
        if format == SourcesFormat::Json {
            let v = serde_json::json!({
                "url": redact_str(&p.url),
                "kind": p.kind,
                "interval_seconds": p.interval.as_secs(),
                "brands": p.brands,
                "last_checked_at": row.and_then(|r| r.last_checked_at),
                "last_success_at": row.and_then(|r| r.last_success_at),
                "last_error": row.and_then(|r| r.last_error.clone()),
                "last_error_at": row.and_then(|r| r.last_error_at),
                "consecutive_errors": row.map_or(0, |r| r.consecutive_errors),
                "next_check_at": row.map(|r| r.next_check_at),
                "last_item_count": row.and_then(|r| r.last_item_count),
                "mentions": row.map_or(0, |r| r.mentions),
            });
            writeln!(out, "{v}")?;
            continue;
        }
        let (state, success, errors, error, next) = match row {
            None => (
                "new".to_string(),
                "never".to_string(),
                String::new(),
                String::new(),
                "now".to_string(),
            ),
            Some(r) => (
                match (r.consecutive_errors, r.last_checked_at) {
                    (_, None) => "new".to_string(),
                    (0, _) => "ok".to_string(),
                    (n, _) => format!("failing ({n})"),
                },
                r.last_success_at
                    .map_or("never".into(), |t| relative(t, now)),
                r.consecutive_errors.to_string(),
                if r.consecutive_errors > 0 {
                    r.last_error
                        .as_deref()
                        .map(|e| truncate(e, 60))
                        .unwrap_or_default()
                } else {
                    String::new()
                },
                relative(r.next_check_at, now),
            ),
        };
        let mentions = row.map_or(0, |r| r.mentions).to_string();
        cells.push(vec![
            state,
            truncate(&redact_str(&p.url), 60),
            success,
            errors,
            next,
            mentions,
            error,
        ]);
    }
    if format == SourcesFormat::Table {
        write!(
            out,
            "{}",
            table(
                &[
                    "state",
                    "source",
                    "last success",
                    "errors",
                    "next check",
                    "mentions",
                    "last error"
                ],
                &cells
            )
        )?;
        for w in &catalog.watchlists {
            writeln!(
                out,
                "\ndigest of {}: {}",
                w.name,
                digest_line(w, &config, now)
            )?;
        }
    }
    Ok(())
}

/// A query that does not parse, shown with a caret under the problem (exit code 2).
#[derive(Debug, thiserror::Error)]
#[error("invalid query: {}", .error.show(.query))]
pub struct BadQuery {
    query: String,
    error: QueryError,
}

fn cmd_match(
    query: &str,
    title: Option<String>,
    site: Option<String>,
    lang: Option<String>,
) -> anyhow::Result<()> {
    let parsed = match_query::parse(query).map_err(|error| BadQuery {
        query: query.to_string(),
        error,
    })?;
    // Language detection per line costs more than matching; only a lang: filter needs it.
    let needs_lang = match_query::uses_lang(&parsed);
    let brand = Brand {
        name: "query".into(),
        aliases: vec![],
        exclude: vec![],
        query: Some(parsed),
    };
    let matcher = Matcher::new(std::slice::from_ref(&brand));
    let site = site.map(|s| {
        if s.contains("://") {
            s
        } else {
            format!("https://{s}/")
        }
    });
    let title = title.unwrap_or_default();
    let mut out = std::io::stdout().lock();
    for line in std::io::stdin().lock().lines() {
        let line = line?;
        let detected = if lang.is_none() && needs_lang {
            crate::ingest::extract::detect_language(&line)
        } else {
            None
        };
        let item = ItemView {
            title: &title,
            text: &line,
            url: site.as_deref(),
            lang: lang.as_deref().or(detected.as_deref()),
        };
        match matcher.match_item(&item, None).first() {
            Some(hit) => writeln!(out, "1\t{}", hit.matched_terms.join(", "))?,
            None => writeln!(out, "0")?,
        }
    }
    Ok(())
}

async fn cmd_parse(
    path: &Path,
    target: &str,
    kind: ParseKind,
    select: &SelectArgs,
    try_source: bool,
) -> anyhow::Result<()> {
    let spec = match kind {
        ParseKind::Html => Some(select.spec()?),
        _ => None,
    };
    let json = match kind {
        ParseKind::Json => Some(select.json_spec()?),
        _ => None,
    };
    let http = if path.exists() {
        config::load(path)?.http
    } else {
        Default::default()
    };
    let url = match url::Url::parse(target) {
        Ok(u) if matches!(u.scheme(), "http" | "https" | "file") => u.to_string(),
        _ => {
            let abs =
                std::path::absolute(target).with_context(|| format!("cannot resolve {target}"))?;
            url::Url::from_file_path(&abs)
                .map_err(|()| anyhow::anyhow!("cannot turn {} into a file URL", abs.display()))?
                .to_string()
        }
    };
    let adapter = match (kind, spec.clone(), json) {
        (_, Some(spec), _) => Adapter::Html(Box::new(spec)),
        (_, _, Some(json)) => Adapter::Json(Box::new(json)),
        (ParseKind::GoogleAlerts | ParseKind::TalkwalkerAlerts, _, _) => Adapter::AlertFeed,
        _ => Adapter::Feed,
    };
    // A password on the command line is sent, never shown nor used to resolve links.
    let mut parsed_url = url::Url::parse(&url)?;
    let auth = watchlist::take_credentials(&mut parsed_url);
    let url = parsed_url.to_string();
    let fetcher = Fetcher::new(&http)?;
    let now = Timestamp::now();
    let (bytes, content_type) = match fetcher
        .fetch(&url, auth.as_ref(), &Validators::default(), now)
        .await
    {
        Ok(Fetched::Body {
            bytes,
            content_type,
            ..
        }) => (bytes, content_type),
        Ok(Fetched::NotModified { .. }) => bail!(
            "{}: the server answered 304 to an unconditional request",
            redact_str(&url)
        ),
        Err(e) => bail!("{}: {e}", redact_str(&url)),
    };
    let items = crate::service::poll::read_pages(
        &fetcher,
        &url,
        auth.as_ref(),
        &adapter,
        &bytes,
        content_type.as_deref(),
        now,
    )
    .await
    .map_err(|e| anyhow::anyhow!("{}: {e}", redact_str(&url)))?
    .items;
    let mut out = std::io::stdout().lock();
    if try_source {
        write!(out, "{}", try_source_report(&items, spec.as_ref()))?;
        return Ok(());
    }
    for item in &items {
        writeln!(out, "{}", serde_json::to_string(item)?)?;
    }
    if items.is_empty() {
        eprintln!("{}: no items", redact_str(&url));
    }
    Ok(())
}

/// What `vigie try-source` shows: each item's fields, then what is missing where.
fn try_source_report(
    items: &[crate::ingest::parse::Item],
    spec: Option<&crate::ingest::parse::html::HtmlSpec>,
) -> String {
    let mut out = String::new();
    for (i, it) in items.iter().enumerate() {
        out.push_str(&format!("#{}\n", i + 1));
        out.push_str(&format!("  title   {}\n", truncate(&it.title, 100)));
        out.push_str(&format!(
            "  link    {}\n",
            it.url.as_deref().unwrap_or("(none)")
        ));
        let date = if it.published_estimated {
            "(none or unreadable: the fetch time is used)".to_string()
        } else {
            it.published.to_string()
        };
        out.push_str(&format!("  date    {date}\n"));
        out.push_str(&format!(
            "  author  {}\n",
            it.author.as_deref().unwrap_or("(none)")
        ));
        out.push_str(&format!("  text    {}\n", truncate(&it.text, 100)));
    }
    let missing = |what: &str, n: usize| {
        (n > 0).then(|| format!("{n} of {} items have no {what}\n", items.len()))
    };
    out.push_str(&format!("\n{}\n", plural(items.len(), "item")));
    if items.is_empty()
        && let Some(spec) = spec
    {
        out.push_str(&format!(
            "the item selector {:?} matches nothing on this page\n",
            spec.item
        ));
    }
    for line in [
        missing("title", items.iter().filter(|i| i.title.is_empty()).count()),
        missing("link", items.iter().filter(|i| i.url.is_none()).count()),
        missing(
            "readable date",
            items.iter().filter(|i| i.published_estimated).count(),
        ),
        missing("text", items.iter().filter(|i| i.text.is_empty()).count()),
    ]
    .into_iter()
    .flatten()
    {
        out.push_str(&line);
    }
    out
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
