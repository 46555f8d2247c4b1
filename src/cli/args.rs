//! The command line's shape: the `vigie` commands, their arguments and options (clap), and
//! the exit codes `--help` and the man page explain.

use super::*;

/// What the exit codes mean, for cron and scripts (in `--help` and the man page).
pub(super) const EXIT_CODES: &str = "Exit codes:
  0  success; for `poll`, every source was read (or not modified) and stored
  1  failure; for `poll`, a source failed or its poll could not be stored (the summary is
     still printed); for `check`, the database is damaged or newer than this vigie
  2  invalid config or watchlist (file, line and key on stderr); nothing was started
A command whose output is closed early (`vigie mentions | head`) stops quietly with 0.";

/// Vigie watches feeds for mentions of your brands and keeps them in SQLite or PostgreSQL.
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
        /// Find mentions with the watchlists' query language: words (other forms found too:
        /// `frein` finds "freins"), "exact phrases", `word*`, AND, OR, -word, NEAR/n,
        /// title:, site:, lang:. Accents and case ignored, except with case:.
        #[arg(long)]
        search: Option<String>,
        /// Only mentions with this sentiment: negative, neutral or positive.
        #[arg(long)]
        sentiment: Option<sentiment::Label>,
        /// Only mentions reporting this reputation risk: safety, legal, data, social,
        /// financial, environment, service or controversy.
        #[arg(long)]
        risk: Option<crate::analyze::risk::Category>,
        /// Only mentions in this triage state: new, handled, irrelevant, or all. Without it:
        /// every mention but the irrelevant ones.
        #[arg(long)]
        state: Option<StateFilter>,
        /// Most mentions to list.
        #[arg(long, default_value_t = 50)]
        limit: usize,
        /// `newest` first, or the most `engagement` first (likes, shares, comments, points,
        /// as social sources count them).
        #[arg(long, value_enum, default_value_t = Sort::Newest)]
        sort: Sort,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// List alerts, newest first, with their state and their emails' fate.
    Alerts {
        #[command(subcommand)]
        action: Option<AlertsAction>,
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
        /// The digest sent on that day (`2026-11-23`, `23/11/2026`, `yesterday`, `hier`):
        /// its period ends at that day's send time. Without it: from the last send time to now.
        #[arg(long, value_parser = parse_day_arg)]
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
        /// Only this brand (case and accents ignored; part of the name will do).
        #[arg(long)]
        brand: Option<String>,
        /// The CSV field separator: `,` (default) or `;` (a spreadsheet in French).
        #[arg(long, default_value_t = ',')]
        delimiter: char,
        /// Start the CSV with a UTF-8 byte order mark, so that a spreadsheet reads accents.
        #[arg(long)]
        bom: bool,
        /// For Excel: `--delimiter ';' --bom`.
        #[arg(long)]
        excel: bool,
        /// Instead of the mentions, the sentiment and risk people corrected in the
        /// workspace, beside the computed ones, with the mention's text: the material to
        /// improve the lexicons.
        #[arg(long)]
        corrections: bool,
    },
    /// Decide about a mention as the workspace does: its state (handled, irrelevant, new),
    /// a corrected sentiment or risk, a note. A decision about a story's first mention
    /// applies to its copies.
    Triage {
        /// The mention's id (`vigie mentions --format json` shows it); several with commas.
        ids: String,
        /// handled, irrelevant or new.
        state: Option<crate::store::MentionState>,
        /// The sentiment as you read it: negative, neutral or positive.
        #[arg(long)]
        sentiment: Option<sentiment::Label>,
        /// The risk as you read it: none, or a category (safety, legal, data...).
        #[arg(long)]
        risk: Option<String>,
        /// A note kept in the mention's history.
        #[arg(long)]
        note: Option<String>,
    },
    /// Make the password hash of a workspace user (`[[web.user]] password_hash`): reads the
    /// password from standard input (twice when it is a terminal) and prints the hash.
    Passwd,
    /// API tokens for `/api/v1`.
    Token {
        #[command(subcommand)]
        action: TokenAction,
    },
    /// Copy every table of a SQLite database into PostgreSQL and verify each (row counts
    /// and checksums), all in one transaction: nothing is half copied. Run it again to
    /// bring the target level with the file; the target's schema is created or upgraded.
    Migrate {
        /// The SQLite database to copy (stop the daemon first, or copy a backup).
        #[arg(long, value_name = "FILE.db")]
        from: PathBuf,
        /// The PostgreSQL database (`postgres://user@host/db`, no password: it comes from
        /// the config's `[postgres] password_file`). Without it: the config's `database`.
        #[arg(long, value_name = "URL")]
        to: Option<String>,
        #[arg(long, value_enum, default_value_t = SourcesFormat::Table)]
        format: SourcesFormat,
    },
    /// Write a consistent copy of the database to FILE, online (the daemon may be running),
    /// and check it. Never overwrites a file.
    Backup {
        /// The copy to write.
        file: PathBuf,
    },
    /// Add the feeds of an OPML export (miniflux, Feedly, Inoreader...) to a watchlist as
    /// `[[source]]` entries with their names; feeds already listed are skipped.
    ImportOpml {
        /// The OPML file.
        file: PathBuf,
        /// The watchlist to add them to (its file name without `.toml`); needed when there
        /// are several.
        #[arg(long)]
        watchlist: Option<String>,
    },
    /// Send one test email to TO through the configured `[notify]` transport, now.
    TestEmail {
        /// The address to send to.
        to: String,
    },
    /// Post a test message to a watchlist's chat channels (or one of them) and say what
    /// each answered.
    TestChannel {
        /// The watchlist (its file name without `.toml`).
        watchlist: String,
        /// Only this channel: its number in the watchlist, from 1.
        #[arg(long)]
        channel: Option<usize>,
    },
    /// Reports over the stored mentions.
    Report {
        #[command(subcommand)]
        what: ReportWhat,
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
    pub(super) fn json_spec(&self) -> anyhow::Result<crate::ingest::parse::json::JsonSpec> {
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

    pub(super) fn spec(&self) -> anyhow::Result<crate::ingest::parse::html::HtmlSpec> {
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
    /// A saved answer of a social service (one page, as a poll reads it).
    Reddit,
    Hackernews,
    Mastodon,
    Bluesky,
    Youtube,
    Appstore,
}

impl ParseKind {
    /// The service a saved answer comes from, for the social kinds.
    pub fn service(self) -> Option<crate::settings::social::Service> {
        use crate::settings::social::Service;
        Some(match self {
            ParseKind::Reddit => Service::Reddit,
            ParseKind::Hackernews => Service::HackerNews,
            ParseKind::Mastodon => Service::Mastodon,
            ParseKind::Bluesky => Service::Bluesky,
            ParseKind::Youtube => Service::YouTube,
            ParseKind::Appstore => Service::AppStore,
            _ => return None,
        })
    }
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

/// `--state` of `vigie mentions`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StateFilter {
    New,
    Handled,
    Irrelevant,
    All,
}

impl StateFilter {
    pub fn states(self) -> Vec<crate::store::MentionState> {
        use crate::store::MentionState as S;
        match self {
            StateFilter::New => vec![S::New],
            StateFilter::Handled => vec![S::Handled],
            StateFilter::Irrelevant => vec![S::Irrelevant],
            StateFilter::All => S::ALL.to_vec(),
        }
    }
}

/// `vigie token`.
#[derive(Debug, Subcommand)]
pub enum TokenAction {
    /// Make a token, print it once (only its SHA-256 is kept).
    Create {
        /// viewer (reads), editor (also triages and acknowledges) or admin.
        #[arg(long, value_parser = ["viewer", "editor", "admin"])]
        role: String,
        /// What it is for, shown in `vigie token list` and in mentions' history.
        #[arg(long, default_value = "api")]
        name: String,
    },
    /// List tokens (never the tokens themselves).
    List,
    /// Revoke a token by its id.
    Revoke { id: i64 },
}

/// What `vigie alerts` can do besides listing.
#[derive(Debug, Subcommand)]
pub enum AlertsAction {
    /// Mark an alert acknowledged (someone is on it): shown in `vigie alerts`, the digest
    /// and the alert's later emails.
    Ack {
        /// The alert's id, as `vigie alerts` shows it.
        id: i64,
        /// What is being done about it.
        #[arg(long)]
        note: Option<String>,
    },
}

/// The order of `vigie mentions`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Sort {
    /// Newest first.
    Newest,
    /// Most interactions first.
    Engagement,
}

impl Sort {
    pub fn order(self) -> crate::store::Order {
        match self {
            Sort::Newest => crate::store::Order::Newest,
            Sort::Engagement => crate::store::Order::Engagement,
        }
    }
}

/// What `vigie report` prints.
#[derive(Debug, Subcommand)]
pub enum ReportWhat {
    /// Share of voice of a watchlist's `[[group]]`: each brand's share of the group's
    /// mentions and of their engagement, its net sentiment (positive minus negative share)
    /// and its risk mentions.
    Sov {
        /// The group's name, as its `[[group]]` gives it (accents and case ignored).
        #[arg(long)]
        group: String,
        /// How far back: a duration (`30d`) or a date (`2026-11-01`).
        #[arg(long, default_value = "30d")]
        since: String,
        #[arg(long, value_enum, default_value_t = SourcesFormat::Table)]
        format: SourcesFormat,
    },
}
