//! The job queue of the workers (issue 13, point 3): crawl, fetch, extract and embed jobs leased
//! from PostgreSQL, so that any number of worker processes on any number of machines share the
//! work and a worker that dies loses nothing.
//!
//! - [`PgStore::enqueue`] adds a job of a kind for a key (a feed URL, an article URL) unless one
//!   for the same kind and key is open (pending or leased).
//! - [`PgStore::lease`] hands a worker up to `n` due jobs of a kind for a while, picked with
//!   `FOR UPDATE SKIP LOCKED`: concurrent workers get disjoint jobs, and never wait for each
//!   other. A job whose lease ran out (its worker died or hung) is due again; every lease counts
//!   as an attempt.
//! - [`PgStore::complete`] and [`PgStore::fail`] end a job; only the worker holding the lease
//!   can (a worker whose lease was taken over learns it from `false`). A failed job is retried at
//!   the given time, until [`MAX_ATTEMPTS`] leases; then it is dead, with its last error kept.

use crate::{PgStore, backend, count};
use chrono::{DateTime, Utc};
use parallax_core::{Error, Result};
use std::time::Duration;

/// Leases a job gets before it is left dead.
pub const MAX_ATTEMPTS: u32 = 5;

/// A job a worker holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Job {
    /// Its id, for [`PgStore::complete`] and [`PgStore::fail`].
    pub id: i64,
    /// What to do ("crawl", "fetch", ...).
    pub kind: String,
    /// What to do it on (a feed URL, an article URL): one open job per kind and key.
    pub key: String,
    /// What else the worker needs, as the enqueuer wrote it.
    pub payload: String,
    /// Leases so far, this one included.
    pub attempts: u32,
}

/// How a job ended, as [`PgStore::job_state`] reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobState {
    /// "pending", "leased", "done" or "dead".
    pub state: String,
    /// Leases so far.
    pub attempts: u32,
    /// The last failure's message.
    pub last_error: Option<String>,
}

/// The attempts column `idx` of job `id`'s row.
fn attempts(r: &postgres::Row, idx: usize, id: i64) -> Result<u32> {
    let n: i32 = r.try_get(idx).map_err(backend)?;
    count(i64::from(n), &format!("job {id}: attempts"))
}

impl PgStore {
    /// Adds a job of `kind` for `key`, due from `not_before`; `false` (and nothing changes) when
    /// one for the same kind and key is pending or leased.
    pub fn enqueue(
        &self,
        kind: &str,
        key: &str,
        payload: &str,
        not_before: DateTime<Utc>,
    ) -> Result<bool> {
        self.tx(|tx| {
            let n = tx
                .execute(
                    "INSERT INTO jobs (kind, key, payload, state, not_before, updated_at) \
                     VALUES ($1, $2, $3, 'pending', $4, now()) \
                     ON CONFLICT (kind, key) WHERE state IN ('pending', 'leased') DO NOTHING",
                    &[&kind, &key, &payload, &not_before],
                )
                .map_err(backend)?;
            Ok(n == 1)
        })
    }

    /// Leases to `worker` up to `n` jobs of `kind` due at `now` (pending from their time on, or
    /// leased until before `now`), oldest first, for `lease`; each lease is one more attempt.
    /// Jobs other workers are leasing at this moment are skipped, never waited for.
    pub fn lease(
        &self,
        kind: &str,
        worker: &str,
        n: usize,
        lease: Duration,
        now: DateTime<Utc>,
    ) -> Result<Vec<Job>> {
        let until = now
            + chrono::Duration::from_std(lease)
                .map_err(|_| Error::Invalid(format!("a lease of {lease:?} is too long")))?;
        let limit = i64::try_from(n).unwrap_or(i64::MAX);
        let max = MAX_ATTEMPTS as i32;
        self.tx(|tx| {
            let rows = tx
                .query(
                    "UPDATE jobs SET state = 'leased', leased_by = $2, lease_until = $3, \
                     attempts = attempts + 1, updated_at = now() \
                     WHERE id IN (SELECT id FROM jobs WHERE kind = $1 AND attempts < $6 AND \
                       ((state = 'pending' AND not_before <= $4) \
                        OR (state = 'leased' AND lease_until < $4)) \
                       ORDER BY not_before, id LIMIT $5 FOR UPDATE SKIP LOCKED) \
                     RETURNING id, kind, key, payload, attempts",
                    &[&kind, &worker, &until, &now, &limit, &max],
                )
                .map_err(backend)?;
            let mut jobs = rows
                .iter()
                .map(|r| {
                    let id: i64 = r.try_get(0).map_err(backend)?;
                    Ok(Job {
                        kind: r.try_get(1).map_err(backend)?,
                        key: r.try_get(2).map_err(backend)?,
                        payload: r.try_get(3).map_err(backend)?,
                        attempts: attempts(r, 4, id)?,
                        id,
                    })
                })
                .collect::<Result<Vec<Job>>>()?;
            // A job leased out for the last time and not finished is dead at its next lease.
            tx.execute(
                "UPDATE jobs SET state = 'dead', updated_at = now(), \
                 last_error = coalesce(last_error, 'its worker stopped before finishing it') \
                 WHERE kind = $1 AND state = 'leased' AND lease_until < $2 AND attempts >= $3",
                &[&kind, &now, &max],
            )
            .map_err(backend)?;
            jobs.sort_by_key(|j| j.id);
            Ok(jobs)
        })
    }

    /// Ends the job `id` as done; `false` when `worker` no longer holds its lease.
    pub fn complete(&self, id: i64, worker: &str) -> Result<bool> {
        self.tx(|tx| {
            let n = tx
                .execute(
                    "UPDATE jobs SET state = 'done', updated_at = now(), lease_until = NULL \
                     WHERE id = $1 AND state = 'leased' AND leased_by = $2",
                    &[&id, &worker],
                )
                .map_err(backend)?;
            Ok(n == 1)
        })
    }

    /// Ends the lease of job `id` with `error`: due again at `retry_at`, or dead after
    /// [`MAX_ATTEMPTS`] leases; `false` when `worker` no longer holds its lease.
    pub fn fail(
        &self,
        id: i64,
        worker: &str,
        error: &str,
        retry_at: DateTime<Utc>,
    ) -> Result<bool> {
        let max = MAX_ATTEMPTS as i32;
        self.tx(|tx| {
            let n = tx
                .execute(
                    "UPDATE jobs SET state = CASE WHEN attempts >= $5 THEN 'dead' ELSE 'pending' END, \
                     not_before = $4, last_error = $3, leased_by = NULL, lease_until = NULL, \
                     updated_at = now() \
                     WHERE id = $1 AND state = 'leased' AND leased_by = $2",
                    &[&id, &worker, &error, &retry_at, &max],
                )
                .map_err(backend)?;
            Ok(n == 1)
        })
    }

    /// The state of job `id`; `None` when there is none.
    pub fn job_state(&self, id: i64) -> Result<Option<JobState>> {
        self.tx(|tx| {
            let row = tx
                .query_opt(
                    "SELECT state, attempts, last_error FROM jobs WHERE id = $1",
                    &[&id],
                )
                .map_err(backend)?;
            row.map(|r| {
                Ok(JobState {
                    state: r.try_get(0).map_err(backend)?,
                    attempts: attempts(&r, 1, id)?,
                    last_error: r.try_get(2).map_err(backend)?,
                })
            })
            .transpose()
        })
    }
}
