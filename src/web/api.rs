//! `/api/v1`: the workspace's reads and decisions as JSON, for scripts, with a bearer token
//! made by `vigie token create --role viewer|editor|admin`. Described in
//! `docs/openapi.yaml` (a test checks it against these routes).

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::{StatusCode, header, request::Parts};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use jiff::Timestamp;
use serde::Deserialize;
use serde_json::json;

use super::{Web, auth};
use crate::analyze::risk::Category;
use crate::analyze::search::Search;
use crate::settings::web::Role;
use crate::store::{Decision, MentionQuery, MentionState, StoreError};

/// Every route, as `docs/openapi.yaml` lists them: (method, path).
pub const ROUTES: &[(&str, &str)] = &[
    ("get", "/api/v1/mentions"),
    ("get", "/api/v1/mentions/{id}"),
    ("post", "/api/v1/mentions/{id}/triage"),
    ("get", "/api/v1/alerts"),
    ("post", "/api/v1/alerts/{id}/ack"),
    ("get", "/api/v1/sources"),
    ("get", "/api/v1/brands"),
];

pub fn routes() -> axum::Router<Arc<Web>> {
    axum::Router::new()
        .route("/mentions", get(mentions))
        .route("/mentions/{id}", get(mention))
        .route("/mentions/{id}/triage", post(triage))
        .route("/alerts", get(alerts))
        .route("/alerts/{id}/ack", post(ack))
        .route("/sources", get(sources))
        .route("/brands", get(brands))
        .fallback(|| async {
            error(
                StatusCode::NOT_FOUND,
                "no such route: see docs/openapi.yaml",
            )
        })
}

fn error(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "error": message }))).into_response()
}

fn failed(e: StoreError) -> Response {
    tracing::warn!(error = %e, "api: database error");
    error(
        StatusCode::SERVICE_UNAVAILABLE,
        "the database did not answer; try again",
    )
}

/// The holder of a bearer token. Taking one is the check that reads need: every live
/// token may read; decisions also ask for [`Role::Editor`].
pub struct Caller {
    pub name: String,
    pub role: Role,
}

impl Caller {
    // The refusal is the answer itself, as axum handlers return it.
    #[allow(clippy::result_large_err)]
    fn may(&self, role: Role) -> Result<(), Response> {
        if self.role >= role {
            Ok(())
        } else {
            Err(error(
                StatusCode::FORBIDDEN,
                &format!(
                    "this token's role ({}) does not allow it",
                    self.role.as_str()
                ),
            ))
        }
    }
}

impl FromRequestParts<Arc<Web>> for Caller {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, web: &Arc<Web>) -> Result<Caller, Response> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .unwrap_or("");
        let unauthorized = || {
            let mut r = error(
                StatusCode::UNAUTHORIZED,
                "a bearer token is needed: vigie token create --role viewer",
            );
            r.headers_mut()
                .insert(header::WWW_AUTHENTICATE, "Bearer".parse().expect("valid"));
            r
        };
        if token.is_empty() {
            return Err(unauthorized());
        }
        let digest = auth::token_digest(token);
        match web
            .db
            .write(move |s| s.use_token(&digest, Timestamp::now()))
            .await
        {
            Ok(Some((name, role))) => Ok(Caller {
                name: format!("token {name}"),
                role: Role::parse(&role).unwrap_or(Role::Viewer),
            }),
            Ok(None) => Err(unauthorized()),
            Err(e) => Err(failed(e)),
        }
    }
}

async fn mentions(
    State(web): State<Arc<Web>>,
    _reader: Caller,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let get = |k: &str| q.get(k).map(|s| s.trim()).filter(|s| !s.is_empty());
    let limit = get("limit")
        .and_then(|l| l.parse().ok())
        .unwrap_or(50usize)
        .clamp(1, 500);
    let mut query = MentionQuery {
        limit: limit + 1,
        brand: get("brand").map(str::to_string),
        source: get("source").map(str::to_string),
        lang: get("lang").map(str::to_string),
        ..MentionQuery::default()
    };
    if let Some(text) = get("q") {
        match Search::parse(text) {
            Ok(s) => query.search = Some(s),
            Err(e) => {
                return (
                    StatusCode::BAD_REQUEST,
                    Json(json!({ "error": e.show(text) })),
                )
                    .into_response();
            }
        }
    }
    if let Some(s) = get("sentiment") {
        match s.parse() {
            Ok(l) => query.sentiment = Some(l),
            Err(e) => return error(StatusCode::BAD_REQUEST, &e),
        }
    }
    if let Some(r) = get("risk") {
        match Category::parse(r) {
            Some(c) => query.risk = Some(c),
            None => return error(StatusCode::BAD_REQUEST, &format!("unknown risk {r:?}")),
        }
    }
    query.states = match get("state") {
        None => Vec::new(),
        Some("all") => MentionState::ALL.to_vec(),
        Some(s) => match s.parse() {
            Ok(s) => vec![s],
            Err(e) => return error(StatusCode::BAD_REQUEST, &e),
        },
    };
    if let Some(since) = get("since") {
        match since.parse::<Timestamp>() {
            Ok(t) => query.since = Some(t),
            Err(_) => {
                return error(
                    StatusCode::BAD_REQUEST,
                    "since: an RFC 3339 time such as 2026-12-01T00:00:00Z",
                );
            }
        }
    }
    query.after = get("after").and_then(super::cursor);
    let mut rows = match web.db.read(move |s| s.mentions(&query)).await {
        Ok(r) => r,
        Err(e) => return failed(e),
    };
    let next = (rows.len() > limit).then(|| {
        rows.truncate(limit);
        rows.last()
            .map(|m| format!("{}.{}", m.published_at.as_second(), m.id))
    });
    Json(json!({ "mentions": rows, "next": next.flatten() })).into_response()
}

async fn mention(State(web): State<Arc<Web>>, _reader: Caller, Path(id): Path<i64>) -> Response {
    let read = web
        .db
        .read(move |s| {
            let Some(m) = s.mention(id)? else {
                return Ok(None);
            };
            Ok(Some((
                m,
                s.story_copies(id)?,
                s.history(id)?,
                s.correction(id)?,
            )))
        })
        .await;
    match read {
        Ok(Some((m, copies, history, correction))) => Json(json!({
            "mention": m.row,
            "text": m.text,
            "copies": copies.iter().map(|c| c.id).collect::<Vec<_>>(),
            "history": history,
            "computed": correction.map(|c| json!({
                "sentiment": c.computed_sentiment,
                "sentiment_label": c.computed_label,
                "risk": c.computed_risk,
            })),
        }))
        .into_response(),
        Ok(None) => error(StatusCode::NOT_FOUND, "no such mention"),
        Err(e) => failed(e),
    }
}

/// A triage request: any of the four, applied in this order.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TriageBody {
    state: Option<MentionState>,
    sentiment: Option<String>,
    risk: Option<String>,
    note: Option<String>,
}

async fn triage(
    State(web): State<Arc<Web>>,
    caller: Caller,
    Path(id): Path<i64>,
    body: Result<Json<TriageBody>, axum::extract::rejection::JsonRejection>,
) -> Response {
    if let Err(r) = caller.may(Role::Editor) {
        return r;
    }
    let Json(body) = match body {
        Ok(b) => b,
        Err(e) => return error(StatusCode::BAD_REQUEST, &e.body_text()),
    };
    let mut decisions = Vec::new();
    if let Some(s) = body.state {
        decisions.push(Decision::State(s));
    }
    if let Some(s) = &body.sentiment {
        match s.parse() {
            Ok(l) => decisions.push(Decision::Sentiment(l)),
            Err(e) => return error(StatusCode::BAD_REQUEST, &e),
        }
    }
    if let Some(r) = &body.risk {
        match super::pages::risk_of(r) {
            Some(r) => decisions.push(Decision::Risk(r)),
            None => {
                return error(
                    StatusCode::BAD_REQUEST,
                    &format!("unknown risk {r:?}: none or a category"),
                );
            }
        }
    }
    if let Some(n) = body
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        decisions.push(Decision::Note(n.to_string()));
    }
    if decisions.is_empty() {
        return error(
            StatusCode::BAD_REQUEST,
            "nothing to do: give state, sentiment, risk or note",
        );
    }
    let actor = caller.name.clone();
    let done = web
        .db
        .write(move |s| {
            let mut changed = Vec::new();
            for d in &decisions {
                for id in s.decide(&[id], d, &actor, Timestamp::now())? {
                    if !changed.contains(&id) {
                        changed.push(id);
                    }
                }
            }
            Ok(changed)
        })
        .await;
    match done {
        Ok(changed) if changed.is_empty() => error(StatusCode::NOT_FOUND, "no such mention"),
        Ok(changed) => {
            web.poller().request_review();
            Json(json!({ "changed": changed })).into_response()
        }
        Err(e) => failed(e),
    }
}

async fn alerts(
    State(web): State<Arc<Web>>,
    _reader: Caller,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let open = q.get("open").is_some_and(|v| v == "true" || v == "1");
    match web.db.read(move |s| s.alerts(open, 500)).await {
        Ok(rows) => Json(json!({ "alerts": rows })).into_response(),
        Err(e) => failed(e),
    }
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct AckBody {
    note: Option<String>,
}

async fn ack(
    State(web): State<Arc<Web>>,
    caller: Caller,
    Path(id): Path<i64>,
    body: Option<Json<AckBody>>,
) -> Response {
    if let Err(r) = caller.may(Role::Editor) {
        return r;
    }
    let note: Option<String> = body
        .and_then(|Json(b)| b.note)
        .map(|n| n.trim().chars().take(crate::store::NOTE_CHARS).collect())
        .filter(|n: &String| !n.is_empty());
    let who = caller.name.clone();
    match web
        .db
        .write(move |s| s.acknowledge(id, Some(&who), note.as_deref(), Timestamp::now()))
        .await
    {
        Ok(true) => Json(json!({ "acknowledged": id })).into_response(),
        Ok(false) => error(StatusCode::NOT_FOUND, "no such alert"),
        Err(e) => failed(e),
    }
}

async fn sources(State(web): State<Arc<Web>>, _reader: Caller) -> Response {
    match web.db.read(|s| s.sources()).await {
        Ok(rows) => Json(json!({
            "sources": rows.iter().map(|r| json!({
                "url": crate::ingest::fetch::redact_str(&r.url),
                "kind": r.kind,
                "last_checked_at": r.last_checked_at,
                "last_success_at": r.last_success_at,
                "consecutive_errors": r.consecutive_errors,
                "last_error": r.last_error.as_deref().map(crate::ingest::fetch::redact_str),
                "next_check_at": r.next_check_at,
                "mentions": r.mentions,
                "repaired": r.repairs.is_some(),
            })).collect::<Vec<_>>()
        }))
        .into_response(),
        Err(e) => failed(e),
    }
}

async fn brands(State(web): State<Arc<Web>>, _reader: Caller) -> Response {
    let names = web.brands();
    let span = super::pages::overview_span(Timestamp::now(), &web.zone());
    let read = web
        .db
        .read(move |s| {
            let open = s.alerts(true, 1000)?;
            let mut out = Vec::new();
            for b in &names {
                let f = s.overview(b, &span)?;
                out.push(json!({
                    "brand": b,
                    "today": f.today,
                    "last_7_days": f.week,
                    "usual_7_days": f.before as f64 / 4.0,
                    "negative_share_7_days": (f.week > 0).then(|| f.week_negative as f64 / f.week as f64),
                    "risks_7_days": f.week_risks.iter().map(|(r, n)| json!({"risks": r, "mentions": n})).collect::<Vec<_>>(),
                    "open_alerts": open.iter().filter(|a| &a.brand == b).count(),
                }));
            }
            Ok(out)
        })
        .await;
    match read {
        Ok(b) => Json(json!({ "brands": b })).into_response(),
        Err(e) => failed(e),
    }
}
