//! Measures whether perspectives differ by bias group on allsides-dev (three outlets per story,
//! rated left / center / right by AllSides).
//!
//! ```text
//! cargo run --release -p parallax-intel --example perspectives_eval -- \
//!     [../shared/eval/clustering/allsides-dev.articles.jsonl] [../shared/eval/summarization/allsides-dev.roundups.jsonl]
//! ```
//!
//! For every gold story it builds the articles with their outlets' bias ratings, runs the ledger
//! and the perspectives, and prints, per bias group:
//! 1. **terms, in sample**: the share of each distinctive term's occurrences that lie in the
//!    group's own articles, against the group's share of all the story's terms (the base rate);
//! 2. **claims, in sample**: the share of each distinctive claim's sources that are the group's
//!    own articles, against the group's share of the story's articles;
//! 3. **terms, held out**: each article is split into alternate sentences; perspectives are
//!    computed on the even sentences only, and the share of the distinctive terms' occurrences in
//!    the *odd* sentences that lie in the group's own articles is compared with the group's share
//!    of odd-sentence terms (lift = share / base). Non-circular: it asks whether what the method
//!    picks as a group's emphasis recurs in text it did not see;
//! 4. **roundups**: the AllSides editors' coverage notes often say what one side emphasised
//!    ("Right-rated outlets focused on ..."). For each note sentence naming only left-rated or only
//!    right-rated outlets, the named side's distinctive terms are compared with the other side's:
//!    which overlap more with the sentence's words.
use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Instant;

use parallax_core::{Article, ArticleId, Rating, Source, SourceId};
use parallax_intel::{claims, perspectives, wire};
use parallax_text::Analyzer;

struct Record {
    story: String,
    id: String,
    source: String,
    bias: String,
    title: String,
    text: String,
}

fn read_jsonl(path: &str) -> Vec<serde_json::Value> {
    let Ok(text) = std::fs::read_to_string(path) else {
        eprintln!("cannot read {path}");
        std::process::exit(2);
    };
    text.lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

fn field(v: &serde_json::Value, k: &str) -> String {
    v.get(k).and_then(|x| x.as_str()).unwrap_or("").to_string()
}

fn article(id: &str, source: &str, title: &str, paragraphs: Vec<String>) -> Article {
    Article {
        section: None,
        id: ArticleId::from_key(id),
        source: SourceId::from_key(source),
        url: None,
        canonical_url: None,
        title: title.to_string(),
        byline: None,
        published: None,
        language: Some("en".to_string()),
        paragraphs,
        content_hash: parallax_core::content_hash(id),
        fetched_at: chrono::DateTime::UNIX_EPOCH,
        origin: id.to_string(),
        warnings: Vec::new(),
        excerpts: Vec::new(),
        attribution: Default::default(),
    }
}

fn source(name: &str, bias: &str) -> Source {
    let mut s = Source::named(name);
    s.id = SourceId::from_key(name);
    s.bias = Some(Rating {
        value: bias.to_string(),
        provenance: "AllSides, via the allsides-dev data set".to_string(),
    });
    s
}

/// Stems of a text, counted the way perspectives counts them.
fn stems(an: &Analyzer, text: &str) -> Vec<String> {
    parallax_text::words(text)
        .into_iter()
        .filter_map(|w| an.terms(w).into_iter().next())
        .filter(|s| !s.chars().all(|c| c.is_ascii_digit()) && s.chars().count() >= 2)
        .collect()
}

#[derive(Default)]
struct Share {
    own: f64,
    all: f64,
    base_sum: f64,
    n: usize,
}

impl Share {
    fn merge(&mut self, o: &Share) {
        self.own += o.own;
        self.all += o.all;
        self.base_sum += o.base_sum;
        self.n += o.n;
    }
    fn add(&mut self, own: f64, all: f64, base: f64) {
        if all > 0.0 {
            self.own += own;
            self.all += all;
            self.base_sum += base * all;
            self.n += 1;
        }
    }
    fn line(&self, what: &str) -> String {
        let share = self.own / self.all.max(1e-9);
        let base = self.base_sum / self.all.max(1e-9);
        format!(
            "{what}: own share {share:.3} vs base {base:.3} (lift {:.2}, n = {})",
            share / base.max(1e-9),
            self.n
        )
    }
}

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    // `--show KIND` prints the ledger's claims of that kind (agreed, disputed) for review.
    let show = args.iter().position(|a| a == "--show").map(|i| {
        let kind = args.get(i + 1).cloned().unwrap_or_default();
        args.drain(i..(i + 2).min(args.len()));
        kind
    });
    let articles_path = args
        .first()
        .cloned()
        .unwrap_or_else(|| "../shared/eval/clustering/allsides-dev.articles.jsonl".to_string());
    let roundups_path = args
        .get(1)
        .cloned()
        .unwrap_or_else(|| "../shared/eval/summarization/allsides-dev.roundups.jsonl".to_string());
    let records: Vec<Record> = read_jsonl(&articles_path)
        .iter()
        .map(|v| Record {
            story: field(v, "story"),
            id: field(v, "id"),
            source: field(v, "source"),
            bias: field(v, "bias"),
            title: field(v, "title"),
            text: field(v, "text"),
        })
        .collect();
    let notes: HashMap<String, String> = read_jsonl(&roundups_path)
        .iter()
        .map(|v| (field(v, "story"), field(v, "coverage_note")))
        .collect();
    let mut stories: BTreeMap<&str, Vec<&Record>> = BTreeMap::new();
    for r in &records {
        stories.entry(&r.story).or_default().push(r);
    }
    let an = Analyzer::new(Some("en"));
    let started = Instant::now();

    let mut terms_in: BTreeMap<String, Share> = BTreeMap::new();
    let mut claims_in: BTreeMap<String, Share> = BTreeMap::new();
    let mut held: BTreeMap<String, Share> = BTreeMap::new();
    let mut held_hits = (0usize, 0usize, 0.0f64); // (terms, found in own odd half, mean found in others')
    let (mut wins, mut ties, mut losses) = (0usize, 0usize, 0usize);
    let mut groups_seen = 0usize;
    let mut with_terms = 0usize;
    let mut with_claims = 0usize;
    let mut stories_used = 0usize;
    let mut ledger_claims = (0usize, 0usize, 0usize);

    for (story, recs) in &stories {
        let biases: HashSet<&str> = recs.iter().map(|r| r.bias.as_str()).collect();
        if biases.len() < 2 {
            continue;
        }
        stories_used += 1;
        let sources: Vec<Source> = recs.iter().map(|r| source(&r.source, &r.bias)).collect();
        let paragraphs = |r: &Record| -> Vec<String> {
            r.text
                .split("\n\n")
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(str::to_string)
                .collect()
        };
        let arts: Vec<Article> = recs
            .iter()
            .map(|r| article(&r.id, &r.source, &r.title, paragraphs(r)))
            .collect();
        let bias_of: HashMap<ArticleId, &str> = arts
            .iter()
            .zip(recs)
            .map(|(a, r)| (a.id.clone(), r.bias.as_str()))
            .collect();
        let independence = wire::detect(&arts);
        let ledger = claims::ledger(&arts, &sources, &independence);
        for c in &ledger {
            let kind = match c.kind {
                claims::ClaimKind::Agreed => "agreed",
                claims::ClaimKind::SingleSource => "single_source",
                claims::ClaimKind::Disputed => "disputed",
            };
            if show.as_deref() == Some(kind) {
                println!("[{story}] {:?} {}", c.form, c.text);
                for s in &c.sources {
                    println!(
                        "    {} {:?}: {}",
                        &s.article.as_str()[..12],
                        s.value,
                        s.sentence
                    );
                }
            }
            match c.kind {
                claims::ClaimKind::Agreed => ledger_claims.0 += 1,
                claims::ClaimKind::SingleSource => ledger_claims.1 += 1,
                claims::ClaimKind::Disputed => ledger_claims.2 += 1,
            }
        }
        let persp = perspectives::perspectives_with(&arts, &sources, &ledger, &independence);

        // Token shares per article (the base rates).
        let tokens: Vec<Vec<String>> = arts.iter().map(|a| stems(&an, &a.full_text())).collect();
        let total_tokens: usize = tokens.iter().map(Vec::len).sum();
        let index: HashMap<&ArticleId, usize> =
            arts.iter().enumerate().map(|(i, a)| (&a.id, i)).collect();
        for p in persp.iter().filter(|p| p.dimension == "bias") {
            groups_seen += 1;
            let own: HashSet<usize> = p.article_ids.iter().map(|id| index[id]).collect();
            let own_tokens: usize = own.iter().map(|&i| tokens[i].len()).sum();
            let base = own_tokens as f64 / total_tokens.max(1) as f64;
            let s = terms_in.entry(p.label.clone()).or_default();
            if !p.terms.is_empty() {
                with_terms += 1;
            }
            for t in &p.terms {
                s.add(t.in_group, t.in_group + t.elsewhere, base);
            }
            let s = claims_in.entry(p.label.clone()).or_default();
            if !p.claims.is_empty() {
                with_claims += 1;
            }
            let art_base = own.len() as f64 / arts.len() as f64;
            for c in &p.claims {
                let all = ledger[c.claim].sources.len() as f64;
                let mine = ledger[c.claim]
                    .sources
                    .iter()
                    .filter(|s| bias_of.get(&s.article) == Some(&p.label.as_str()))
                    .count() as f64;
                s.add(mine, all, art_base);
            }
        }

        // Held out: even sentences to choose, odd sentences to test.
        let halves: Vec<(Vec<String>, Vec<String>)> = arts
            .iter()
            .map(|a| {
                let mut even = Vec::new();
                let mut odd = Vec::new();
                let sents: Vec<String> = std::iter::once(a.title.clone())
                    .chain(
                        a.paragraphs
                            .iter()
                            .flat_map(|p| parallax_text::sentences(p)),
                    )
                    .collect();
                for (k, s) in sents.into_iter().enumerate() {
                    if k % 2 == 0 {
                        even.push(s)
                    } else {
                        odd.push(s)
                    }
                }
                (even, odd)
            })
            .collect();
        let even_arts: Vec<Article> = arts
            .iter()
            .zip(&halves)
            .map(|(a, (even, _))| Article {
                title: String::new(),
                paragraphs: even.clone(),
                ..a.clone()
            })
            .collect();
        let even_ind = wire::detect(&even_arts);
        let even_ledger = claims::ledger(&even_arts, &sources, &even_ind);
        let even_persp =
            perspectives::perspectives_with(&even_arts, &sources, &even_ledger, &even_ind);
        let odd_tokens: Vec<Vec<String>> = halves
            .iter()
            .map(|(_, odd)| stems(&an, &odd.join(" ")))
            .collect();
        let odd_total: usize = odd_tokens.iter().map(Vec::len).sum();
        for p in even_persp.iter().filter(|p| p.dimension == "bias") {
            let own: HashSet<usize> = p.article_ids.iter().map(|id| index[id]).collect();
            let own_tokens: usize = own.iter().map(|&i| odd_tokens[i].len()).sum();
            if odd_total == 0 || own_tokens == 0 || own_tokens == odd_total {
                continue;
            }
            let base = own_tokens as f64 / odd_total as f64;
            let s = held.entry(p.label.clone()).or_default();
            for t in &p.terms {
                let count = |i: usize| odd_tokens[i].iter().filter(|x| **x == t.stem).count();
                let mine: usize = own.iter().map(|&i| count(i)).sum();
                let all: usize = (0..arts.len()).map(count).sum();
                s.add(mine as f64, all as f64, base);
                // Presence: in the group's own odd half, and on average in another group's.
                let others: Vec<usize> = (0..arts.len()).filter(|i| !own.contains(i)).collect();
                held_hits.0 += 1;
                held_hits.1 += usize::from(mine > 0);
                if !others.is_empty() {
                    held_hits.2 += others.iter().filter(|&&i| count(i) > 0).count() as f64
                        / others.len() as f64;
                }
            }
        }

        // Roundups: note sentences naming one side only.
        if let Some(note) = notes.get(*story) {
            let side_terms = |label: &str| -> HashSet<String> {
                persp
                    .iter()
                    .find(|p| p.group == format!("bias:{label}"))
                    .map(|p| p.terms.iter().map(|t| t.stem.clone()).collect())
                    .unwrap_or_default()
            };
            let (left, right) = (side_terms("left"), side_terms("right"));
            if left.is_empty() || right.is_empty() {
                continue;
            }
            for sentence in parallax_text::sentences(note) {
                let lower = sentence.to_lowercase();
                let says_left = lower.contains("left-rated")
                    || lower.contains("left-leaning")
                    || lower.contains("left-wing")
                    || lower.contains("left- and center")
                    || lower.contains("left and center");
                let says_right = lower.contains("right-rated")
                    || lower.contains("right-leaning")
                    || lower.contains("right-wing")
                    || lower.contains("right- and center")
                    || lower.contains("right and center");
                if says_left == says_right {
                    continue;
                }
                let words: HashSet<String> = stems(&an, &sentence).into_iter().collect();
                let hit = |set: &HashSet<String>| set.intersection(&words).count();
                let (named, other) = if says_left {
                    (hit(&left), hit(&right))
                } else {
                    (hit(&right), hit(&left))
                };
                match named.cmp(&other) {
                    std::cmp::Ordering::Greater => wins += 1,
                    std::cmp::Ordering::Equal => ties += 1,
                    std::cmp::Ordering::Less => losses += 1,
                }
            }
        }
    }
    let elapsed = started.elapsed().as_secs_f64();

    println!(
        "allsides-dev: {} stories with two or more bias groups, {} bias-group perspectives ({} with distinctive terms, {} with distinctive claims); ledger: {} agreed, {} single-source, {} disputed claims; {:.1} s",
        stories_used,
        groups_seen,
        with_terms,
        with_claims,
        ledger_claims.0,
        ledger_claims.1,
        ledger_claims.2,
        elapsed
    );
    let mut all = (Share::default(), Share::default(), Share::default());
    for (label, s) in &terms_in {
        println!("  {}", s.line(&format!("terms, in sample, {label}")));
        all.0.merge(s);
    }
    for (label, s) in &claims_in {
        println!("  {}", s.line(&format!("claims, in sample, {label}")));
        all.1.merge(s);
    }
    for (label, s) in &held {
        println!("  {}", s.line(&format!("terms, held out, {label}")));
        all.2.merge(s);
    }
    println!("  {}", all.0.line("terms, in sample, all groups"));
    println!("  {}", all.1.line("claims, in sample, all groups"));
    println!("  {}", all.2.line("terms, held out, all groups"));
    if held_hits.0 > 0 {
        println!(
            "  held-out presence: a group's distinctive term recurs in its own odd sentences {:.3} of the time, in another group's {:.3} ({} terms)",
            held_hits.1 as f64 / held_hits.0 as f64,
            held_hits.2 / held_hits.0 as f64,
            held_hits.0
        );
    }
    let decided = wins + losses;
    println!(
        "  roundups: note sentences naming one side: {} ; the named side's terms overlap more {} times, the other side's {} times, ties {} (win rate {:.3} of decided; chance 0.5)",
        wins + losses + ties,
        wins,
        losses,
        ties,
        wins as f64 / decided.max(1) as f64
    );
}
