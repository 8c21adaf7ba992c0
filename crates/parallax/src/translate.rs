//! `parallax translate` and the translation worker of `parallax run` / `parallax crawl`: wiring
//! only; the work is `parallax_translate`'s.

use crate::cli::Format;
use crate::config::Config;
use anyhow::{Context, Result};
use parallax_core::Store;
use parallax_translate::{
    PassOptions, TranslateWorker, WorkerOptions, failure_message, problem_origin, translate_pass,
};
use std::process::ExitCode;
use std::sync::Arc;

/// `parallax translate [--limit N]`: one pass over the recent stories, now. Exit code 1 when the
/// backend failed (the failure is recorded on the problems list too), 2 when translation is not
/// configured.
pub fn translate_once(
    store: Arc<dyn Store>,
    config: &Config,
    limit: Option<usize>,
    format: Format,
) -> Result<ExitCode> {
    let Some(settings) = config.translate_settings()? else {
        anyhow::bail!(
            "translation is not configured: add a [translate] section to {} (see README.md, \"Translation\")",
            crate::config::DEFAULT_CONFIG
        );
    };
    let translator = settings
        .translator()
        .map_err(|e| anyhow::anyhow!("[translate]: {}", e.user_message()))?;
    let mut options = PassOptions::from_settings(&settings);
    if let Some(n) = limit {
        options.max_texts = n;
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let report = rt.block_on(async {
        tokio::select! {
            r = translate_pass(store.as_ref(), translator.as_ref(), &options) => Some(r),
            _ = tokio::signal::ctrl_c() => None,
        }
    });
    let Some(report) = report else {
        println!("Interrupted: the translations made so far are kept.");
        return Ok(ExitCode::from(130));
    };
    let report = report?;
    let origin = problem_origin(translator.as_ref());
    for (lang, e) in &report.refused {
        store.record_problem(
            &origin,
            &format!(
                "texts in language {lang:?} are not translated: {}",
                e.user_message()
            ),
        )?;
    }
    if let Some(e) = &report.failure {
        store.record_problem(&origin, &failure_message(e, None))?;
    }
    match format {
        Format::Json => {
            let json = serde_json::json!({
                "backend": translator.backend(),
                "model": translator.model(),
                "endpoint": translator.endpoint(),
                "target": options.target,
                "stories": report.stories,
                "foreign_texts": report.wanted,
                "already_cached": report.cached,
                "translated": report.translated,
                "requests": report.requests,
                "left": report.left,
                "refused": report.refused.iter().map(|(l, e)| serde_json::json!({"language": l, "message": e.user_message()})).collect::<Vec<_>>(),
                "failure": report.failure.as_ref().map(|e| e.user_message()),
            });
            println!("{}", serde_json::to_string_pretty(&json)?);
        }
        Format::Table => {
            println!(
                "Translated {} text{} into {} with {} ({} request{}); {} of {} foreign-language titles and sentences in {} stor{} were already cached{}.",
                report.translated,
                if report.translated == 1 { "" } else { "s" },
                options.target,
                translator.backend(),
                report.requests,
                if report.requests == 1 { "" } else { "s" },
                report.cached,
                report.wanted,
                report.stories,
                if report.stories == 1 { "y" } else { "ies" },
                if report.left > 0 {
                    format!("; {} left for the next pass", report.left)
                } else {
                    String::new()
                }
            );
            for (lang, e) in &report.refused {
                println!("  refused for {lang}: {}", e.user_message());
            }
            if let Some(e) = &report.failure {
                println!("  failed: {}", e.user_message());
            }
        }
    }
    Ok(if report.failure.is_some() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The background translation worker of `parallax run` / `parallax crawl`, when `[translate]`
/// is configured. A section that cannot work is reported and translation stays off: crawling
/// goes on either way.
pub fn start_worker(store: Arc<dyn Store>, config: &Config) -> Option<TranslateWorker> {
    let settings = match config.translate_settings() {
        Ok(Some(s)) => s,
        Ok(None) => return None,
        Err(e) => {
            eprintln!("warning: translation is off: {e:#}");
            return None;
        }
    };
    let translator = match settings.translator() {
        Ok(t) => t,
        Err(e) => {
            eprintln!("warning: translation is off: {}", e.user_message());
            return None;
        }
    };
    let what = format!(
        "Translating titles and summary sentences into {} with {} at {} (every {} s; failures show on /problems).",
        settings.target,
        translator.backend(),
        translator.endpoint(),
        settings.interval.as_secs()
    );
    match TranslateWorker::spawn(store, translator, WorkerOptions::from_settings(&settings)) {
        Ok(w) => {
            println!("{what}");
            Some(w)
        }
        Err(e) => {
            eprintln!("warning: translation is off: cannot start its thread: {e}");
            None
        }
    }
}

/// What `parallax doctor` and `/status` say about translation.
pub fn status(config: &Config) -> (bool, String) {
    match config.translate_settings() {
        Ok(None) => (false, "translation: not configured".to_string()),
        Ok(Some(s)) => (
            true,
            format!(
                "translation: {} at {} into {} ({} requests/min, batches of {}, {} texts per pass{})",
                s.backend.name(),
                s.shown_url(),
                s.target,
                s.requests_per_minute,
                s.batch_size,
                s.max_per_pass,
                if s.api_key.is_some() {
                    ", key set"
                } else {
                    ", no key"
                }
            ),
        ),
        Err(e) => (false, format!("translation: off: {e:#}")),
    }
}
