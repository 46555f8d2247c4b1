//! The pages: log in, overview, mentions inbox, one mention, alerts, sources, digests.
//! Forms post to the same server and answer with a redirect (303) back to the page, so
//! they work without JavaScript; htmx, when it runs, swaps the page's main part in place.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use jiff::Timestamp;
use minijinja::context;
use serde::Serialize;

use super::view::{self, Day, MentionView};
use super::words::{Words, words};
use super::{Form, Me, Web, auth, failed, message};
use crate::analyze::risk::{Category, Risk};
use crate::analyze::search::Search;
use crate::analyze::sentiment::Label;
use crate::notify::{clean_line, format as fmt};
use crate::settings::watchlist::Language;
use crate::settings::web::Role;
use crate::store::{Decision, MentionQuery, MentionState};

/// Mentions per page of the inbox.
pub const PAGE: usize = 50;

impl Web {
    /// Renders `name` with the page's common parts.
    fn page(&self, me: Option<&Me>, lang: Language, name: &str, ctx: minijinja::Value) -> Response {
        let t: &Words = words(lang);
        let ctx = context! {
            t => ser(t),
            lang => t.lang,
            me => me.map(|m| context! { name => m.name.clone(), role => m.role.as_str(), editor => m.role >= Role::Editor }),
            csrf => me.map(|m| m.csrf.clone()).unwrap_or_default(),
            page => name.trim_end_matches(".html"),
            ..ctx
        };
        match self
            .templates
            .get_template(name)
            .and_then(|t| t.render(ctx))
        {
            Ok(html) => Html(html).into_response(),
            Err(e) => {
                tracing::warn!(template = name, error = %e, "workspace: a page did not render");
                message(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "page error / erreur de page",
                )
            }
        }
    }

    pub(super) fn zone(&self) -> jiff::tz::TimeZone {
        self.poller()
            .config()
            .digest
            .defaults
            .zone_over(&Default::default())
            .1
    }

    /// The names the watchlists give their sources, by URL.
    fn source_names(&self) -> HashMap<String, String> {
        let poller = self.poller();
        let config = poller.config();
        poller
            .catalog()
            .sources(config.poll.interval.0, config.poll.min_interval.0)
            .into_iter()
            .filter_map(|p| Some((p.url.clone(), p.name?)))
            .collect()
    }

    /// The brands of the watchlists, in their order.
    pub(super) fn brands(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for b in self.poller().catalog().brands() {
            if !out.contains(&b.name) {
                out.push(b.name.clone());
            }
        }
        out
    }
}

fn ser<T: Serialize>(v: &T) -> minijinja::Value {
    minijinja::Value::from(minijinja::value::Serde(v))
}

/// The local path a form asks to go back to, or `fallback` (never another site).
fn back(form: &Form, fallback: &str) -> String {
    form.get("back")
        .filter(|b| b.starts_with('/') && !b.starts_with("//") && !b.contains('\\'))
        .unwrap_or(fallback)
        .to_string()
}

fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// A form posted by `me`: its CSRF token checked (403 when missing or another session's),
/// then the role the action needs.
#[allow(clippy::result_large_err)]
fn posted(web: &Web, me: &Me, body: &[u8], role: Role) -> Result<Form, Response> {
    let form = Form::parse(body);
    if !me.csrf_ok(web, form.get("csrf")) {
        return Err(forbidden_csrf());
    }
    me.may(role)?;
    Ok(form)
}

fn forbidden_csrf() -> Response {
    message(
        StatusCode::FORBIDDEN,
        "This form has expired: reload the page. / Ce formulaire a expiré : rechargez la page.",
    )
}

// ---- log in and out, language ----

pub async fn login_page(
    State(web): State<Arc<Web>>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let lang = super::language(&headers);
    let nonce = auth::random(16)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<String>();
    let csrf = web.keys.csrf(&format!("login:{nonce}"));
    let next = q.get("next").cloned().unwrap_or_else(|| "/".into());
    let mut r = web.page(
        None,
        lang,
        "login.html",
        context! { login_csrf => csrf, next => next, failed => q.contains_key("failed"), wait => q.get("wait") },
    );
    set_cookie(&mut r, &web, auth::LOGIN_COOKIE, &nonce, Some(600));
    r
}

fn set_cookie(r: &mut Response, web: &Web, name: &str, value: &str, max_age: Option<i64>) {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict");
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={age}"));
    }
    if web.secure() {
        c.push_str("; Secure");
    }
    if let Ok(v) = HeaderValue::from_str(&c) {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
}

pub async fn login(
    State(web): State<Arc<Web>>,
    headers: HeaderMap,
    extensions: axum::http::Extensions,
    body: Bytes,
) -> Response {
    let form = Form::parse(&body);
    let lang = super::language(&headers);
    let nonce = super::cookie(&headers, auth::LOGIN_COOKIE).unwrap_or("");
    if nonce.is_empty()
        || !web
            .keys
            .csrf_ok(&format!("login:{nonce}"), form.get("csrf").unwrap_or(""))
    {
        return forbidden_csrf();
    }
    let name = form.get("user").unwrap_or("").trim().to_string();
    let password = form.get("password").unwrap_or("").to_string();
    let next = back(
        &Form(vec![(
            "back".into(),
            form.get("next").unwrap_or("/").into(),
        )]),
        "/",
    );
    let ip = super::peer(&extensions, &headers);
    let now = Instant::now();
    if let Some(wait) = web.logins.wait(ip, &name, now) {
        let minutes = wait.as_secs().div_ceil(60);
        tracing::warn!(%ip, user = %clean_line(&name), "workspace: login refused, too many failures");
        let t = if lang == Language::Fr {
            format!(
                "Trop de tentatives{} réessayez dans {minutes} minute{}.",
                fmt::punct(';', lang),
                if minutes > 1 { "s" } else { "" }
            )
        } else {
            format!(
                "Too many attempts; try again in {minutes} minute{}.",
                if minutes > 1 { "s" } else { "" }
            )
        };
        let mut r = message(StatusCode::TOO_MANY_REQUESTS, &t);
        if let Ok(v) = HeaderValue::from_str(&wait.as_secs().max(1).to_string()) {
            r.headers_mut().insert(header::RETRY_AFTER, v);
        }
        return r;
    }
    let user = web
        .poller()
        .config()
        .web
        .users
        .iter()
        .find(|u| u.name == name)
        .cloned();
    // A missing user costs the same work as a wrong password.
    let hash = user.as_ref().map_or_else(
        || "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$Yk1gW1i0I8u0a3bH0rL5o6mM1u2pJm4w7m9z4QeY0qY".to_string(),
        |u| u.password_hash.clone(),
    );
    let ok = tokio::task::spawn_blocking(move || auth::verify_password(&hash, &password))
        .await
        .unwrap_or(false);
    match user.filter(|_| ok) {
        Some(u) => {
            web.logins.succeeded(&u.name);
            tracing::info!(user = %u.name, "workspace: logged in");
            let lifetime = web.poller().config().web.session_lifetime;
            let expires = Timestamp::now().as_second() + lifetime.as_secs() as i64;
            let cookie = web.keys.open_session(&u.name, &u.password_hash, expires);
            let mut r = see_other(&next);
            set_cookie(
                &mut r,
                &web,
                auth::SESSION_COOKIE,
                &cookie,
                Some(lifetime.as_secs() as i64),
            );
            set_cookie(&mut r, &web, auth::LOGIN_COOKIE, "", Some(0));
            r
        }
        None => {
            web.logins.failed(ip, &name, now);
            tracing::warn!(%ip, user = %clean_line(&name), "workspace: failed login");
            let next: String = url::form_urlencoded::byte_serialize(next.as_bytes()).collect();
            see_other(&format!("/login?failed=1&next={next}"))
        }
    }
}

pub async fn logout(State(web): State<Arc<Web>>, me: Me, body: Bytes) -> Response {
    if let Err(r) = posted(&web, &me, &body, Role::Viewer) {
        return r;
    }
    web.logged_out
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(me.nonce.clone());
    let mut r = see_other("/login");
    set_cookie(&mut r, &web, auth::SESSION_COOKIE, "", Some(0));
    r
}

pub async fn set_language(
    State(web): State<Arc<Web>>,
    me: Me,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form = match posted(&web, &me, &body, Role::Viewer) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let to = if form.get("to") == Some("en") {
        "en"
    } else {
        "fr"
    };
    // Back to the page it was asked from (the browser says which); only its path is kept,
    // so it never leads to another site.
    let from = headers
        .get(header::REFERER)
        .and_then(|r| r.to_str().ok())
        .and_then(|r| url::Url::parse(r).ok())
        .map(|u| match u.query() {
            Some(q) => format!("{}?{q}", u.path()),
            None => u.path().to_string(),
        })
        .unwrap_or_else(|| "/".into());
    let mut r = see_other(&back(&Form(vec![("back".into(), from)]), "/"));
    set_cookie(&mut r, &web, "vigie_lang", to, Some(365 * 86_400));
    r
}

// ---- overview ----

#[derive(Serialize)]
struct BrandCard {
    name: String,
    link: String,
    today: String,
    week: String,
    week_words: &'static str,
    usual: String,
    change: Option<String>,
    negative_share: String,
    alerts: usize,
    risks: Vec<(String, u32)>,
    chart: String,
}

/// The overview's times: today (from local midnight), the last 7 days and the 28 before
/// them (the usual level), 30 days of chart.
pub(super) fn overview_span(
    now: Timestamp,
    zone: &jiff::tz::TimeZone,
) -> crate::store::OverviewSpan {
    let today = now
        .to_zoned(zone.clone())
        .start_of_day()
        .map(|z| z.timestamp())
        .unwrap_or(now);
    crate::store::OverviewSpan {
        from: now - Duration::from_secs(35 * 86_400),
        first_day: today - Duration::from_secs(29 * 86_400),
        days: 30,
        today,
        week: now - Duration::from_secs(7 * 86_400),
        now,
    }
}

pub async fn overview(State(web): State<Arc<Web>>, me: Me) -> Response {
    let now = Timestamp::now();
    let zone = web.zone();
    let brands = web.brands();
    let lang = me.lang;
    let t = words(lang);
    let span = overview_span(now, &zone);
    let b2 = brands.clone();
    let read = web
        .db
        .read(move |s| {
            let mut out = Vec::new();
            for b in &b2 {
                out.push(s.overview(b, &span)?);
            }
            Ok((out, s.alerts(true, 1000)?))
        })
        .await;
    let (figures, open) = match read {
        Ok(r) => r,
        Err(e) => return failed(e),
    };
    let cards: Vec<BrandCard> = brands
        .iter()
        .zip(figures)
        .map(|(name, f)| {
            let days: Vec<Day> = f
                .days
                .iter()
                .map(|&(total, negative)| Day { total, negative })
                .collect();
            // The 28 days before this week, per week.
            let usual = f.before as f64 / 4.0;
            let mut risks: HashMap<Category, u32> = HashMap::new();
            for (stored, n) in &f.week_risks {
                for c in Risk::from_stored(Some(stored), 1).categories() {
                    *risks.entry(c).or_default() += *n as u32;
                }
            }
            let mut risks: Vec<(String, u32)> = risks
                .into_iter()
                .map(|(c, n)| (c.label(lang == Language::Fr).to_string(), n))
                .collect();
            risks.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            let q: String = url::form_urlencoded::byte_serialize(name.as_bytes()).collect();
            BrandCard {
                name: clean_line(name),
                link: format!("/mentions?brand={q}&state=all&period=7d"),
                today: fmt::int(f.today, lang),
                week: fmt::int(f.week, lang),
                week_words: fmt::plural(f.week, "mention", "mentions", lang),
                usual: fmt::amount(usual, lang),
                change: (usual >= 1.0).then(|| fmt::change(f.week as f64 / usual, lang)),
                negative_share: if f.week == 0 {
                    "—".into()
                } else {
                    fmt::percent(f.week_negative as f64 / f.week as f64, lang)
                },
                alerts: open.iter().filter(|a| &a.brand == name).count(),
                risks,
                chart: view::chart(&days, span.first_day, &zone, lang, t.chart_caption),
            }
        })
        .collect();
    web.page(
        Some(&me),
        lang,
        "overview.html",
        context! { brands => ser(&cards) },
    )
}

// ---- inbox ----

/// The inbox's filters, as the query string gives them.
struct Filters {
    raw: HashMap<String, String>,
}

impl Filters {
    fn get(&self, k: &str) -> Option<&str> {
        self.raw.get(k).map(|s| s.trim()).filter(|s| !s.is_empty())
    }

    /// The query string of these filters, without the cursor.
    fn query(&self) -> String {
        let mut keys: Vec<&String> = self.raw.keys().filter(|k| *k != "after").collect();
        keys.sort();
        let mut s = url::form_urlencoded::Serializer::new(String::new());
        for k in keys {
            if let Some(v) = self.get(k) {
                s.append_pair(k, v);
            }
        }
        s.finish()
    }
}

pub async fn inbox(
    State(web): State<Arc<Web>>,
    me: Me,
    Query(raw): Query<HashMap<String, String>>,
) -> Response {
    let f = Filters { raw };
    let lang = me.lang;
    let now = Timestamp::now();
    let (query, words, error) = match mention_query(&f, now) {
        Ok((q, w)) => (q, w, None),
        Err(e) => (MentionQuery::default(), Vec::new(), Some(e)),
    };
    let zone = web.zone();
    let rows = if error.is_some() {
        Vec::new()
    } else {
        match web.db.read(move |s| s.mentions(&query)).await {
            Ok(r) => r,
            Err(e) => return failed(e),
        }
    };
    let more = rows.len() > PAGE;
    let list: Vec<MentionView> = rows
        .iter()
        .take(PAGE)
        .map(|m| view::mention(m, &words, &zone, lang))
        .collect();
    let names = web.source_names();
    let sources = match web.db.read(|s| s.source_urls()).await {
        Ok(urls) => urls
            .into_iter()
            .map(|u| {
                let label = names
                    .get(&u)
                    .map(|n| clean_line(n))
                    .unwrap_or_else(|| crate::ingest::fetch::redact_str(&u));
                (u, label)
            })
            .collect::<Vec<_>>(),
        Err(e) => return failed(e),
    };
    let filters = f.query();
    let next = more.then(|| {
        let cursor = list.last().map(|m| m.cursor.clone()).unwrap_or_default();
        if filters.is_empty() {
            format!("/mentions?after={cursor}")
        } else {
            format!("/mentions?{filters}&after={cursor}")
        }
    });
    let here = if filters.is_empty() {
        "/mentions".to_string()
    } else {
        format!("/mentions?{filters}")
    };
    let first = f.get("after").map(|_| here.clone());
    let back = match f.get("after") {
        Some(a) if filters.is_empty() => format!("/mentions?after={a}"),
        Some(a) => format!("/mentions?{filters}&after={a}"),
        None => here.clone(),
    };
    web.page(
        Some(&me),
        lang,
        "inbox.html",
        context! {
            mentions => ser(&list),
            q => f.get("q").unwrap_or(""),
            error => error,
            brands => web.brands(),
            brand => f.get("brand").unwrap_or(""),
            sources => sources,
            source => f.get("source").unwrap_or(""),
            sentiment => f.get("sentiment").unwrap_or(""),
            risk => f.get("risk").unwrap_or(""),
            risks => Category::ALL.iter().map(|c| (c.as_str(), c.label(lang == Language::Fr))).collect::<Vec<_>>(),
            state => f.get("state").unwrap_or("new"),
            language => f.get("lang").unwrap_or(""),
            period => f.get("period").unwrap_or("all"),
            next => next,
            first => first,
            back => back,
        },
    )
}

/// The store's query for the inbox's filters, and the search's words to highlight; `Err`:
/// the search's error, shown with its position.
fn mention_query(f: &Filters, now: Timestamp) -> Result<(MentionQuery, Vec<String>), String> {
    let mut q = MentionQuery {
        limit: PAGE + 1,
        ..MentionQuery::default()
    };
    let mut words = Vec::new();
    if let Some(text) = f.get("q") {
        let s = Search::parse(text).map_err(|e| e.show(text))?;
        words = s.words();
        q.search = Some(s);
    }
    q.brand = f.get("brand").map(str::to_string);
    q.source = f.get("source").map(str::to_string);
    q.sentiment = f.get("sentiment").and_then(|s| s.parse::<Label>().ok());
    q.risk = f.get("risk").and_then(Category::parse);
    q.lang = f
        .get("lang")
        .filter(|l| matches!(*l, "fr" | "en"))
        .map(str::to_string);
    q.states = match f.get("state").unwrap_or("new") {
        "all" => vec![MentionState::New, MentionState::Handled],
        s => MentionState::parse(s).map_or_else(|| vec![MentionState::New], |s| vec![s]),
    };
    q.since = match f.get("period") {
        Some("1d") => Some(now - Duration::from_secs(86_400)),
        Some("7d") => Some(now - Duration::from_secs(7 * 86_400)),
        Some("30d") => Some(now - Duration::from_secs(30 * 86_400)),
        _ => None,
    };
    q.after = f.get("after").and_then(super::cursor);
    Ok((q, words))
}

/// What a triage button asks: `handled`, `irrelevant`, `new`, `sentiment`, `risk`, each
/// optionally `:id` for one mention (else the checked ones).
fn decision(action: &str, form: &Form) -> Option<Decision> {
    Some(match action {
        "handled" => Decision::State(MentionState::Handled),
        "irrelevant" => Decision::State(MentionState::Irrelevant),
        "new" => Decision::State(MentionState::New),
        "negative" | "neutral" | "positive" => Decision::Sentiment(action.parse().ok()?),
        "sentiment" => Decision::Sentiment(form.get("sentiment")?.parse().ok()?),
        "risk" => Decision::Risk(risk_of(form.get("risk")?)?),
        "note" => {
            let n = form.get("note")?.trim();
            if n.is_empty() {
                return None;
            }
            Decision::Note(n.to_string())
        }
        _ => return None,
    })
}

/// A risk as a form gives it: `none` or a category.
pub fn risk_of(value: &str) -> Option<Risk> {
    if value == "none" {
        return Some(Risk::none());
    }
    Category::parse(value).map(|c| Risk::none().with(c, 2))
}

pub async fn triage(State(web): State<Arc<Web>>, me: Me, body: Bytes) -> Response {
    let form = match posted(&web, &me, &body, Role::Editor) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let action = form.get("do").unwrap_or("");
    let (action, one) = match action.split_once(':') {
        Some((a, id)) => (a, id.parse::<i64>().ok()),
        None => (action, None),
    };
    let ids: Vec<i64> = match one {
        Some(id) => vec![id],
        None => form.all("id").filter_map(|i| i.parse().ok()).collect(),
    };
    let Some(d) = decision(action, &form) else {
        return message(StatusCode::BAD_REQUEST, "unknown action / action inconnue");
    };
    if let Err(r) = apply(&web, &me, ids, d).await {
        return r;
    }
    see_other(&back(&form, "/mentions"))
}

/// Records a decision and asks the daemon to review the brands' alerts.
async fn apply(web: &Web, me: &Me, ids: Vec<i64>, d: Decision) -> Result<Vec<i64>, Response> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let actor = me.name.clone();
    let changed = web
        .db
        .write(move |s| s.decide(&ids, &d, &actor, Timestamp::now()))
        .await
        .map_err(failed)?;
    web.poller().request_review();
    Ok(changed)
}

// ---- one mention ----

pub async fn mention(State(web): State<Arc<Web>>, me: Me, Path(id): Path<i64>) -> Response {
    let lang = me.lang;
    let zone = web.zone();
    let read = web
        .db
        .read(move |s| {
            let Some(m) = s.mention(id)? else {
                return Ok(None);
            };
            let copies = s.story_copies(id)?;
            let history = s.history(id)?;
            let correction = s.correction(id)?;
            Ok(Some((m, copies, history, correction)))
        })
        .await;
    let (m, copies, history, correction) = match read {
        Ok(Some(r)) => r,
        Ok(None) => return not_found_for(&web, Some(&me), lang),
        Err(e) => return failed(e),
    };
    let t = words(lang);
    let head = view::mention(&m.row, &[], &zone, lang);
    let text = clean_text(&m.text);
    let copies: Vec<MentionView> = copies
        .iter()
        .map(|c| view::mention(c, &[], &zone, lang))
        .collect();
    let history: Vec<_> = history
        .iter()
        .map(|e| {
            let what = match e.action.as_str() {
                "state" => format!(
                    "{} → {}",
                    t.state,
                    MentionState::parse(&e.detail).map_or("?", |s| view::state_label(s, lang))
                ),
                "sentiment" => format!(
                    "{} → {}",
                    t.sentiment,
                    view::tone(e.detail.parse().ok(), lang).1
                ),
                "risk" => format!(
                    "{} → {}",
                    t.risk,
                    if e.detail == "none" {
                        t.risk_none.to_string()
                    } else {
                        Risk::from_stored(Some(&e.detail), 1)
                            .categories()
                            .iter()
                            .map(|c| c.label(lang == Language::Fr))
                            .collect::<Vec<_>>()
                            .join(", ")
                    }
                ),
                _ => format!("{}{} {}", t.note, fmt::punct(':', lang), clean_line(&e.detail)),
            };
            context! { at => fmt::short_time(e.at, &zone, lang), who => clean_line(&e.actor), what => what }
        })
        .collect();
    let computed = correction.map(|c| {
        let tone = view::tone(
            c.computed_label.as_deref().and_then(|l| l.parse().ok()),
            lang,
        )
        .1;
        format!(
            "{}{} {}{}",
            t.computed,
            fmt::punct(':', lang),
            tone,
            c.computed_sentiment
                .map(|s| format!(" ({})", fmt::score(s, lang)))
                .unwrap_or_default()
        )
    });
    web.page(
        Some(&me),
        lang,
        "mention.html",
        context! {
            m => ser(&head),
            text => text,
            source => crate::ingest::fetch::redact_str(&m.row.source),
            found => fmt::short_time(m.row.fetched_at, &zone, lang),
            copies => ser(&copies),
            history => history,
            computed => computed,
            risks => Category::ALL.iter().map(|c| (c.as_str(), c.label(lang == Language::Fr))).collect::<Vec<_>>(),
            back => format!("/mentions/{id}"),
        },
    )
}

/// A mention's text as paragraphs of plain text.
fn clean_text(text: &str) -> Vec<String> {
    text.split("\n\n")
        .map(clean_line)
        .filter(|p| !p.is_empty())
        .take(200)
        .collect()
}

pub async fn decide(
    State(web): State<Arc<Web>>,
    me: Me,
    Path(id): Path<i64>,
    body: Bytes,
) -> Response {
    let form = match posted(&web, &me, &body, Role::Editor) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let Some(d) = decision(form.get("do").unwrap_or(""), &form) else {
        return see_other(&format!("/mentions/{id}"));
    };
    if let Err(r) = apply(&web, &me, vec![id], d).await {
        return r;
    }
    see_other(&back(&form, &format!("/mentions/{id}")))
}

// ---- alerts ----

#[derive(Serialize)]
struct AlertLine {
    id: i64,
    brand: String,
    kind: &'static str,
    opened: String,
    why: String,
    events: String,
    open: bool,
    acknowledged: Option<String>,
}

fn alert_line(a: &crate::store::AlertRow, zone: &jiff::tz::TimeZone, lang: Language) -> AlertLine {
    let v = crate::digest::view::alert_view(a, (Timestamp::MIN, Timestamp::MAX), zone, lang);
    AlertLine {
        id: a.id,
        brand: clean_line(&a.brand),
        kind: v.kind,
        opened: fmt::short_time(a.opened_at, zone, lang),
        why: view::why(a, lang),
        events: v.events,
        open: a.closed_at.is_none(),
        acknowledged: a.acknowledged_at.map(|t| {
            let mut s = fmt::short_time(t, zone, lang);
            if let Some(by) = &a.acknowledged_by {
                s.push_str(&format!(" — {}", clean_line(by)));
            }
            s
        }),
    }
}

pub async fn alerts(State(web): State<Arc<Web>>, me: Me) -> Response {
    let lang = me.lang;
    let zone = web.zone();
    let rows = match web.db.read(|s| s.alerts(false, 500)).await {
        Ok(r) => r,
        Err(e) => return failed(e),
    };
    let (open, past): (Vec<_>, Vec<_>) = rows
        .iter()
        .map(|a| alert_line(a, &zone, lang))
        .partition(|a| a.open);
    web.page(
        Some(&me),
        lang,
        "alerts.html",
        context! { open => ser(&open), past => ser(&past) },
    )
}

pub async fn alert(State(web): State<Arc<Web>>, me: Me, Path(id): Path<i64>) -> Response {
    let lang = me.lang;
    let zone = web.zone();
    let read = web
        .db
        .read(move |s| {
            let Some(a) = s.alert(id)? else {
                return Ok(None);
            };
            let q = MentionQuery {
                brand: Some(a.brand.clone()),
                since: Some(a.opened_at - a.window),
                until: a.closed_at.map(|c| c + Duration::from_secs(1)),
                limit: 100,
                ..MentionQuery::default()
            };
            let mentions = s.mentions(&q)?;
            Ok(Some((a, mentions)))
        })
        .await;
    let (a, mentions) = match read {
        Ok(Some(r)) => r,
        Ok(None) => return not_found_for(&web, Some(&me), lang),
        Err(e) => return failed(e),
    };
    let line = alert_line(&a, &zone, lang);
    let list: Vec<MentionView> = mentions
        .iter()
        .map(|m| view::mention(m, &[], &zone, lang))
        .collect();
    web.page(
        Some(&me),
        lang,
        "alert.html",
        context! { a => ser(&line), note => a.ack_note.as_deref().map(clean_line), mentions => ser(&list) },
    )
}

/// Where an alert email's "acknowledge" link leads: the brand's open alert of that kind
/// (else its latest one of the kind, else the alerts page).
pub async fn open_alert(
    State(web): State<Arc<Web>>,
    _me: Me,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let (brand, kind) = (
        q.get("brand").cloned().unwrap_or_default(),
        q.get("kind").cloned().unwrap_or_default(),
    );
    let found = web
        .db
        .read(move |s| {
            let rows = s.alerts(false, 1000)?;
            let mut of = rows
                .into_iter()
                .filter(|a| a.brand == brand && a.kind.as_str() == kind);
            Ok(of.next().map(|a| a.id))
        })
        .await;
    match found {
        Ok(Some(id)) => see_other(&format!("/alerts/{id}")),
        Ok(None) => see_other("/alerts"),
        Err(e) => failed(e),
    }
}

pub async fn acknowledge(
    State(web): State<Arc<Web>>,
    me: Me,
    Path(id): Path<i64>,
    body: Bytes,
) -> Response {
    let form = match posted(&web, &me, &body, Role::Editor) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let note: String = form
        .get("note")
        .unwrap_or("")
        .trim()
        .chars()
        .take(crate::store::NOTE_CHARS)
        .collect();
    let who = me.name.clone();
    let done = web
        .db
        .write(move |s| {
            s.acknowledge(
                id,
                Some(&who),
                Some(&note).filter(|n| !n.is_empty()).map(|n| n.as_str()),
                Timestamp::now(),
            )
        })
        .await;
    match done {
        Ok(true) => see_other(&back(&form, &format!("/alerts/{id}"))),
        Ok(false) => not_found_for(&web, Some(&me), me.lang),
        Err(e) => failed(e),
    }
}

// ---- sources and digests ----

pub async fn sources(State(web): State<Arc<Web>>, me: Me) -> Response {
    let lang = me.lang;
    let zone = web.zone();
    let t = words(lang);
    let names = web.source_names();
    let names2 = names.clone();
    let read = web
        .db
        .read(move |s| {
            let rows = s.sources()?;
            let urls: Vec<String> = rows.iter().map(|r| r.url.clone()).collect();
            Ok((rows, s.sources_health(&urls, &names2)?))
        })
        .await;
    let (rows, health) = match read {
        Ok(r) => r,
        Err(e) => return failed(e),
    };
    let now = Timestamp::now();
    let list: Vec<_> = rows
        .iter()
        .zip(health.iter())
        .map(|(r, h)| {
            let problem = crate::digest::health::source_problem(h, now, &zone, lang);
            let state = match (&problem, r.last_checked_at) {
                (Some(p), _) => p.problem,
                (None, None) => "new",
                (None, Some(_)) => "ok",
            };
            context! {
                label => names.get(&r.url).map(|n| clean_line(n)).unwrap_or_else(|| crate::ingest::fetch::redact_str(&r.url)),
                url => crate::ingest::fetch::redact_str(&r.url),
                state => state,
                health => match (&problem, r.last_checked_at) {
                    (Some(p), _) => format!("{} {}", p.reason, p.since),
                    (None, None) => t.never_checked.to_string(),
                    (None, Some(_)) => t.healthy.to_string(),
                },
                repaired => r.repairs.is_some(),
                mentions => fmt::int(r.mentions, lang),
                next => fmt::short_time(r.next_check_at, &zone, lang),
            }
        })
        .collect();
    web.page(
        Some(&me),
        lang,
        "sources.html",
        context! { sources => list },
    )
}

/// The periods the Share of voice page offers, in days.
const VOICE_DAYS: [u32; 3] = [7, 30, 90];

/// Share of voice: each `[[group]]` of the watchlists, its brands side by side over the
/// last 7, 30 or 90 days.
pub async fn voice(
    State(web): State<Arc<Web>>,
    me: Me,
    Query(raw): Query<HashMap<String, String>>,
) -> Response {
    let lang = me.lang;
    let t = words(lang);
    let days = raw
        .get("days")
        .and_then(|d| d.parse::<u32>().ok())
        .filter(|d| VOICE_DAYS.contains(d))
        .unwrap_or(30);
    let groups: Vec<crate::settings::watchlist::Group> =
        web.poller().catalog().groups().cloned().collect();
    let now = Timestamp::now();
    let from = now - Duration::from_secs(u64::from(days) * 86_400);
    let g2 = groups.clone();
    let read = web
        .db
        .read(move |s| {
            g2.iter()
                .map(|g| {
                    let brands: Vec<String> = g.brands().map(str::to_string).collect();
                    s.voice(&brands, from, now)
                })
                .collect::<Result<Vec<_>, _>>()
        })
        .await;
    let figures = match read {
        Ok(r) => r,
        Err(e) => return failed(e),
    };
    let since = fmt::short_time(from, &web.zone(), lang);
    let list: Vec<_> = groups
        .iter()
        .zip(figures)
        .map(|(g, f)| {
            let shares = crate::analyze::voice::shares(f, &g.own);
            let chart = view::voice_chart(&shares, lang, t.voice_chart);
            let rows: Vec<_> = shares
                .iter()
                .map(|s| {
                    let q: String =
                        url::form_urlencoded::byte_serialize(s.figures.brand.as_bytes()).collect();
                    context! {
                        brand => clean_line(&s.figures.brand),
                        own => s.own,
                        mentions => fmt::int(s.figures.mentions, lang),
                        mention_share => fmt::percent(s.mentions, lang),
                        engagement => fmt::int(s.figures.engagement, lang),
                        engagement_share => fmt::percent(s.engagement, lang),
                        net => crate::digest::view::points(s.net_sentiment, lang),
                        risk => fmt::int(s.figures.risk, lang),
                        // The inbox offers 7 and 30 days; past that, every date.
                        link => match days {
                            7 | 30 => format!("/mentions?brand={q}&state=all&period={days}d"),
                            _ => format!("/mentions?brand={q}&state=all"),
                        },
                    }
                })
                .collect();
            context! { name => clean_line(&g.name), chart => chart, rows => rows }
        })
        .collect();
    web.page(
        Some(&me),
        lang,
        "voice.html",
        context! { groups => list, days => days, choices => VOICE_DAYS, since => since },
    )
}

pub async fn digests(State(web): State<Arc<Web>>, me: Me) -> Response {
    let lang = me.lang;
    let zone = web.zone();
    let t = words(lang);
    let rows = match web.db.read(|s| s.digests(200)).await {
        Ok(r) => r,
        Err(e) => return failed(e),
    };
    let list: Vec<_> = rows
        .iter()
        .map(|d| {
            let w: String = url::form_urlencoded::byte_serialize(d.watchlist.as_bytes()).collect();
            context! {
                watchlist => clean_line(&d.watchlist),
                period => format!("{} → {}", fmt::short_time(d.period_start, &zone, lang), fmt::short_time(d.period_end, &zone, lang)),
                emails => format!(
                    "{} {}",
                    fmt::int(d.emails.max(0) as u64, lang),
                    fmt::plural(d.emails.max(0) as u64, t.email, t.emails, lang)
                ),
                link => d.kept.then(|| format!("/digests/{w}/{}", d.period_end.as_second())),
            }
        })
        .collect();
    web.page(
        Some(&me),
        lang,
        "digests.html",
        context! { digests => list },
    )
}

/// A sent digest's page as it was sent: its own HTML (inline styles, charts as `data:`
/// images) under a CSP that lets nothing else in, sandboxed.
pub async fn digest(
    State(web): State<Arc<Web>>,
    me: Me,
    Path((watchlist, end)): Path<(String, i64)>,
) -> Response {
    let Ok(end) = Timestamp::from_second(end) else {
        return not_found_for(&web, Some(&me), me.lang);
    };
    match web.db.read(move |s| s.digest_html(&watchlist, end)).await {
        Ok(Some(html)) => (
            [(
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; img-src data:; style-src 'unsafe-inline'; sandbox",
            )],
            Html(html),
        )
            .into_response(),
        Ok(None) => not_found_for(&web, Some(&me), me.lang),
        Err(e) => failed(e),
    }
}

// ---- assets and errors ----

pub async fn asset(Path(name): Path<String>) -> Response {
    let (body, kind): (&'static [u8], &str) = match name.as_str() {
        "vigie.css" => (
            include_bytes!("assets/vigie.css"),
            "text/css; charset=utf-8",
        ),
        "favicon.svg" => (include_bytes!("assets/favicon.svg"), "image/svg+xml"),
        "vigie.js" => (
            include_bytes!("assets/vigie.js"),
            "text/javascript; charset=utf-8",
        ),
        "htmx-2.0.4.min.js" => (
            include_bytes!("assets/htmx-2.0.4.min.js"),
            "text/javascript; charset=utf-8",
        ),
        _ => return message(StatusCode::NOT_FOUND, "no such file"),
    };
    (
        [
            (header::CONTENT_TYPE, kind),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}

fn not_found_for(web: &Web, me: Option<&Me>, lang: Language) -> Response {
    let mut r = web.page(
        me,
        lang,
        "message.html",
        context! { text => words(lang).not_found },
    );
    *r.status_mut() = StatusCode::NOT_FOUND;
    r
}

pub async fn not_found(State(web): State<Arc<Web>>, headers: HeaderMap) -> Response {
    not_found_for(&web, None, super::language(&headers))
}
