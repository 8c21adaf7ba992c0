//! What the examples share: an evaluation file read as the articles of one story.

use parallax_core::{Article, ArticleId, SourceId};

/// The file named by the first argument (default: the allsides development set) and the number
/// of articles named by the second (default 300).
pub fn args() -> (String, usize) {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .unwrap_or_else(|| "../shared/eval/clustering/allsides-dev.articles.jsonl".to_string());
    let n: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(300);
    (path, n)
}

/// The first `n` articles of a JSON Lines file ("title", "text", optional "source").
pub fn articles(path: &str, n: usize) -> Vec<Article> {
    let text = std::fs::read_to_string(path).expect("the articles file");
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .take(n)
        .enumerate()
        .map(|(i, l)| {
            let v: serde_json::Value = serde_json::from_str(l).expect("JSON line");
            let s = |k: &str| v[k].as_str().unwrap_or_default().to_string();
            let body = s("text");
            Article {
                section: None,
                id: ArticleId::from_key(&format!("{i}")),
                source: SourceId::from_key(&s("source")),
                url: None,
                canonical_url: None,
                title: s("title"),
                byline: None,
                published: None,
                language: Some("en".to_string()),
                paragraphs: body
                    .lines()
                    .map(str::to_string)
                    .filter(|p| !p.is_empty())
                    .collect(),
                content_hash: parallax_core::content_hash(&body),
                fetched_at: chrono::DateTime::UNIX_EPOCH,
                origin: path.to_string(),
                warnings: Vec::new(),
                excerpts: Vec::new(),
                attribution: Default::default(),
            }
        })
        .collect()
}
