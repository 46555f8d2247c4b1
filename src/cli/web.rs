//! The workspace's commands: `vigie triage`, `vigie passwd`, `vigie token`, and
//! `vigie export --corrections`.

use std::io::{BufRead, IsTerminal};

use super::*;
use crate::store::{Decision, MentionState};

/// Who decided, in a mention's history, when it was the command line.
fn cli_actor() -> String {
    let user = std::env::var("USER").unwrap_or_default();
    let user: String = user.chars().filter(|c| !c.is_control()).take(64).collect();
    if user.is_empty() {
        "command line".into()
    } else {
        format!("{user} (command line)")
    }
}

pub(super) fn cmd_triage(
    path: &Path,
    ids: &str,
    state: Option<MentionState>,
    sentiment: Option<sentiment::Label>,
    risk: Option<&str>,
    note: Option<&str>,
) -> anyhow::Result<()> {
    let ids: Vec<i64> = ids
        .split(',')
        .map(|i| {
            i.trim().parse().map_err(|_| {
                anyhow::anyhow!(
                    "{i:?} is not a mention id: `vigie mentions --format json` shows them"
                )
            })
        })
        .collect::<anyhow::Result<_>>()?;
    let mut decisions = Vec::new();
    if let Some(s) = state {
        decisions.push(Decision::State(s));
    }
    if let Some(l) = sentiment {
        decisions.push(Decision::Sentiment(l));
    }
    if let Some(r) = risk {
        let Some(r) = crate::web::pages::risk_of(r) else {
            bail!(
                "--risk {r:?}: none, or one of safety, legal, data, social, financial, environment, service, controversy"
            );
        };
        decisions.push(Decision::Risk(r));
    }
    if let Some(n) = note.map(str::trim).filter(|n| !n.is_empty()) {
        decisions.push(Decision::Note(n.to_string()));
    }
    if decisions.is_empty() {
        bail!(
            "nothing to do: give a state (handled, irrelevant, new), --sentiment, --risk or --note"
        );
    }
    let config = config::load(path)?;
    let mut store = open_writer(&config)?;
    let actor = cli_actor();
    let mut changed: Vec<i64> = Vec::new();
    for d in &decisions {
        for id in store.decide(&ids, d, &actor, Timestamp::now())? {
            if !changed.contains(&id) {
                changed.push(id);
            }
        }
    }
    let missing: Vec<String> = ids
        .iter()
        .filter(|i| !changed.contains(i))
        .map(|i| i.to_string())
        .collect();
    if !missing.is_empty() {
        bail!(
            "no mention {}: `vigie mentions --state all --format json` lists them with their ids",
            missing.join(", ")
        );
    }
    match changed.len() - ids.len() {
        0 => println!("{} updated", plural(ids.len(), "mention")),
        1 => println!(
            "{} updated, and 1 copy of the story",
            plural(ids.len(), "mention")
        ),
        n => println!(
            "{} updated, and {n} copies of their stories",
            plural(ids.len(), "mention")
        ),
    }
    Ok(())
}

pub(super) fn cmd_passwd() -> anyhow::Result<()> {
    let stdin = std::io::stdin();
    let terminal = stdin.is_terminal();
    let mut lines = stdin.lock().lines();
    let mut read = |prompt: &str| -> anyhow::Result<String> {
        if terminal {
            eprint!("{prompt}");
        }
        let line = lines
            .next()
            .transpose()?
            .ok_or_else(|| anyhow::anyhow!("no password on standard input"))?;
        Ok(line.trim_end_matches(['\r', '\n']).to_string())
    };
    let password = read("password (shown as you type; or pipe it in): ")?;
    if terminal && read("again: ")? != password {
        bail!("the two passwords differ");
    }
    if password.chars().count() < 10 {
        bail!("this password is too short: 10 characters at least");
    }
    println!("{}", crate::web::auth::hash_password(&password)?);
    Ok(())
}

pub(super) fn cmd_token(path: &Path, action: TokenAction) -> anyhow::Result<()> {
    let config = config::load(path)?;
    let mut store = open_any_store(&config)?;
    match action {
        TokenAction::Create { role, name } => {
            let name: String = name.chars().filter(|c| !c.is_control()).take(64).collect();
            let token = crate::web::auth::new_token();
            let id = store.create_token(
                &name,
                &role,
                &crate::web::auth::token_digest(&token),
                Timestamp::now(),
            )?;
            eprintln!("token {id} ({role}, {name:?}): shown once, keep it in a secret store");
            println!("{token}");
        }
        TokenAction::List => {
            let zone = config_zone(&config);
            let rows = store.tokens()?;
            if rows.is_empty() {
                println!("no tokens: `vigie token create --role viewer` makes one");
                return Ok(());
            }
            let cells: Vec<Vec<String>> = rows
                .iter()
                .map(|t| {
                    vec![
                        t.id.to_string(),
                        t.name.clone(),
                        t.role.clone(),
                        local_time(t.created_at, &zone),
                        t.last_used_at
                            .map(|t| local_time(t, &zone))
                            .unwrap_or_else(|| "never".into()),
                        if t.revoked { "revoked" } else { "live" }.into(),
                    ]
                })
                .collect();
            print!(
                "{}",
                table(
                    &["id", "name", "role", "created", "last used", "state"],
                    &cells
                )
            );
        }
        TokenAction::Revoke { id } => {
            if !store.revoke_token(id, Timestamp::now())? {
                bail!("no live token {id}: `vigie token list` shows them");
            }
            println!("token {id} revoked");
        }
    }
    Ok(())
}

pub(super) fn cmd_export_corrections(
    path: &Path,
    format: ExportFormat,
    delimiter: char,
    bom: bool,
) -> anyhow::Result<()> {
    let config = config::load(path)?;
    let store = open_any_existing_store(&config)?;
    let rows = store.corrections()?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match format {
        ExportFormat::Json => {
            for c in &rows {
                writeln!(out, "{}", serde_json::to_string(c)?)?;
            }
        }
        ExportFormat::Csv => {
            if bom {
                out.write_all("\u{feff}".as_bytes())?;
            }
            let header = [
                "mention_id",
                "brand",
                "lang",
                "computed_sentiment",
                "computed_label",
                "corrected_label",
                "computed_risk",
                "corrected_risk",
                "corrected_at",
                "corrected_by",
                "title",
                "text",
            ];
            writeln!(out, "{}", header.join(&delimiter.to_string()))?;
            for c in &rows {
                writeln!(
                    out,
                    "{}",
                    csv_record_with(
                        &[
                            c.mention_id.to_string(),
                            c.brand.clone(),
                            c.lang.clone().unwrap_or_default(),
                            c.computed_sentiment
                                .map(|s| format!("{s:.3}"))
                                .unwrap_or_default(),
                            c.computed_label.clone().unwrap_or_default(),
                            c.sentiment_label.clone().unwrap_or_default(),
                            c.computed_risk.clone().unwrap_or_default(),
                            c.risk.clone().unwrap_or_default(),
                            c.corrected_at.to_string(),
                            c.corrected_by.clone(),
                            c.title.clone(),
                            c.text.clone(),
                        ],
                        delimiter
                    )
                )?;
            }
        }
    }
    out.flush()?;
    Ok(())
}
