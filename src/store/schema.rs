//! The database schema as an append-only list of migrations.
//!
//! `PRAGMA user_version` records how many have run. Never edit or reorder an entry that has
//! shipped: add a new one at the end. Most are SQL; one that must parse what it rewrites
//! (URLs) is a Rust function over the migration's transaction.

use rusqlite::{Transaction, params};

/// One step of the schema.
pub enum Migration {
    Sql(&'static str),
    Code(fn(&Transaction) -> rusqlite::Result<()>),
}

impl Migration {
    pub fn run(&self, tx: &Transaction) -> rusqlite::Result<()> {
        match self {
            Migration::Sql(sql) => tx.execute_batch(sql),
            Migration::Code(f) => f(tx),
        }
    }
}

/// Migration `i` brings the schema from version `i` to `i + 1`.
pub const MIGRATIONS: &[Migration] = &[
    // 1: sources, mentions, full-text index.
    Migration::Sql(
        r#"
    CREATE TABLE sources (
        id                  INTEGER PRIMARY KEY,
        url                 TEXT NOT NULL UNIQUE,
        kind                TEXT NOT NULL,
        etag                TEXT,
        last_modified       TEXT,
        created_at          INTEGER NOT NULL,
        last_checked_at     INTEGER,
        last_success_at     INTEGER,
        last_error          TEXT,
        last_error_at       INTEGER,
        consecutive_errors  INTEGER NOT NULL DEFAULT 0,
        next_check_at       INTEGER NOT NULL DEFAULT 0,
        last_item_count     INTEGER,
        -- the feed's own polling hint (RSS <ttl>), kept so that a 304 honours it too
        ttl_seconds         INTEGER
    ) STRICT;

    CREATE TABLE mentions (
        id              INTEGER PRIMARY KEY,
        brand           TEXT NOT NULL,
        source_id       INTEGER NOT NULL REFERENCES sources(id),
        dedup_key       TEXT NOT NULL,
        item_id         TEXT NOT NULL,
        url             TEXT,
        title           TEXT NOT NULL,
        snippet         TEXT NOT NULL,
        text            TEXT NOT NULL,
        author          TEXT,
        lang            TEXT,
        published_at    INTEGER NOT NULL,
        published_estimated INTEGER NOT NULL DEFAULT 0,
        fetched_at      INTEGER NOT NULL,
        matched_terms   TEXT NOT NULL,
        sentiment       REAL,
        UNIQUE (brand, dedup_key)
    ) STRICT;
    CREATE INDEX mentions_by_time ON mentions (published_at DESC, id DESC);
    CREATE INDEX mentions_by_brand_time ON mentions (brand, published_at DESC);
    CREATE INDEX mentions_by_source ON mentions (source_id);

    CREATE VIRTUAL TABLE mentions_fts USING fts5(
        title, text,
        content = 'mentions', content_rowid = 'id',
        tokenize = 'unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER mentions_ai AFTER INSERT ON mentions BEGIN
        INSERT INTO mentions_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
    END;
    CREATE TRIGGER mentions_ad AFTER DELETE ON mentions BEGIN
        INSERT INTO mentions_fts (mentions_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
    END;
    CREATE TRIGGER mentions_au AFTER UPDATE OF title, text ON mentions BEGIN
        INSERT INTO mentions_fts (mentions_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
        INSERT INTO mentions_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
    END;
    "#,
    ),
    // 2: sentiment label and the language it was scored in (`sentiment` holds the score).
    // Mentions stored before have NULLs until the poller scores them.
    Migration::Sql(
        r#"
    ALTER TABLE mentions ADD COLUMN sentiment_label TEXT
        CHECK (sentiment_label IN ('negative', 'neutral', 'positive'));
    ALTER TABLE mentions ADD COLUMN sentiment_lang TEXT;
    CREATE INDEX mentions_by_brand_label_time
        ON mentions (brand, sentiment_label, published_at DESC);
    "#,
    ),
    // 3: alerts and the outbox of emails. At most one open alert per brand and kind.
    Migration::Sql(
        r#"
    CREATE TABLE alerts (
        id                  INTEGER PRIMARY KEY,
        brand               TEXT NOT NULL,
        kind                TEXT NOT NULL CHECK (kind IN ('volume', 'negativity')),
        state               TEXT NOT NULL CHECK (state IN ('open', 'closed')),
        window_seconds      INTEGER NOT NULL,
        opened_at           INTEGER NOT NULL,
        -- what the window showed when it opened: count, mentions, baseline, statistic
        observed            INTEGER NOT NULL,
        total               INTEGER NOT NULL,
        baseline            REAL NOT NULL,
        statistic           REAL NOT NULL,
        threshold           REAL NOT NULL,
        escalated_at        INTEGER,
        escalated_observed  INTEGER,
        closed_at           INTEGER
    ) STRICT;
    CREATE UNIQUE INDEX alerts_one_open ON alerts (brand, kind) WHERE state = 'open';
    CREATE INDEX alerts_by_time ON alerts (opened_at DESC);

    CREATE TABLE outbox (
        id              INTEGER PRIMARY KEY,
        alert_id        INTEGER REFERENCES alerts(id),
        -- alert, escalation, all_clear (and later digest, test): alerts go first
        purpose         TEXT NOT NULL,
        priority        INTEGER NOT NULL,
        recipient       TEXT NOT NULL,
        message_id      TEXT NOT NULL UNIQUE,
        subject         TEXT NOT NULL,
        -- the whole message as sent (RFC 5322, CRLF), so a retry sends the same bytes
        message         BLOB NOT NULL,
        created_at      INTEGER NOT NULL,
        state           TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'dead')),
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        last_error      TEXT,
        sent_at         INTEGER
    ) STRICT;
    CREATE INDEX outbox_due ON outbox (state, priority, next_attempt_at, id);
    "#,
    ),
    // 4: the digest. Source health for it (failing since, empty since, newest item and the
    // usual gap between items), when an email died, which periods were sent, and up to
    // when each watchlist's digests have covered.
    Migration::Sql(
        r#"
    ALTER TABLE sources ADD COLUMN failing_since INTEGER;
    ALTER TABLE sources ADD COLUMN empty_since INTEGER;
    ALTER TABLE sources ADD COLUMN newest_item_at INTEGER;
    ALTER TABLE sources ADD COLUMN item_cadence_seconds INTEGER;
    UPDATE sources SET failing_since = coalesce(last_error_at, last_checked_at)
        WHERE consecutive_errors > 0;
    UPDATE sources SET empty_since = last_checked_at WHERE last_item_count = 0;
    ALTER TABLE outbox ADD COLUMN dead_at INTEGER;
    CREATE INDEX mentions_by_fetch ON mentions (fetched_at);

    CREATE TABLE digests (
        watchlist       TEXT NOT NULL,
        period_start    INTEGER NOT NULL,
        period_end      INTEGER NOT NULL,
        created_at      INTEGER NOT NULL,
        emails          INTEGER NOT NULL,
        PRIMARY KEY (watchlist, period_end)
    ) STRICT;
    CREATE TABLE digest_state (
        watchlist       TEXT PRIMARY KEY,
        covered_until   INTEGER NOT NULL
    ) STRICT;
    "#,
    ),
    // 5: stories. A mention's text fingerprint (SimHash, 64 bits stored as a signed integer)
    // and, for a copy of a story already stored, the id of its first mention. Counting
    // `story_id IS NULL` counts stories, not copies.
    Migration::Sql(
        r#"
    ALTER TABLE mentions ADD COLUMN simhash INTEGER;
    ALTER TABLE mentions ADD COLUMN story_id INTEGER REFERENCES mentions(id);
    CREATE INDEX mentions_by_story ON mentions (story_id) WHERE story_id IS NOT NULL;
    CREATE INDEX mentions_by_brand_fetch ON mentions (brand, fetched_at);
    "#,
    ),
    // 6: no password in a stored URL. Sources were keyed by their URL as the watchlist gave
    // it, user name and password included, and links resolved against it carried them too:
    // both lose them (a source that now has a clean twin is merged into it).
    Migration::Code(strip_userinfo),
    // 7: brands whose alerts are to be reviewed. A poll's commit records the brands it gave
    // new mentions to, in its own transaction; the alert review (one transaction for many
    // polls) takes them, so a review cut off by a crash is redone, never lost.
    Migration::Sql(
        r#"
    CREATE TABLE alert_review (
        brand       TEXT PRIMARY KEY,
        since       INTEGER NOT NULL
    ) STRICT;
    "#,
    ),
    // 8: the commit writes a new mention's full-text entry itself. With a trigger, every
    // insert into `mentions` ran as a statement transaction, and at each one the full-text
    // index flushed its pending terms to disk as a new segment (then merged them): a fifth
    // of the ingest time. Deletes and edits stay with their triggers.
    Migration::Sql("DROP TRIGGER mentions_ai;"),
    // 9: what the last document of a source needed repaired to be read (NULL: nothing),
    // so that `vigie sources` can tell the operator the publisher's feed is broken.
    Migration::Sql("ALTER TABLE sources ADD COLUMN repairs TEXT;"),
    // 10: whether a mention counts as news for spike detection. 0 for one whose time is
    // estimated (no date, an unreadable or future one) found on its source's first poll:
    // its age is unknown, and a first poll is the source's history, never a burst.
    Migration::Sql("ALTER TABLE mentions ADD COLUMN news INTEGER NOT NULL DEFAULT 1;"),
    // 11: reputation risk beside sentiment: the categories a mention reports (`safety,legal`,
    // NULL: none) and the gravest severity (0: none; NULL: not read yet, so that mentions
    // stored before are read again, with the sentiment, at the next start). Alerts name the
    // story they are about (spread) and the categories (risk), and can be acknowledged.
    Migration::Sql(
        r#"
    ALTER TABLE mentions ADD COLUMN risk TEXT;
    ALTER TABLE mentions ADD COLUMN risk_severity INTEGER;
    CREATE INDEX mentions_story ON mentions (story_id) WHERE story_id IS NOT NULL;
    -- The kind's CHECK grows: the table is rebuilt (SQLite cannot alter a CHECK), with
    -- foreign keys off during the step and checked before it commits (connection.rs).
    CREATE TABLE alerts_new (
        id                  INTEGER PRIMARY KEY,
        brand               TEXT NOT NULL,
        kind                TEXT NOT NULL
                            CHECK (kind IN ('volume', 'negativity', 'spread', 'risk')),
        state               TEXT NOT NULL CHECK (state IN ('open', 'closed')),
        window_seconds      INTEGER NOT NULL,
        opened_at           INTEGER NOT NULL,
        observed            INTEGER NOT NULL,
        total               INTEGER NOT NULL,
        baseline            REAL NOT NULL,
        statistic           REAL NOT NULL,
        threshold           REAL NOT NULL,
        escalated_at        INTEGER,
        escalated_observed  INTEGER,
        closed_at           INTEGER,
        -- spread: the story's first mention; detail: JSON, a spread alert's sites, a risk
        -- alert's categories
        story_id            INTEGER,
        detail              TEXT,
        acknowledged_at     INTEGER,
        ack_note            TEXT
    ) STRICT;
    INSERT INTO alerts_new (id, brand, kind, state, window_seconds, opened_at, observed,
        total, baseline, statistic, threshold, escalated_at, escalated_observed, closed_at)
    SELECT id, brand, kind, state, window_seconds, opened_at, observed, total, baseline,
        statistic, threshold, escalated_at, escalated_observed, closed_at FROM alerts;
    DROP TABLE alerts;
    ALTER TABLE alerts_new RENAME TO alerts;
    CREATE UNIQUE INDEX alerts_one_open ON alerts (brand, kind) WHERE state = 'open';
    CREATE INDEX alerts_by_time ON alerts (opened_at DESC);
    "#,
    ),
    // 12: what kind of failure a source's last error was (`status-404`, `timeout`,
    // `html-page`...: `ingest::problem`), for the digest to say it in a person's words; and
    // the name the watchlists give a source ("Forum Conso"), for the mentions read there.
    Migration::Sql(
        "ALTER TABLE sources ADD COLUMN last_problem TEXT;
         ALTER TABLE sources ADD COLUMN name TEXT;",
    ),
    // 13: the workspace. What people decide about a mention (its triage state; a corrected
    // sentiment or risk replaces the computed one in `mentions`, which `corrections` keeps
    // beside the correction), who did what and when, who acknowledged an alert, API tokens
    // (their SHA-256, never the token), and each sent digest's HTML as it was sent.
    Migration::Sql(
        r#"
    ALTER TABLE mentions ADD COLUMN state TEXT NOT NULL DEFAULT 'new'
        CHECK (state IN ('new', 'handled', 'irrelevant'));
    CREATE INDEX mentions_by_state_time ON mentions (state, published_at DESC, id DESC);
    CREATE TABLE mention_events (
        id          INTEGER PRIMARY KEY,
        mention_id  INTEGER NOT NULL,
        at          INTEGER NOT NULL,
        actor       TEXT NOT NULL,
        -- state, sentiment, risk, note
        action      TEXT NOT NULL,
        detail      TEXT NOT NULL
    ) STRICT;
    CREATE INDEX mention_events_by_mention ON mention_events (mention_id, at);
    CREATE TABLE corrections (
        mention_id          INTEGER PRIMARY KEY,
        computed_sentiment  REAL,
        computed_label      TEXT,
        computed_risk       TEXT,
        computed_severity   INTEGER,
        sentiment_label     TEXT,
        risk                TEXT,
        corrected_at        INTEGER NOT NULL,
        corrected_by        TEXT NOT NULL
    ) STRICT;
    ALTER TABLE alerts ADD COLUMN acknowledged_by TEXT;
    CREATE TABLE api_tokens (
        id              INTEGER PRIMARY KEY,
        name            TEXT NOT NULL,
        role            TEXT NOT NULL CHECK (role IN ('viewer', 'editor', 'admin')),
        sha256          TEXT NOT NULL UNIQUE,
        created_at      INTEGER NOT NULL,
        last_used_at    INTEGER,
        revoked_at      INTEGER
    ) STRICT;
    ALTER TABLE digests ADD COLUMN html TEXT;
    -- the key that signs the workspace's session cookies, so sessions outlive a restart
    CREATE TABLE web_secrets (
        name    TEXT PRIMARY KEY,
        value   BLOB NOT NULL
    ) STRICT;
    "#,
    ),
    // 14: the mentions that count (a story's first, news, not irrelevant) by brand and time,
    // with what the figures read of them: the workspace's overview, detection's points and
    // the digest's counts read this index alone, not the rows.
    Migration::Sql(
        "CREATE INDEX mentions_counted ON mentions (brand, published_at, sentiment_label, risk, risk_severity)
         WHERE story_id IS NULL AND news = 1 AND state != 'irrelevant';",
    ),
    // 15: how loud a mention is, when its service says: its interactions (their sum, and
    // the parts as `score=120,comments=45`), the people it could reach, a review's stars.
    // Updated when a later poll sees the same post with new counts.
    Migration::Sql(
        "ALTER TABLE mentions ADD COLUMN engagement INTEGER;
         ALTER TABLE mentions ADD COLUMN engagement_parts TEXT;
         ALTER TABLE mentions ADD COLUMN reach INTEGER;
         ALTER TABLE mentions ADD COLUMN rating INTEGER;
         CREATE INDEX mentions_engaged ON mentions (brand, engagement) WHERE engagement IS NOT NULL;",
    ),
    // 16: share of voice counts every mention that is not irrelevant (copies included) by
    // brand and time, with its tone, risk and engagement: read from this index alone.
    Migration::Sql(
        "CREATE INDEX mentions_voice ON mentions (brand, published_at, sentiment_label, risk_severity, engagement)
         WHERE state != 'irrelevant';",
    ),
];

/// The URL without its user name and password, when it had any.
fn without_userinfo(text: &str) -> Option<String> {
    let mut url = url::Url::parse(text).ok()?;
    if url.username().is_empty() && url.password().is_none() {
        return None;
    }
    let _ = url.set_username("");
    let _ = url.set_password(None);
    Some(url.to_string())
}

fn strip_userinfo(tx: &Transaction) -> rusqlite::Result<()> {
    // Old row contents are overwritten, not left in free pages of the file.
    tx.pragma_update(None, "secure_delete", "ON")?;
    let dirty: Vec<(i64, String)> = tx
        .prepare("SELECT id, url FROM sources WHERE url LIKE '%@%'")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (id, url) in dirty {
        let Some(clean) = without_userinfo(&url) else {
            continue;
        };
        let twin: Option<i64> = tx
            .query_row(
                "SELECT id FROM sources WHERE url = ?1",
                params![clean],
                |r| r.get(0),
            )
            .ok();
        match twin {
            Some(twin) => {
                tx.execute(
                    "UPDATE mentions SET source_id = ?1 WHERE source_id = ?2",
                    params![twin, id],
                )?;
                tx.execute("DELETE FROM sources WHERE id = ?1", params![id])?;
            }
            None => {
                tx.execute(
                    "UPDATE sources SET url = ?1 WHERE id = ?2",
                    params![clean, id],
                )?;
            }
        }
    }
    let dirty: Vec<(i64, String, String, String)> = tx
        .prepare("SELECT id, brand, url, dedup_key FROM mentions WHERE url LIKE '%@%' OR dedup_key LIKE '%@%'")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get::<_, Option<String>>(2)?.unwrap_or_default(), r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (id, brand, url, key) in dirty {
        if let Some(clean) = without_userinfo(&url) {
            tx.execute(
                "UPDATE mentions SET url = ?1 WHERE id = ?2",
                params![clean, id],
            )?;
        }
        if let Some(clean) = without_userinfo(&key) {
            // The clean key may be taken by a copy stored since: keep both rows, apart.
            let taken: bool = tx.query_row(
                "SELECT count(*) > 0 FROM mentions WHERE brand = ?1 AND dedup_key = ?2",
                params![brand, clean],
                |r| r.get(0),
            )?;
            let key = if taken {
                format!("{clean}#{id}")
            } else {
                clean
            };
            tx.execute(
                "UPDATE mentions SET dedup_key = ?1 WHERE id = ?2",
                params![key, id],
            )?;
        }
    }
    Ok(())
}
