//! `vigie check`: the config, the watchlists and the database (read only), summarised;
//! what `check` and `sources` say of a watchlist's digest.

use super::*;

pub(super) fn cmd_check(path: &Path) -> anyhow::Result<()> {
    let (config, catalog) = load(path)?;
    let sources = catalog.sources(config.poll.interval.0, config.poll.min_interval.0);
    say!("config      {}", config.path.display());
    say!("node        {}", config.node_id());
    let mut problems = Vec::new();
    match &config.postgres {
        Some(target) => {
            // `check` runs on the command line's runtime: wait for the server here.
            let now = Timestamp::now().as_second();
            let status = tokio::task::block_in_place(|| {
                tokio::runtime::Handle::current().block_on(crate::store::pg::status(target, now))
            });
            match status {
                Ok(line) => say!("database    {line}"),
                Err(e) => {
                    say!("database    PostgreSQL: cannot be read");
                    problems.push(e.to_string());
                }
            }
        }
        None => say!(
            "database    {}: {}",
            config.database.display(),
            check_database(&config.database, &mut problems)
        ),
    }
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
            "  {}: {}, {}: {}",
            w.name,
            plural(w.brands.len(), "brand"),
            plural(w.sources.len(), "source"),
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
        for g in &w.groups {
            say!(
                "    share of voice: {}: {} against {}",
                g.name,
                g.own.join(", "),
                if g.competitors.is_empty() {
                    "no competitor".to_string()
                } else {
                    g.competitors.join(", ")
                }
            );
        }
        if !w.channels.is_empty() {
            let channels: Vec<String> = w
                .channels
                .iter()
                .map(|c| {
                    let what: Vec<&str> = [(c.alerts, "alerts"), (c.digest, "digest")]
                        .into_iter()
                        .filter_map(|(on, w)| on.then_some(w))
                        .collect();
                    format!(
                        "{} ({}, {}, {})",
                        c.name,
                        c.kind.as_str(),
                        c.shown_url(),
                        what.join(" and ")
                    )
                })
                .collect();
            say!("    channels: {}", channels.join("; "));
        }
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
    if let Some(addr) = config.web.listen {
        let roles =
            |r: crate::settings::web::Role| config.web.users.iter().filter(|u| u.role == r).count();
        use crate::settings::web::Role;
        say!(
            "workspace   http://{addr}{}: {}, {}, {}",
            config
                .web
                .public_url
                .as_ref()
                .map(|u| format!(" (reached at {u})"))
                .unwrap_or_default(),
            plural(roles(Role::Viewer), "viewer"),
            plural(roles(Role::Editor), "editor"),
            plural(roles(Role::Admin), "admin")
        );
        if config.web.users.is_empty() {
            eprintln!(
                "warning: [web] has no [[web.user]]: nobody can log in (make a password hash with `vigie passwd`)"
            );
        }
    }
    for w in catalog.warnings() {
        eprintln!("warning: {w}");
    }
    if !problems.is_empty() {
        bail!("{}", problems.join("\n"));
    }
    say!("ok");
    Ok(())
}

/// What `check` says of the database, read as it is (never created, upgraded or written);
/// what makes it unusable goes to `problems`.
pub(super) fn check_database(path: &Path, problems: &mut Vec<String>) -> String {
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

/// `08:00 Europe/Paris, mon-fri; next: 2026-11-24 08:00 CET` or `off`.
pub(super) fn digest_line(w: &watchlist::Watchlist, config: &Config, now: Timestamp) -> String {
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
