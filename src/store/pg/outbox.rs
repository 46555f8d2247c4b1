//! The outbox on PostgreSQL: the same rows and states as SQLite's (`store/outbox.rs`). A
//! message is taken with `FOR UPDATE SKIP LOCKED` under a lease (its node and the lease's
//! end, which is also when it is due again), so each is sent by one node; a node whose
//! lease passed to another records nothing but a sending it did.

use std::time::Duration;

use jiff::Timestamp;

use super::conn::Sql;
use super::store::PgStore;
use super::{alerts, sql};
use crate::store::outbox::{EmailResult, Outgoing, QueuedEmail};
use crate::store::{StoreError, opt_ts};

type Result<T> = std::result::Result<T, StoreError>;

impl PgStore {
    pub fn enqueue_email(&mut self, e: &Outgoing, now: Timestamp) -> Result<()> {
        self.run(async |c| alerts::enqueue(&*c, None, e, now).await.map(|_| ()))
    }

    pub fn next_email(&mut self, now: Timestamp, lease: Duration) -> Result<Option<QueuedEmail>> {
        self.next_message(now, lease, false)
    }

    pub fn next_channel_message(
        &mut self,
        now: Timestamp,
        lease: Duration,
    ) -> Result<Option<QueuedEmail>> {
        self.next_message(now, lease, true)
    }

    fn next_message(
        &mut self,
        now: Timestamp,
        lease: Duration,
        channel: bool,
    ) -> Result<Option<QueuedEmail>> {
        let node = self.node.as_str();
        let until = (now + lease).as_second();
        self.run(async |c| {
            let row = c
                .query_opt(
                    "UPDATE outbox o SET next_attempt_at = $3, lease_node = $4, lease_until = $3
                     FROM (SELECT id FROM outbox
                           WHERE state = 'pending' AND next_attempt_at <= $1
                             AND (recipient LIKE 'channel:%') = $2
                           ORDER BY priority, id LIMIT 1
                           FOR UPDATE SKIP LOCKED) next
                     WHERE o.id = next.id
                     RETURNING o.id, o.recipient, o.message_id, o.subject, o.message, o.attempts",
                    &[&now.as_second(), &channel, &until, &node],
                )
                .await
                .map_err(sql("taking the next message to send"))?;
            Ok(row.map(|r| QueuedEmail {
                id: r.get(0),
                recipient: r.get(1),
                message_id: r.get(2),
                subject: r.get(3),
                message: r.get(4),
                attempts: r.get::<_, i64>(5).clamp(0, u32::MAX as i64) as u32,
            }))
        })
    }

    pub fn next_email_due(&self) -> Result<Option<Timestamp>> {
        self.run(async |c| {
            let due: Option<i64> = c
                .query_one(
                    "SELECT min(next_attempt_at) FROM outbox WHERE state = 'pending'",
                    &[],
                )
                .await
                .map_err(sql("reading when the next message is due"))?
                .get(0);
            Ok(opt_ts(due))
        })
    }

    /// As SQLite's; a retry or a death is recorded only while this node holds the message
    /// (a node whose lease passed leaves it to the node that took it over); a sending is
    /// always recorded, as it happened.
    pub fn email_result(&mut self, id: i64, now: Timestamp, result: EmailResult<'_>) -> Result<()> {
        let node = self.node.as_str();
        let n = now.as_second();
        self.run(async |c| {
            match result {
                EmailResult::Sent => {
                    c.execute(
                        "UPDATE outbox SET state = 'sent', sent_at = $2, attempts = attempts + 1,
                             lease_node = NULL, lease_until = NULL
                         WHERE id = $1 AND state = 'pending'",
                        &[&id, &n],
                    )
                    .await
                }
                EmailResult::Retry { at, error } => {
                    c.execute(
                        "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = $2,
                             last_error = $3, lease_node = NULL, lease_until = NULL
                         WHERE id = $1 AND state = 'pending'
                           AND (lease_node IS NULL OR lease_node = $4)",
                        &[&id, &at.as_second(), &error, &node],
                    )
                    .await
                }
                EmailResult::Dead { error } => {
                    c.execute(
                        "UPDATE outbox SET state = 'dead', attempts = attempts + 1,
                             last_error = $2, dead_at = $3, lease_node = NULL, lease_until = NULL
                         WHERE id = $1 AND state = 'pending'
                           AND (lease_node IS NULL OR lease_node = $4)",
                        &[&id, &error, &n, &node],
                    )
                    .await
                }
            }
            .map_err(sql("recording a message's fate"))?;
            Ok(())
        })
    }

    pub fn postpone(&mut self, id: i64, at: Timestamp, why: &str) -> Result<()> {
        let node = self.node.as_str();
        self.run(async |c| {
            c.execute(
                "UPDATE outbox SET next_attempt_at = $2, last_error = coalesce(last_error, $3),
                     lease_node = NULL, lease_until = NULL
                 WHERE id = $1 AND (lease_node IS NULL OR lease_node = $4)",
                &[&id, &at.as_second(), &why, &node],
            )
            .await
            .map_err(sql("postponing a message"))?;
            Ok(())
        })
    }

    pub fn channel_counts(&self) -> Result<Vec<(String, u64, u64, u64)>> {
        self.run(async |c| {
            let rows = c
                .query(
                    "SELECT substr(recipient, 9), count(*) FILTER (WHERE state = 'pending'),
                            count(*) FILTER (WHERE state = 'sent'),
                            count(*) FILTER (WHERE state = 'dead')
                     FROM outbox WHERE recipient LIKE 'channel:%'
                     GROUP BY recipient ORDER BY recipient",
                    &[],
                )
                .await
                .map_err(sql("counting chat messages"))?;
            Ok(rows
                .iter()
                .map(|r| {
                    let n = |i: usize| r.get::<_, i64>(i).max(0) as u64;
                    (r.get(0), n(1), n(2), n(3))
                })
                .collect())
        })
    }

    pub fn outbox_counts(&self) -> Result<(u64, u64, u64)> {
        self.run(async |c| {
            let r = c
                .query_one(
                    "SELECT count(*) FILTER (WHERE state = 'pending'),
                            count(*) FILTER (WHERE state = 'sent'),
                            count(*) FILTER (WHERE state = 'dead') FROM outbox",
                    &[],
                )
                .await
                .map_err(sql("counting the outbox"))?;
            let n = |i: usize| r.get::<_, i64>(i).max(0) as u64;
            Ok((n(0), n(1), n(2)))
        })
    }
}
