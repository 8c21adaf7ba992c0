//! Shared by the examples: reading the evaluation sets (allsides and NeuS triplets) into
//! `ClusterDoc`s with their gold stories, with the cached embeddings attached when asked.
#![allow(dead_code)]

use parallax_cluster::ClusterDoc;
use parallax_core::ArticleId;

pub(crate) struct Doc {
    pub(crate) gold: String,
    pub(crate) doc: ClusterDoc,
}

/// With `PX_EMBED` set (to `1`, or to a directory): attaches the cached embeddings of the set
/// (`<dir>/<set>.e5.bin`, `<set>` the file name up to its first dot; default directory
/// `target/embeddings`), checking that the ids match the articles in order.
pub(crate) fn attach_embeddings(path: &str, docs: &mut [Doc]) {
    let Ok(dir) = std::env::var("PX_EMBED") else {
        return;
    };
    let dir = if dir == "1" {
        concat!(env!("CARGO_MANIFEST_DIR"), "/../../target/embeddings").to_string()
    } else {
        dir
    };
    let name = path
        .rsplit('/')
        .next()
        .unwrap_or("")
        .split('.')
        .next()
        .unwrap_or("");
    let cache = format!("{dir}/{name}.e5.bin");
    let b = std::fs::read(&cache).unwrap_or_else(|e| panic!("{cache}: {e}"));
    assert_eq!(&b[..8], b"PXEMB1\0\0", "{cache}: bad magic");
    let u = |p: usize| u32::from_le_bytes([b[p], b[p + 1], b[p + 2], b[p + 3]]) as usize;
    let (dim, count, m) = (u(8), u(12), u(16));
    assert_eq!(
        count,
        docs.len(),
        "{cache}: {count} vectors for {} articles",
        docs.len()
    );
    let mut p = 20 + m;
    for d in docs.iter() {
        let n = u(p);
        assert_eq!(
            &b[p + 4..p + 4 + n],
            d.doc.id.as_str().as_bytes(),
            "{cache}: id order"
        );
        p += 4 + n;
    }
    for d in docs.iter_mut() {
        let v: Vec<f32> = b[p..p + 4 * dim]
            .chunks_exact(4)
            .map(|s| f32::from_le_bytes([s[0], s[1], s[2], s[3]]))
            .collect();
        p += 4 * dim;
        d.doc.embedding = Some(v);
    }
}

pub(crate) fn load(path: &str) -> Vec<Doc> {
    let text = std::fs::read_to_string(path).expect("read eval file");
    let mut out = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).expect("json");
        let story = v["story"].as_str().unwrap_or("").to_string();
        if let Some(arts) = v["articles"].as_array() {
            for (i, a) in arts.iter().enumerate() {
                out.push(Doc {
                    gold: story.clone(),
                    doc: ClusterDoc {
                        id: ArticleId(format!("{story}-{i}")),
                        title: a["title"].as_str().unwrap_or("").to_string(),
                        text: a["text"].as_str().unwrap_or("").to_string(),
                        language: None,
                        published: None,
                        source: None,
                        embedding: None,
                    },
                });
            }
        } else {
            out.push(Doc {
                gold: story,
                doc: ClusterDoc {
                    id: ArticleId(v["id"].as_str().unwrap_or("").to_string()),
                    title: v["title"].as_str().unwrap_or("").to_string(),
                    text: v["text"].as_str().unwrap_or("").to_string(),
                    language: None,
                    published: None,
                    source: v["source"].as_str().map(str::to_string),
                    embedding: None,
                },
            });
        }
    }
    attach_embeddings(path, &mut out);
    out
}
