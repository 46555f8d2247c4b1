//! Sharing the work between several nodes on one PostgreSQL database: who may run (the
//! same watchlists), which node polls which due source and sends which email (leases taken
//! with `FOR UPDATE SKIP LOCKED`), and the decisions taken once (a digest period, a brand's
//! alerts).
//!
//! A lease is a node's name and an end time: a node that dies holding one frees it when the
//! time passes, and another node takes the source or the email then. A node finishing a
//! source it no longer holds is told so, and changes nothing: the node that took it over
//! owns it. Times are Unix seconds, passed in (the daemon's clock), so tests can move them.

use tokio_postgres::GenericClient;

use super::{PgError, sql};

/// A source leased to this node for polling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedSource {
    pub id: i64,
    pub url: String,
}

/// An email leased to this node for sending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedEmail {
    pub id: i64,
    pub recipient: String,
    pub message: Vec<u8>,
}

/// Why a node may not join.
#[derive(Debug, thiserror::Error)]
pub enum JoinError {
    #[error(
        "node {node} reads other watchlists than the nodes running on this database ({other}, seen {ago} s ago): their catalogue hash is {theirs}, this node's {mine}; every node must read the same watchlist files"
    )]
    OtherWatchlists {
        node: String,
        other: String,
        ago: i64,
        theirs: String,
        mine: String,
    },
    #[error(transparent)]
    Pg(#[from] PgError),
}

/// The advisory lock under which nodes join, so two cannot both be first.
const JOIN_LOCK: i64 = 0x0076_6967_6a6e;

/// The hash of a node's watchlists: each file's name and bytes, in name order (hex
/// SHA-256). Two nodes with the same files have the same hash.
pub fn catalogue_hash(files: &mut [(String, Vec<u8>)]) -> String {
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    for (name, bytes) in files.iter() {
        ctx.update(&(name.len() as u64).to_le_bytes());
        ctx.update(name.as_bytes());
        ctx.update(&(bytes.len() as u64).to_le_bytes());
        ctx.update(bytes);
    }
    ctx.finish()
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Registers `node` with its watchlists' hash. Refused while another node seen within
/// `alive` seconds runs with other watchlists; once they have all stopped, the new hash
/// is the database's (watchlists are changed by stopping every node, or one at a time only
/// when the hash does not change).
pub async fn join(
    client: &mut tokio_postgres::Client,
    node: &str,
    catalogue: &str,
    now: i64,
    alive: i64,
) -> Result<(), JoinError> {
    let tx = client.transaction().await.map_err(sql("joining"))?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&JOIN_LOCK])
        .await
        .map_err(sql("waiting for the join lock"))?;
    let others = tx
        .query(
            "SELECT id, catalogue_hash, seen_at FROM nodes
             WHERE id <> $1 AND seen_at >= $2 AND catalogue_hash <> $3
             ORDER BY seen_at DESC LIMIT 1",
            &[&node, &(now - alive), &catalogue],
        )
        .await
        .map_err(sql("reading the running nodes"))?;
    if let Some(other) = others.first() {
        let theirs: String = other.get(1);
        let seen: i64 = other.get(2);
        return Err(JoinError::OtherWatchlists {
            node: node.to_string(),
            other: other.get(0),
            ago: now - seen,
            theirs: theirs.chars().take(12).collect(),
            mine: catalogue.chars().take(12).collect(),
        });
    }
    tx.execute(
        "INSERT INTO nodes (id, catalogue_hash, started_at, seen_at) VALUES ($1, $2, $3, $3)
         ON CONFLICT (id) DO UPDATE SET catalogue_hash = $2, started_at = $3, seen_at = $3",
        &[&node, &catalogue, &now],
    )
    .await
    .map_err(sql("registering the node"))?;
    tx.commit().await.map_err(sql("joining"))?;
    Ok(())
}

/// Says the node is alive.
pub async fn heartbeat(client: &impl GenericClient, node: &str, now: i64) -> Result<(), PgError> {
    client
        .execute(
            "UPDATE nodes SET seen_at = $2 WHERE id = $1",
            &[&node, &now],
        )
        .await
        .map_err(sql("the node's heartbeat"))?;
    Ok(())
}

/// Leases up to `limit` due sources (their check time passed, no live lease) to `node`
/// until `now + lease`, the most overdue first. Sources another node is leasing at this
/// moment are skipped, not waited for.
pub async fn claim_sources(
    client: &impl GenericClient,
    node: &str,
    now: i64,
    lease: i64,
    limit: i64,
) -> Result<Vec<ClaimedSource>, PgError> {
    let rows = client
        .query(
            "UPDATE sources s SET lease_node = $1, lease_until = $2 + $3
             FROM (SELECT id FROM sources
                   WHERE planned AND next_check_at <= $2
                     AND (lease_until IS NULL OR lease_until <= $2)
                   ORDER BY next_check_at, id
                   LIMIT $4
                   FOR UPDATE SKIP LOCKED) due
             WHERE s.id = due.id
             RETURNING s.id, s.url",
            &[&node, &now, &lease, &limit],
        )
        .await
        .map_err(sql("leasing due sources"))?;
    Ok(rows
        .iter()
        .map(|r| ClaimedSource {
            id: r.get(0),
            url: r.get(1),
        })
        .collect())
}

/// When the next planned source comes due (or its lease ends), if any is planned.
pub async fn next_due(client: &impl GenericClient) -> Result<Option<i64>, PgError> {
    let row = client
        .query_one(
            // Two index reads, not a scan of every source: the earliest unleased source,
            // and the earliest end of a lease (a leased source is due again then at the
            // earliest).
            "SELECT least(
                 (SELECT next_check_at FROM sources WHERE planned AND lease_until IS NULL
                  ORDER BY next_check_at LIMIT 1),
                 (SELECT min(lease_until) FROM sources WHERE lease_until IS NOT NULL))",
            &[],
        )
        .await
        .map_err(sql("reading when the next source is due"))?;
    Ok(row.get(0))
}

/// Ends `node`'s lease on a polled source: its next check, who polled it. False, and
/// nothing changed, when the lease had passed to another node (this one was too slow):
/// the caller then drops its poll rather than store it twice.
pub async fn finish_source(
    client: &impl GenericClient,
    node: &str,
    id: i64,
    now: i64,
    next_check_at: i64,
) -> Result<bool, PgError> {
    let n = client
        .execute(
            "UPDATE sources SET next_check_at = $4, last_checked_at = $3, polled_by = $1,
                    lease_node = NULL, lease_until = NULL
             WHERE id = $2 AND lease_node = $1",
            &[&node, &id, &now, &next_check_at],
        )
        .await
        .map_err(sql("ending a source's lease"))?;
    Ok(n == 1)
}

/// Leases up to `limit` pending emails that are due to `node`, alerts first.
pub async fn claim_emails(
    client: &impl GenericClient,
    node: &str,
    now: i64,
    lease: i64,
    limit: i64,
) -> Result<Vec<ClaimedEmail>, PgError> {
    let rows = client
        .query(
            "UPDATE outbox o SET lease_node = $1, lease_until = $2 + $3
             FROM (SELECT id FROM outbox
                   WHERE state = 'pending' AND next_attempt_at <= $2
                     AND (lease_until IS NULL OR lease_until <= $2)
                   ORDER BY priority, next_attempt_at, id
                   LIMIT $4
                   FOR UPDATE SKIP LOCKED) due
             WHERE o.id = due.id
             RETURNING o.id, o.recipient, o.message",
            &[&node, &now, &lease, &limit],
        )
        .await
        .map_err(sql("leasing due emails"))?;
    Ok(rows
        .iter()
        .map(|r| ClaimedEmail {
            id: r.get(0),
            recipient: r.get(1),
            message: r.get(2),
        })
        .collect())
}

/// Records an email `node` sent. False when its lease had passed to another node.
pub async fn email_sent(
    client: &impl GenericClient,
    node: &str,
    id: i64,
    now: i64,
) -> Result<bool, PgError> {
    let n = client
        .execute(
            "UPDATE outbox SET state = 'sent', sent_at = $3, attempts = attempts + 1,
                    lease_node = NULL, lease_until = NULL
             WHERE id = $2 AND lease_node = $1 AND state = 'pending'",
            &[&node, &id, &now],
        )
        .await
        .map_err(sql("recording a sent email"))?;
    Ok(n == 1)
}

/// Takes a watchlist's digest period for this transaction's node: true for the one node
/// that records it first, false for any other (which then queues no email). The row is
/// the same `digests` row SQLite keeps, keyed by (watchlist, period end).
pub async fn take_digest_period(
    client: &impl GenericClient,
    watchlist: &str,
    period_start: i64,
    period_end: i64,
    now: i64,
) -> Result<bool, PgError> {
    let n = client
        .execute(
            "INSERT INTO digests (watchlist, period_start, period_end, created_at, emails)
             VALUES ($1, $2, $3, $4, 0) ON CONFLICT DO NOTHING",
            &[&watchlist, &period_start, &period_end, &now],
        )
        .await
        .map_err(sql("taking a digest period"))?;
    Ok(n == 1)
}

/// Serializes alert decisions about `brand` across nodes until the transaction ends.
pub async fn lock_brand(tx: &tokio_postgres::Transaction<'_>, brand: &str) -> Result<(), PgError> {
    tx.execute(
        "SELECT pg_advisory_xact_lock(hashtextextended('vigie.alerts:' || $1, 0))",
        &[&brand],
    )
    .await
    .map_err(sql("waiting for the brand's alert lock"))?;
    Ok(())
}
