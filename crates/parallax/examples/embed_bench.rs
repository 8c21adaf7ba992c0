//! Embedding throughput of the ingestion input (title + lead) on an evaluation set, and an
//! embedding cache of it for `parallax eval cluster --embeddings` (to measure what a shorter lead
//! costs in clustering quality).
//!
//! ```text
//! cargo run --release -p parallax --example embed_bench -- [--words N] [--max-tokens N] [--batch N] [--limit N] [--out CACHE] SET.jsonl
//! ```
//!
//! Defaults: the ingestion defaults (`parallax_ingest::LEAD_WORDS` words, 80 tokens, batch 16),
//! the default model directory. Prints documents, tokens per document, wall and CPU seconds and
//! documents per second. The whole set is passed to the embedder in jobs of
//! `parallax_ingest::EMBED_JOB_DOCS` documents, as ingestion does.

use parallax_embed::{EmbedOptions, Embedder, PASSAGE_PREFIX, cache, default_model_dir};
use std::path::PathBuf;
use std::time::Instant;

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}

/// CPU seconds (user + system, all threads) of this process so far.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which may hold spaces) start after the last ')'.
    let rest = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|x| x.parse::<f64>().ok()).unwrap_or(0.0);
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name and state.
    (ticks(11) + ticks(12)) / 100.0
}

fn run() -> anyhow::Result<()> {
    let mut words = parallax_ingest::LEAD_WORDS;
    // As ingestion: `DEFAULT_MAX_TOKENS` (80) in src/embedding.rs, batches of 16.
    let mut options = EmbedOptions {
        max_tokens: 80,
        ..EmbedOptions::default()
    };
    let mut limit = usize::MAX;
    let mut out: Option<PathBuf> = None;
    let mut model_dir = default_model_dir();
    let mut set: Option<PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || {
            args.next()
                .ok_or_else(|| anyhow::anyhow!("{a} needs a value"))
        };
        match a.as_str() {
            "--words" => words = value()?.parse()?,
            "--max-tokens" => options.max_tokens = value()?.parse()?,
            "--batch" => options.batch_size = value()?.parse()?,
            "--limit" => limit = value()?.parse()?,
            "--out" => out = Some(PathBuf::from(value()?)),
            "--model-dir" => model_dir = PathBuf::from(value()?),
            _ => set = Some(PathBuf::from(a)),
        }
    }
    let set = set.ok_or_else(|| anyhow::anyhow!("usage: embed_bench [options] SET.jsonl"))?;
    let mut docs = parallax_eval::cluster::load(&set)?;
    docs.truncate(limit);
    let inputs: Vec<String> = docs
        .iter()
        .map(|d| {
            let lead: Vec<&str> = d.doc.text.split_whitespace().take(words).collect();
            format!("{}\n{}", d.doc.title.trim(), lead.join(" "))
        })
        .collect();
    let t = Instant::now();
    let embedder = Embedder::load_with(&model_dir, options)?;
    eprintln!(
        "loaded {} in {:.2} s",
        model_dir.display(),
        t.elapsed().as_secs_f64()
    );
    let mut tokens = 0usize;
    for text in &inputs {
        tokens += embedder.token_count(&format!("{PASSAGE_PREFIX}{text}"))?;
    }
    let (cpu0, t) = (cpu_seconds(), Instant::now());
    let mut vectors = Vec::with_capacity(inputs.len());
    for job in inputs.chunks(parallax_ingest::EMBED_JOB_DOCS) {
        let refs: Vec<&str> = job.iter().map(String::as_str).collect();
        vectors.extend(embedder.embed_passages(&refs)?);
    }
    let (secs, cpu) = (t.elapsed().as_secs_f64(), cpu_seconds() - cpu0);
    let n = inputs.len().max(1) as f64;
    println!(
        "{}: {} docs, title + {words} words, max {} tokens ({:.1} tokens/doc), batch {}: {secs:.1} s wall, {cpu:.1} s CPU, {:.1} docs/s, {:.3} CPU s/doc",
        set.display(),
        inputs.len(),
        embedder.options().max_tokens,
        tokens as f64 / n,
        embedder.options().batch_size,
        n / secs,
        cpu / n
    );
    if let Some(path) = out {
        let ids: Vec<String> = docs.iter().map(|d| d.doc.id.to_string()).collect();
        let description = format!(
            "intfloat/multilingual-e5-small; \"passage: \" + title + \"\\n\" + first {words} words of text; max {} tokens; mean-pooled, L2-normalised",
            embedder.options().max_tokens
        );
        cache::write(&path, &description, &ids, &vectors)?;
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}
