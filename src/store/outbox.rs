//! The outbox: every email (alerts, digests, tests) and every chat message (recipient
//! `channel:KEY`, the message its JSON) is a row written in the same transaction as what it
//! tells of, with a stable id (a second copy is refused), then taken by its sender under a
//! lease, and marked sent, retried later, or dead.

use std::time::Duration;

use jiff::Timestamp;
use rusqlite::{OptionalExtension, Transaction, params};

use super::{Result, Sqlite, opt_ts};

/// An email to queue.
#[derive(Debug, Clone, PartialEq)]
pub struct Outgoing {
    /// `alert`, `escalation`, `all_clear`, `test`.
    pub purpose: &'static str,
    pub recipient: String,
    pub message_id: String,
    pub subject: String,
    /// The whole message, CRLF line ends.
    pub message: Vec<u8>,
}

impl Outgoing {
    /// Alerts before digests; all of an alert's emails alike.
    pub(super) fn priority(&self) -> i64 {
        match self.purpose {
            "alert" | "escalation" | "all_clear" => 0,
            "digest" => 1,
            _ => 2,
        }
    }
}

/// A queued email, for the sender.
#[derive(Debug, Clone, PartialEq)]
pub struct QueuedEmail {
    pub id: i64,
    pub recipient: String,
    pub message_id: String,
    pub subject: String,
    pub message: Vec<u8>,
    pub attempts: u32,
}

/// What became of one sending attempt.
#[derive(Debug, Clone, Copy)]
pub enum EmailResult<'a> {
    Sent,
    Retry { at: Timestamp, error: &'a str },
    Dead { error: &'a str },
}

pub(super) fn enqueue(
    tx: &Transaction<'_>,
    alert: Option<i64>,
    e: &Outgoing,
    now: Timestamp,
) -> rusqlite::Result<usize> {
    tx.execute(
        "INSERT INTO outbox (alert_id, purpose, priority, recipient, message_id, subject, message,
             created_at, state, next_attempt_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'pending', ?8)
         ON CONFLICT (message_id) DO NOTHING",
        params![
            alert,
            e.purpose,
            e.priority(),
            e.recipient,
            e.message_id,
            e.subject,
            e.message,
            now.as_second()
        ],
    )
}

impl Sqlite {
    /// Queues an email that belongs to no alert (a test message).
    pub fn enqueue_email(&mut self, e: &Outgoing, now: Timestamp) -> Result<()> {
        let run = |c: &mut rusqlite::Connection| -> rusqlite::Result<()> {
            let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            enqueue(&tx, None, e, now)?;
            tx.commit()
        };
        run(&mut self.conn).map_err(|e| self.err(e))
    }

    /// Takes the next email due at `now` (alerts first, then oldest first) for sending: it is
    /// not due again for `lease`, which the sender makes longer than any send can take, so
    /// a second process (`vigie poll` beside the daemon) does not send it too. A sender that
    /// dies mid-send leaves it due again then.
    pub fn next_email(&mut self, now: Timestamp, lease: Duration) -> Result<Option<QueuedEmail>> {
        self.next_message(now, lease, false)
    }

    /// Like [`Store::next_email`], for the chat channels' messages (recipient
    /// `channel:KEY`), which leave by their own way.
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
        let run = |c: &mut rusqlite::Connection| -> rusqlite::Result<Option<QueuedEmail>> {
            let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let next = tx
                .query_row(
                    "SELECT id, recipient, message_id, subject, message, attempts FROM outbox
                     WHERE state = 'pending' AND next_attempt_at <= ?1
                       AND (recipient LIKE 'channel:%') = ?2
                     ORDER BY priority, id LIMIT 1",
                    params![now.as_second(), channel],
                    |r| {
                        Ok(QueuedEmail {
                            id: r.get(0)?,
                            recipient: r.get(1)?,
                            message_id: r.get(2)?,
                            subject: r.get(3)?,
                            message: r.get(4)?,
                            attempts: r.get(5)?,
                        })
                    },
                )
                .optional()?;
            if let Some(m) = &next {
                tx.execute(
                    "UPDATE outbox SET next_attempt_at = ?2 WHERE id = ?1",
                    params![m.id, (now + lease).as_second()],
                )?;
            }
            tx.commit()?;
            Ok(next)
        };
        run(&mut self.conn).map_err(|e| self.err(e))
    }

    /// When the next pending email is due, if any is pending.
    pub fn next_email_due(&self) -> Result<Option<Timestamp>> {
        self.conn
            .query_row(
                "SELECT min(next_attempt_at) FROM outbox WHERE state = 'pending'",
                [],
                |r| r.get::<_, Option<i64>>(0),
            )
            .map(opt_ts)
            .map_err(|e| self.err(e))
    }

    /// Records an email's fate: sent, retry at `retry_at`, or dead.
    pub fn email_result(&mut self, id: i64, now: Timestamp, result: EmailResult<'_>) -> Result<()> {
        let n = now.as_second();
        let r = match result {
            EmailResult::Sent => self.conn.execute(
                "UPDATE outbox SET state = 'sent', sent_at = ?2, attempts = attempts + 1 WHERE id = ?1",
                params![id, n],
            ),
            EmailResult::Retry { at, error } => self.conn.execute(
                "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?2, last_error = ?3
                 WHERE id = ?1",
                params![id, at.as_second(), error],
            ),
            EmailResult::Dead { error } => self.conn.execute(
                "UPDATE outbox SET state = 'dead', attempts = attempts + 1, last_error = ?2,
                     dead_at = ?3
                 WHERE id = ?1",
                params![id, error, n],
            ),
        };
        r.map(|_| ()).map_err(|e| self.err(e))
    }

    /// Puts a taken message back in the queue until `at` without counting an attempt (its
    /// channel failed on another message a moment ago).
    pub fn postpone(&mut self, id: i64, at: Timestamp, why: &str) -> Result<()> {
        self.conn
            .execute(
                "UPDATE outbox SET next_attempt_at = ?2, last_error = coalesce(last_error, ?3)
                 WHERE id = ?1",
                params![id, at.as_second(), why],
            )
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    /// Chat messages by channel key: (key, pending, sent, dead), by key.
    pub fn channel_counts(&self) -> Result<Vec<(String, u64, u64, u64)>> {
        let run = || -> rusqlite::Result<Vec<(String, u64, u64, u64)>> {
            let mut stmt = self.conn.prepare_cached(
                "SELECT substr(recipient, 9), count(*) FILTER (WHERE state = 'pending'),
                        count(*) FILTER (WHERE state = 'sent'), count(*) FILTER (WHERE state = 'dead')
                 FROM outbox WHERE recipient LIKE 'channel:%' GROUP BY recipient ORDER BY recipient",
            )?;
            stmt.query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get::<_, i64>(1)?.max(0) as u64,
                    r.get::<_, i64>(2)?.max(0) as u64,
                    r.get::<_, i64>(3)?.max(0) as u64,
                ))
            })?
            .collect()
        };
        run().map_err(|e| self.err(e))
    }

    /// Emails and chat messages by state: (pending, sent, dead).
    pub fn outbox_counts(&self) -> Result<(u64, u64, u64)> {
        self.conn
            .query_row(
                "SELECT count(*) FILTER (WHERE state = 'pending'), count(*) FILTER (WHERE state = 'sent'),
                        count(*) FILTER (WHERE state = 'dead') FROM outbox",
                [],
                |r| Ok((r.get::<_, i64>(0)? as u64, r.get::<_, i64>(1)? as u64, r.get::<_, i64>(2)? as u64)),
            )
            .map_err(|e| self.err(e))
    }
}
