//! The alert policy: for one brand whose mentions changed, detection's readings, the
//! alert's lifecycle (open, escalate, close) and the emails each change calls for, as
//! outbox rows the poll commits with its mentions. Who hears of a brand and how readily
//! its alerts fire come from its watchlist.

use std::collections::HashMap;
use std::time::Duration;

use jiff::Timestamp;
use tracing::{info, warn};

use crate::analyze::alert::{self, Action, Kind, Thresholds, detect, spread};
use crate::analyze::risk::{Category, Risk};
use crate::notify::{self, render, slug};
use crate::settings::config::Config;
use crate::settings::watchlist::{Catalog, Channel, Language};
use crate::store::{AlertChange, BrandActivity, Outgoing};

/// Per brand, how alerts are judged and who hears of them.
#[derive(Debug)]
pub struct AlertPolicy {
    from: lettre::message::Mailbox,
    brands: HashMap<String, BrandAlerts>,
    /// `[web] public_url`: alerts link to the workspace.
    workspace: Option<url::Url>,
}

#[derive(Debug)]
struct BrandAlerts {
    thresholds: Thresholds,
    cooldown: Duration,
    recipients: Vec<String>,
    language: Language,
    first_risk: Vec<Category>,
    /// Whether volume counts mentions or their engagement.
    weight: crate::settings::watchlist::Weight,
    /// The watchlist's time zone (its digest's), for the times emails give.
    zone: jiff::tz::TimeZone,
    /// The watchlist's chat channels that take alerts.
    channels: Vec<Channel>,
}

impl AlertPolicy {
    pub fn new(config: &Config, catalog: &Catalog) -> Self {
        let mut brands = HashMap::new();
        for w in &catalog.watchlists {
            for b in &w.brands {
                brands.insert(
                    b.name.clone(),
                    BrandAlerts {
                        thresholds: w.alerts.thresholds(),
                        cooldown: w.alerts.cooldown.0,
                        recipients: w.recipients.clone(),
                        language: w.language,
                        first_risk: w.alerts.first_risk.clone(),
                        weight: w.alerts.weight,
                        zone: w.digest.zone_over(&config.digest.defaults).1,
                        channels: w.channels.iter().filter(|c| c.alerts).cloned().collect(),
                    },
                );
            }
        }
        AlertPolicy {
            from: config.notify.from.clone(),
            brands,
            workspace: config.web.public_url.clone(),
        }
    }

    /// Detection and the lifecycle for one brand, and the emails they call for.
    pub fn decide(&self, seen: &BrandActivity, now: Timestamp) -> Vec<AlertChange> {
        let Some(b) = self.brands.get(&seen.brand) else {
            return Vec::new();
        };
        let mut readings = match b.weight {
            crate::settings::watchlist::Weight::Mentions => {
                detect::readings(&seen.points, now, &b.thresholds)
            }
            crate::settings::watchlist::Weight::Engagement => detect::readings_weighted(
                &seen.points,
                &detect::weighted(&seen.points, &seen.weights),
                now,
                &b.thresholds,
            ),
        };
        let (spread_readings, story) =
            spread::readings(&seen.copies, seen.usual_spread, now, &b.thresholds);
        readings.extend(spread_readings);
        // Read even with no category watched: an alert opened before the watchlist changed
        // then closes.
        readings.push(detect::risk_reading(&seen.points, now, &b.first_risk));
        let mut out = Vec::new();
        for kind in [Kind::Volume, Kind::Negativity, Kind::Spread, Kind::Risk] {
            let open = seen.open.iter().find(|a| a.kind == kind);
            let closed = seen.last_closed.get(&kind).copied();
            let Some(action) = alert::decide(kind, &readings, open, closed, now, b.cooldown) else {
                continue;
            };
            let story = (kind == Kind::Spread).then_some(story).flatten();
            let context = render::Context {
                lang: b.language,
                zone: &b.zone,
                story: story.and_then(|s| seen.stories.get(&s)),
                acknowledged: open.and_then(|a| a.acknowledged),
                workspace: self.workspace.as_ref(),
            };
            let email = render::alert_email(&action, seen, &context, now);
            let stage = match action {
                Action::Open(_) => "alert",
                Action::Escalate { .. } => "escalation",
                Action::Close { .. } => "all_clear",
            };
            let mut emails: Vec<Outgoing> = b
                .recipients
                .iter()
                .enumerate()
                .filter_map(|(i, to)| {
                    let id = format!(
                        "<vigie.{}.{}.{}.{stage}.{i}@{}>",
                        now.as_second(),
                        kind.as_str(),
                        slug(&seen.brand),
                        self.from.email.domain()
                    );
                    let message = notify::build(&email, &self.from, to, &id, now)
                        .inspect_err(
                            |e| warn!(to = %to, error = %e, "cannot build the alert email"),
                        )
                        .ok()?;
                    Some(Outgoing {
                        purpose: stage,
                        recipient: to.clone(),
                        message_id: id,
                        subject: email.subject.clone(),
                        message,
                    })
                })
                .collect();
            // The same alert to each chat channel, in the channel's language, as one more
            // row of the outbox: written in the same transaction, posted once.
            for (i, c) in b.channels.iter().enumerate() {
                let cx = render::Context {
                    lang: c.language,
                    ..context
                };
                let summary = render::alert_summary(&action, seen, &cx, now);
                let payload = notify::chat::alert_payload(
                    c.kind,
                    &notify::chat::ChatAlert {
                        brand: &seen.brand,
                        kind: kind.as_str(),
                        summary: &summary,
                        lang: c.language,
                        zone: &b.zone,
                    },
                );
                emails.push(Outgoing {
                    purpose: stage,
                    recipient: notify::post::recipient(c),
                    message_id: format!(
                        "<vigie.{}.{}.{}.{stage}.channel{i}.{}@{}>",
                        now.as_second(),
                        kind.as_str(),
                        slug(&seen.brand),
                        slug(&c.key),
                        self.from.email.domain()
                    ),
                    subject: summary.subject.clone(),
                    message: serde_json::to_vec(&payload).unwrap_or_default(),
                });
            }
            info!(brand = %seen.brand, alert = kind.as_str(), stage, "alert");
            let (sites, risk) = match &action {
                Action::Open(r) => (
                    context.story.map(|s| s.sites.clone()).unwrap_or_default(),
                    r.risk,
                ),
                _ => (Vec::new(), Risk::none()),
            };
            out.push(AlertChange {
                brand: seen.brand.clone(),
                action,
                emails,
                story: context.story.and(story),
                sites,
                risk,
            });
        }
        out
    }
}
