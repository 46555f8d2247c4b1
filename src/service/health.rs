//! `/healthz` and `/metrics` on an optional loopback listener (`[health] listen`), served by
//! the workspace's stack (axum behind [`crate::web::serve`]): at most [`MAX_CONNECTIONS`]
//! open at once (the listener stops accepting until one ends, so a flood of idle
//! connections waits in the kernel's queue instead of using up the daemon's file
//! descriptors, which polls need); one that sends no full request within
//! [`HEADER_DEADLINE`] is dropped. `/healthz` answers 200 when the database takes a write,
//! the scheduler's heartbeat is fresh and the outbox is not stuck, 503 otherwise, with one
//! line per check. `/metrics` is Prometheus text.

use std::fmt::Write;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use jiff::Timestamp;
use tokio::net::TcpListener;
use tracing::info;

use crate::service::metrics::{BUCKETS, Heartbeat};
use crate::service::poll::Poller;

/// Connections served at once.
pub const MAX_CONNECTIONS: usize = 64;
/// Longest a client may take to send its request.
pub const HEADER_DEADLINE: Duration = Duration::from_secs(5);
/// Longest a whole exchange may take, the answer included (a client that does not read).
const EXCHANGE_DEADLINE: Duration = Duration::from_secs(15);

/// Longest a heartbeat may be old for `/healthz` to say the scheduler is alive.
const HEARTBEAT_FRESH: Duration = Duration::from_secs(60);
/// An email due longer ago than this is stuck (retries are at most 15 min apart).
const OUTBOX_STUCK: Duration = Duration::from_secs(30 * 60);

type Current = Arc<dyn Fn() -> Arc<Poller> + Send + Sync>;

/// The two routes, for whichever poller `poller` returns (it changes on reload).
pub fn router(poller: Current, heartbeat: Heartbeat) -> axum::Router {
    use axum::routing::get;
    let text = |status: StatusCode, content_type: &'static str, body: String| {
        (status, [(header::CONTENT_TYPE, content_type)], body).into_response()
    };
    let (p1, p2, beat) = (poller.clone(), poller, heartbeat);
    axum::Router::new()
        .route(
            "/healthz",
            get(move || async move {
                let (status, body) = healthz(&p1(), &beat).await;
                let status =
                    StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
                text(status, "text/plain; charset=utf-8", body)
            }),
        )
        .route(
            "/metrics",
            get(move || async move {
                text(
                    StatusCode::OK,
                    "text/plain; version=0.0.4; charset=utf-8",
                    metrics(&p2()).await,
                )
            }),
        )
        .fallback(move || async move {
            text(
                StatusCode::NOT_FOUND,
                "text/plain; charset=utf-8",
                "not found: try /healthz or /metrics\n".into(),
            )
        })
}

/// Serves `/healthz` and `/metrics` on `listener` until the task is dropped. `poller`
/// returns the running poller (it changes on reload).
pub async fn serve(listener: TcpListener, poller: Current, heartbeat: Heartbeat) {
    if let Ok(addr) = listener.local_addr() {
        info!(%addr, "health and metrics listening");
    }
    crate::web::serve::serve(
        listener,
        router(poller, heartbeat),
        crate::web::serve::Limits {
            connections: MAX_CONNECTIONS,
            header_deadline: HEADER_DEADLINE,
            connection_deadline: EXCHANGE_DEADLINE,
        },
    )
    .await
}

async fn healthz(poller: &Poller, heartbeat: &Heartbeat) -> (u16, String) {
    let now = Timestamp::now();
    let writable = poller.with_store(|s| s.check_writable()).await;
    let oldest_due = poller.with_store(|s| s.next_email_due()).await;
    // Which node answers, first: several share one database.
    let mut body = format!("node: {}\n", poller.config.node_id());
    let mut ok = true;
    let mut check = |name: &str, good: bool, detail: String| {
        ok &= good;
        let _ = writeln!(
            body,
            "{name}: {} {detail}",
            if good { "ok" } else { "FAIL" }
        );
    };
    match writable {
        Ok(()) => check("database", true, "writable".into()),
        Err(e) => check("database", false, e.to_string()),
    }
    let age = heartbeat.age();
    check(
        "scheduler",
        age < HEARTBEAT_FRESH,
        format!("last went round {} s ago", age.as_secs()),
    );
    match oldest_due {
        // Without a transport, emails wait on purpose (`vigie check` says so).
        _ if poller.config.notify.transport == crate::settings::config::Transport::None => {
            check("outbox", true, "no transport: emails wait".into())
        }
        Ok(Some(due))
            if now.duration_since(due)
                > jiff::SignedDuration::try_from(OUTBOX_STUCK).unwrap_or_default() =>
        {
            check(
                "outbox",
                false,
                format!("an email has been due since {due}"),
            )
        }
        Ok(_) => check("outbox", true, "moving".into()),
        Err(e) => check("outbox", false, e.to_string()),
    }
    (if ok { 200 } else { 503 }, body)
}

async fn metrics(poller: &Poller) -> String {
    let m = &poller.metrics;
    let mut out = String::new();
    let rows = poller.source_rows().await.unwrap_or_default();
    let (mut ok, mut failing, mut new) = (0, 0, 0);
    for r in &rows {
        match (r.last_checked_at, r.consecutive_errors) {
            (None, _) => new += 1,
            (_, 0) => ok += 1,
            _ => failing += 1,
        }
    }
    let _ = writeln!(
        out,
        "# HELP vigie_node_info This Vigie's node id ([node] id, else the host's name).\n# TYPE vigie_node_info gauge\nvigie_node_info{{node=\"{}\"}} 1",
        poller.config.node_id()
    );
    let _ = writeln!(
        out,
        "# HELP vigie_sources Sources by state.\n# TYPE vigie_sources gauge"
    );
    for (state, n) in [("ok", ok), ("failing", failing), ("new", new)] {
        let _ = writeln!(out, "vigie_sources{{state=\"{state}\"}} {n}");
    }
    let _ = writeln!(
        out,
        "# HELP vigie_fetches_total Polls by outcome since start.\n# TYPE vigie_fetches_total counter"
    );
    for (outcome, c) in [
        ("fetched", &m.fetched),
        ("not_modified", &m.not_modified),
        ("failed", &m.failed),
        ("not_stored", &m.not_stored),
    ] {
        let _ = writeln!(
            out,
            "vigie_fetches_total{{outcome=\"{outcome}\"}} {}",
            c.load(Ordering::Relaxed)
        );
    }
    let _ = writeln!(
        out,
        "# HELP vigie_fetch_duration_seconds How long polls took.\n# TYPE vigie_fetch_duration_seconds histogram"
    );
    let mut cumulative = 0;
    for (i, le) in BUCKETS
        .iter()
        .map(|b| b.to_string())
        .chain(["+Inf".to_string()])
        .enumerate()
    {
        cumulative += m.durations[i].load(Ordering::Relaxed);
        let _ = writeln!(
            out,
            "vigie_fetch_duration_seconds_bucket{{le=\"{le}\"}} {cumulative}"
        );
    }
    let sum = m.duration_sum_micros.load(Ordering::Relaxed) as f64 / 1e6;
    let _ = writeln!(
        out,
        "vigie_fetch_duration_seconds_sum {sum}\nvigie_fetch_duration_seconds_count {cumulative}"
    );
    let (mentions, alerts, outbox, last_digest, channels) = poller
        .with_store(|s| {
            (
                s.mention_count().unwrap_or(0),
                s.alerts(true, 10_000).map(|a| a.len()).unwrap_or(0),
                s.outbox_counts().unwrap_or((0, 0, 0)),
                s.last_digest_sent().ok().flatten(),
                s.channel_counts().unwrap_or_default(),
            )
        })
        .await;
    let chat: (u64, u64) = channels.iter().fold((0, 0), |(p, d), c| (p + c.1, d + c.3));
    let _ = writeln!(
        out,
        "# HELP vigie_mentions_stored Mentions in the database.\n# TYPE vigie_mentions_stored gauge\nvigie_mentions_stored {mentions}"
    );
    let _ = writeln!(
        out,
        "# HELP vigie_alerts_open Open alerts.\n# TYPE vigie_alerts_open gauge\nvigie_alerts_open {alerts}"
    );
    let _ = writeln!(
        out,
        "# HELP vigie_outbox_emails Emails waiting or given up.\n# TYPE vigie_outbox_emails gauge"
    );
    let _ = writeln!(
        out,
        "vigie_outbox_emails{{state=\"pending\"}} {}\nvigie_outbox_emails{{state=\"dead\"}} {}",
        outbox.0 - chat.0.min(outbox.0),
        outbox.2 - chat.1.min(outbox.2)
    );
    if !channels.is_empty() {
        let _ = writeln!(
            out,
            "# HELP vigie_outbox_chat_messages Chat messages posted, waiting or given up, by channel (watchlist#n).\n# TYPE vigie_outbox_chat_messages gauge"
        );
        for (key, pending, sent, dead) in &channels {
            let key = key.replace(['\\', '"', '\n'], "_");
            let _ = writeln!(
                out,
                "vigie_outbox_chat_messages{{channel=\"{key}\",state=\"pending\"}} {pending}\n\
                 vigie_outbox_chat_messages{{channel=\"{key}\",state=\"sent\"}} {sent}\n\
                 vigie_outbox_chat_messages{{channel=\"{key}\",state=\"dead\"}} {dead}"
            );
        }
    }
    let _ = writeln!(
        out,
        "# HELP vigie_last_digest_sent_timestamp_seconds When the last digest email was sent (0: never).\n# TYPE vigie_last_digest_sent_timestamp_seconds gauge"
    );
    let _ = writeln!(
        out,
        "vigie_last_digest_sent_timestamp_seconds {}",
        last_digest.map_or(0, |t| t.as_second())
    );
    out
}
