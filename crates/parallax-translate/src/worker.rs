//! The background worker: translation passes on their own thread, so that a slow or failing
//! backend never holds up crawling or ingestion.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use parallax_core::Store;
use tokio::sync::{Notify, watch};

use crate::{PassOptions, PassReport, Settings, TranslateError, Translator, translate_pass};

/// How the worker paces its passes.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkerOptions {
    /// What each pass does (`since` is managed by the worker).
    pub pass: PassOptions,
    /// The time between two passes (a [`TranslateWorker::nudge`] starts one sooner).
    pub interval: Duration,
    /// The longest pause after repeated failures; the pause doubles with each failure.
    pub max_backoff: Duration,
    /// The wait before the first pass.
    pub first_delay: Duration,
}

impl WorkerOptions {
    /// The worker these settings describe.
    pub fn from_settings(settings: &Settings) -> Self {
        WorkerOptions {
            pass: PassOptions::from_settings(settings),
            interval: settings.interval,
            max_backoff: settings.max_backoff.max(settings.interval),
            first_delay: Duration::from_secs(1),
        }
    }
}

/// Where a translation problem is recorded (`Store::record_problem`'s origin): the backend and
/// its endpoint, never the key.
pub fn problem_origin(translator: &dyn Translator) -> String {
    format!(
        "translation: {} at {}",
        translator.backend(),
        translator.endpoint()
    )
}

/// "45 s", "3 min", "2 h".
fn human(d: Duration) -> String {
    let s = d.as_secs();
    if s < 120 {
        format!("{} s", s.max(1))
    } else if s < 2 * 3600 {
        format!("{} min", s.div_ceil(60))
    } else {
        format!("{} h", s / 3600)
    }
}

/// The message recorded when the backend fails: what happened and what happens next.
pub fn failure_message(error: &TranslateError, retry_in: Option<Duration>) -> String {
    let next = match retry_in {
        Some(d) => format!("translation pauses and tries again in {}", human(d)),
        None => "translation stops until the next pass".to_string(),
    };
    format!(
        "{}. {next}; crawling and imports go on, and pages show the originals.",
        error.user_message().trim_end_matches('.')
    )
}

/// A thread that runs [`translate_pass`] every [`WorkerOptions::interval`] (and soon after a
/// [`TranslateWorker::nudge`]), with its own small async runtime: a slow backend delays only
/// translations.
///
/// When the backend fails, the pass gives up, and the next one waits twice as long each time (up
/// to [`WorkerOptions::max_backoff`]); the failure is recorded as a problem (shown by `/problems`
/// and `parallax problems`) on the 1st, 2nd, 4th, 8th... failure in a row, so a long outage does
/// not flood the list. A language the server refuses is recorded once.
pub struct TranslateWorker {
    stop: watch::Sender<bool>,
    nudge: Arc<Notify>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl std::fmt::Debug for TranslateWorker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TranslateWorker").finish_non_exhaustive()
    }
}

impl TranslateWorker {
    /// Starts the thread.
    pub fn spawn(
        store: Arc<dyn Store>,
        translator: Arc<dyn Translator>,
        options: WorkerOptions,
    ) -> std::io::Result<Self> {
        let (stop, stop_rx) = watch::channel(false);
        let nudge = Arc::new(Notify::new());
        let nudged = nudge.clone();
        let thread = std::thread::Builder::new()
            .name("parallax-translate".to_string())
            .spawn(move || {
                let rt = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => {
                        tracing::error!("cannot start the translation runtime: {e}");
                        return;
                    }
                };
                rt.block_on(run(store, translator, options, stop_rx, nudged));
            })?;
        Ok(TranslateWorker {
            stop,
            nudge,
            thread: Some(thread),
        })
    }

    /// Asks for a pass soon (new stories came in). Ignored while the worker backs off after a
    /// failure.
    pub fn nudge(&self) {
        self.nudge.notify_one();
    }

    /// Stops the worker: a pass in progress is dropped at its next wait (what it cached is
    /// kept), and the thread is joined.
    pub fn shutdown(mut self) {
        let _ = self.stop.send(true);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for TranslateWorker {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

struct State {
    failures: u32,
    since: Option<DateTime<Utc>>,
    refused_reported: HashSet<String>,
}

async fn run(
    store: Arc<dyn Store>,
    translator: Arc<dyn Translator>,
    options: WorkerOptions,
    mut stop: watch::Receiver<bool>,
    nudge: Arc<Notify>,
) {
    let mut state = State {
        failures: 0,
        since: None,
        refused_reported: HashSet::new(),
    };
    let mut wait = options.first_delay;
    loop {
        let nudgeable = state.failures == 0;
        tokio::select! {
            _ = stop.changed() => return,
            () = nudge.notified(), if nudgeable => {}
            () = tokio::time::sleep(wait) => {}
        }
        if *stop.borrow() {
            return;
        }
        let pass = PassOptions {
            since: state.since,
            ..options.pass.clone()
        };
        let result = tokio::select! {
            _ = stop.changed() => return,
            r = translate_pass(store.as_ref(), translator.as_ref(), &pass) => r,
        };
        wait = after_pass(
            &mut state,
            result,
            store.as_ref(),
            translator.as_ref(),
            &options,
        );
    }
}

/// Records what needs recording and returns the wait before the next pass.
fn after_pass(
    state: &mut State,
    result: parallax_core::Result<PassReport>,
    store: &dyn Store,
    translator: &dyn Translator,
    options: &WorkerOptions,
) -> Duration {
    let origin = problem_origin(translator);
    let report = match result {
        Ok(r) => r,
        Err(e) => {
            tracing::error!(error = %e, "the translation pass failed on the store");
            return options.interval;
        }
    };
    for (lang, e) in &report.refused {
        if state.refused_reported.insert(lang.clone()) {
            let message = format!(
                "texts in language {lang:?} are not translated: {}",
                e.user_message()
            );
            if let Err(se) = store.record_problem(&origin, &message) {
                tracing::error!(error = %se, "cannot record a translation problem");
            }
        }
    }
    if let Some(e) = &report.failure {
        state.failures += 1;
        let factor = 2u32.saturating_pow(state.failures.min(16));
        let wait = options
            .interval
            .saturating_mul(factor / 2)
            .min(options.max_backoff)
            .max(e.retry_after().unwrap_or(Duration::ZERO));
        if state.failures.is_power_of_two() {
            let message = failure_message(e, Some(wait));
            tracing::warn!(failures = state.failures, "{message}");
            if let Err(se) = store.record_problem(&origin, &message) {
                tracing::error!(error = %se, "cannot record a translation problem");
            }
        }
        return wait;
    }
    if state.failures > 0 {
        tracing::info!(
            failures = state.failures,
            "the translation backend answers again"
        );
        state.failures = 0;
    }
    if report.translated > 0 {
        tracing::info!(
            translated = report.translated,
            requests = report.requests,
            left = report.left,
            "translation pass cached new translations"
        );
    }
    if report.complete() {
        state.since = state.since.max(report.newest);
        options.interval
    } else {
        // More to do than one pass may take: go on soon (the rate limit sets the pace).
        Duration::from_secs(1).min(options.interval)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failure_messages_say_what_happens_next() {
        let e = TranslateError::Unreachable {
            endpoint: "http://127.0.0.1:9/translate".into(),
            reason: "connection refused".into(),
        };
        let m = failure_message(&e, Some(Duration::from_secs(240)));
        assert!(m.contains("connection refused"), "{m}");
        assert!(m.contains("tries again in 4 min"), "{m}");
        assert!(m.contains("crawling and imports go on"), "{m}");
        assert_eq!(human(Duration::from_millis(10)), "1 s");
        assert_eq!(human(Duration::from_secs(7200)), "2 h");
    }
}
