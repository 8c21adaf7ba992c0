//! Install, inspect and benchmark the embedding models (what `parallax models` wraps).
//!
//! ```text
//! cargo run --release -p parallax-embed --example models -- install [MODEL] [DIR]
//! cargo run --release -p parallax-embed --example models -- status [MODEL] [DIR]
//! cargo run --release -p parallax-embed --example models -- bench [MODEL] [DIR] [BATCH]
//! ```
//!
//! `MODEL` is `e5` (the default) or `use`; `DIR` defaults to the model's
//! `ModelKind::default_dir()`. `BATCH` is texts per forward pass for e5 (default 16) and tokens
//! per micro-batch for USE (default 1024).

use std::path::{Path, PathBuf};
use std::time::Instant;

use parallax_embed::{
    EmbedOptions, Embedder, ModelKind, UseEmbedder, UseOptions, cosine, install_model, model_status,
};

fn main() {
    let mut args = std::env::args().skip(1).peekable();
    let cmd = args.next().unwrap_or_else(|| "status".into());
    let kind = match args.peek().and_then(|a| a.parse::<ModelKind>().ok()) {
        Some(k) => {
            args.next();
            k
        }
        None => ModelKind::E5Small,
    };
    let dir = args
        .next()
        .map_or_else(|| kind.default_dir(), PathBuf::from);
    let batch = args.next().and_then(|b| b.parse().ok());
    let result = match cmd.as_str() {
        "install" => install_model(kind, &dir, |line| eprintln!("{line}")).map(|r| {
            println!(
                "{} ({})",
                if r.changed { "installed" } else { "up to date" },
                r.model_dir.display()
            );
            print!("{}", model_status(kind, &dir));
        }),
        "status" => {
            print!("{}", model_status(kind, &dir));
            Ok(())
        }
        "bench" if kind == ModelKind::UseMultilingual => bench_use(&dir, batch.unwrap_or(1024)),
        "bench" => bench(&dir, batch.unwrap_or(16)),
        _ => {
            eprintln!("usage: models install|status|bench [e5|use] [DIR] [BATCH]");
            std::process::exit(2);
        }
    };
    if let Err(e) = result {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

/// Resident set size in MiB, from /proc/self/status.
fn rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn bench(dir: &Path, batch_size: usize) -> Result<(), parallax_embed::EmbedError> {
    println!("RSS before load: {:.0} MiB", rss_mib());
    {
        let t = Instant::now();
        let tok = tokenizers::Tokenizer::from_file(dir.join(parallax_embed::TOKENIZER_FILE));
        println!(
            "tokenizer alone: {:.2}s, RSS {:.0} MiB (ok: {})",
            t.elapsed().as_secs_f64(),
            rss_mib(),
            tok.is_ok()
        );
    }
    println!("RSS after dropping it: {:.0} MiB", rss_mib());
    let t = Instant::now();
    let options = EmbedOptions {
        batch_size,
        ..EmbedOptions::default()
    };
    let e = Embedder::load_with(dir, options)?;
    println!(
        "load: {:.2}s, RSS after load: {:.0} MiB",
        t.elapsed().as_secs_f64(),
        rss_mib()
    );
    for (a, b) in PAIRS {
        let v = e.embed_passages(&[a, b])?;
        println!("cos {:.3}  {:.40} | {:.40}", cosine(&v[0], &v[1]), a, b);
    }
    let tokens = e.token_count(&format!("passage: {DOC}"))?;
    let n = 64;
    let docs: Vec<String> = (0..n).map(|i| format!("{DOC} ({i})")).collect();
    let refs: Vec<&str> = docs.iter().map(String::as_str).collect();
    e.embed_passages(&refs[..8])?; // warm-up
    let t = Instant::now();
    e.embed_passages(&refs)?;
    let secs = t.elapsed().as_secs_f64();
    println!(
        "throughput (batch {batch_size}): {n} docs of ~{tokens} tokens in {secs:.2}s = {:.1} docs/s; RSS now {:.0} MiB",
        n as f64 / secs,
        rss_mib()
    );
    Ok(())
}

fn bench_use(dir: &Path, batch_tokens: usize) -> Result<(), parallax_embed::EmbedError> {
    println!("RSS before load: {:.0} MiB", rss_mib());
    let t = Instant::now();
    let options = UseOptions {
        batch_tokens,
        ..UseOptions::default()
    };
    let e = UseEmbedder::load_with(dir, options)?;
    println!(
        "load: {:.2}s, RSS after load: {:.0} MiB",
        t.elapsed().as_secs_f64(),
        rss_mib()
    );
    for (a, b) in PAIRS {
        let v = e.embed(&[a, b])?;
        println!("cos {:.3}  {:.40} | {:.40}", cosine(&v[0], &v[1]), a, b);
    }
    let tokens = e.token_count(DOC);
    let n = 256;
    let docs: Vec<String> = (0..n).map(|i| format!("{DOC} ({i})")).collect();
    let refs: Vec<&str> = docs.iter().map(String::as_str).collect();
    e.embed(&refs[..8])?; // warm-up
    let t = Instant::now();
    e.embed(&refs)?;
    let secs = t.elapsed().as_secs_f64();
    println!(
        "throughput ({batch_tokens} tokens per micro-batch): {n} docs of ~{tokens} tokens in {secs:.2}s = {:.1} docs/s; RSS now {:.0} MiB",
        n as f64 / secs,
        rss_mib()
    );
    Ok(())
}

/// Same-event and unrelated pairs.
const PAIRS: [(&str, &str); 7] = [
    (
        "The central bank raised interest rates by half a percentage point to fight inflation.",
        "Die Zentralbank hat die Zinsen um einen halben Prozentpunkt angehoben, um die Inflation zu bekämpfen.",
    ),
    (
        "The central bank raised interest rates by half a percentage point to fight inflation.",
        "Центральный банк повысил процентную ставку на половину процентного пункта, чтобы бороться с инфляцией.",
    ),
    (
        "A powerful earthquake struck the coast of Japan, triggering tsunami warnings.",
        "Ein starkes Erdbeben erschütterte die Küste Japans und löste Tsunamiwarnungen aus.",
    ),
    (
        "A powerful earthquake struck the coast of Japan, triggering tsunami warnings.",
        "Мощное землетрясение произошло у побережья Японии, объявлена угроза цунами.",
    ),
    (
        "The central bank raised interest rates by half a percentage point to fight inflation.",
        "A powerful earthquake struck the coast of Japan, triggering tsunami warnings.",
    ),
    (
        "The central bank raised interest rates by half a percentage point to fight inflation.",
        "Ein starkes Erdbeben erschütterte die Küste Japans und löste Tsunamiwarnungen aus.",
    ),
    (
        "The football team won the championship after a dramatic penalty shootout.",
        "Центральный банк повысил процентную ставку на половину процентного пункта, чтобы бороться с инфляцией.",
    ),
];

/// Title + lead of about 60 tokens.
const DOC: &str = "Supreme Court sides with police officers seeking qualified immunity in two use-of-force cases\nThe Supreme Court in two cases Monday ruled police officers were entitled to protection from being sued over their use of force against suspects. The unsigned opinions both overturned lower appellate decisions.";
