//! The pipeline with and without an embedder, on an SQLite store in memory or in a temporary
//! file: vectors are stored with their articles, the window is rebuilt with them after a restart,
//! the streamed (overlapped) ingestion commits what the one-by-one ingestion commits, and a
//! failing model never stops an import. One integration-test binary for the crate.

use parallax_core::store_roles::*;
use parallax_core::{ArticleId, Embedder, Store};
use parallax_ingest::{Document, Next, Outcome, Pipeline, Record, embedding_input};
use parallax_store::SqliteStore;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

const DIM: usize = 32;

/// A deterministic stand-in for a sentence-embedding model: hashed bag of words, unit length.
struct FakeEmbedder {
    calls: AtomicUsize,
    texts: AtomicUsize,
}

impl FakeEmbedder {
    fn new() -> Arc<Self> {
        Arc::new(FakeEmbedder {
            calls: AtomicUsize::new(0),
            texts: AtomicUsize::new(0),
        })
    }
}

fn bag(text: &str) -> Vec<f32> {
    let mut v = [0f32; DIM];
    for w in text.split_whitespace() {
        let h = w.to_lowercase().bytes().fold(2166136261u32, |h, b| {
            (h ^ u32::from(b)).wrapping_mul(16777619)
        });
        v[h as usize % DIM] += 1.0;
    }
    let n = v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-6);
    v.iter().map(|x| x / n).collect()
}

impl Embedder for FakeEmbedder {
    fn model(&self) -> &str {
        "fake-bag-32"
    }
    fn dim(&self) -> usize {
        DIM
    }
    fn embed_documents(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, String> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.texts.fetch_add(texts.len(), Ordering::SeqCst);
        Ok(texts.iter().map(|t| bag(t)).collect())
    }
}

/// A model that fails (`Err`), panics, or answers with vectors of the wrong size.
struct BrokenEmbedder(&'static str);

impl Embedder for BrokenEmbedder {
    fn model(&self) -> &str {
        "broken"
    }
    fn dim(&self) -> usize {
        DIM
    }
    fn embed_documents(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, String> {
        match self.0 {
            "error" => Err("out of memory".into()),
            "panic" => panic!("the model fell over"),
            "short" => Ok(texts.iter().map(|_| vec![1.0; DIM - 1]).collect()),
            _ => Ok(vec![]),
        }
    }
}

/// Twelve articles on four events, several outlets each, plus a repeat of the first one.
fn docs() -> Vec<Document> {
    let events = [
        (
            "Central bank raises interest rates to fight inflation",
            "The central bank raised its main interest rate by half a point on Thursday, its fourth increase this year, saying inflation remained far above its target.",
        ),
        (
            "Earthquake shakes coastal city, buildings collapse",
            "A magnitude 7.1 earthquake struck near the coastal city early on Monday, collapsing several buildings and cutting power to thousands of homes, officials said.",
        ),
        (
            "Parliament passes new climate law after long debate",
            "Lawmakers approved the climate bill by 312 votes to 190 after a debate that lasted two days; the law sets binding emissions targets for 2035.",
        ),
        (
            "Football club wins the cup final on penalties",
            "The club won the cup final 5-4 on penalties after a goalless draw, its first trophy in eleven years, before a crowd of 80,000 at the national stadium.",
        ),
    ];
    let outlets = ["Daily Planet", "Morning Post", "Evening Star"];
    let mut out = Vec::new();
    for (o, outlet) in outlets.iter().enumerate() {
        for (e, (title, text)) in events.iter().enumerate() {
            out.push(Document::Record(Record {
                id: Some(format!("{o}-{e}")),
                source: Some(outlet.to_string()),
                title: Some(format!("{title} ({outlet})")),
                url: Some(format!(
                    "https://{}.example/{e}",
                    outlet.to_lowercase().replace(' ', "-")
                )),
                text: format!("{text}\nReported by the {outlet} desk, story {e}."),
                published: Some(format!("2025-07-0{}", 1 + e)),
                language: Some("en".into()),
                origin: format!("test.jsonl:{}", out.len() + 1),
                ..Record::default()
            }));
        }
    }
    out.push(out[0].clone());
    out
}

fn ids_of(outcomes: &[Outcome]) -> Vec<ArticleId> {
    outcomes
        .iter()
        .filter_map(|o| match o {
            Outcome::Imported { article, .. } => Some(article.clone()),
            _ => None,
        })
        .collect()
}

/// Stories as sorted lists of article ids, sorted: the clustering, whatever the story ids.
fn partition(store: &dyn Store) -> Vec<Vec<ArticleId>> {
    let mut p: Vec<Vec<ArticleId>> = store
        .stories(1000, 0)
        .unwrap()
        .into_iter()
        .map(|s| {
            let mut a = s.articles;
            a.sort();
            a
        })
        .collect();
    p.sort();
    p
}

#[test]
fn without_an_embedder_no_vector_is_stored() {
    let store = SqliteStore::open_in_memory().unwrap();
    let mut p = Pipeline::new(&store).unwrap();
    assert!(p.embedder().is_none());
    let outcomes: Vec<Outcome> = docs().iter().map(|d| p.ingest(d).unwrap()).collect();
    assert_eq!(ids_of(&outcomes).len(), 12);
    assert!(matches!(outcomes[12], Outcome::Duplicate(_)));
    assert!(
        outcomes
            .iter()
            .all(|o| !matches!(o, Outcome::Imported { embedded: true, .. }))
    );
    assert!(store.embedding_counts().unwrap().is_empty());
    assert!(!p.window_fingerprint().contains("embeddings="));
}

#[test]
fn with_an_embedder_every_new_article_is_stored_with_its_vector() {
    let store = SqliteStore::open_in_memory().unwrap();
    let fake = FakeEmbedder::new();
    let mut p = Pipeline::with_embedder(&store, Some(fake.clone())).unwrap();
    let docs = docs();
    let outcomes = p.ingest_batch(&docs).unwrap();
    assert_eq!(outcomes.len(), docs.len());
    let ids = ids_of(&outcomes);
    assert_eq!(ids.len(), 12);
    // The repeat in the same batch was prepared as new and found a duplicate at commit.
    assert!(matches!(outcomes[12], Outcome::Duplicate(_)));
    assert!(outcomes.iter().all(|o| !matches!(
        o,
        Outcome::Imported {
            embedded: false,
            ..
        }
    )));
    // One call for the whole batch.
    assert_eq!(fake.calls.load(Ordering::SeqCst), 1);
    assert_eq!(
        store.embedding_counts().unwrap(),
        vec![parallax_core::ModelVectors {
            model: "fake-bag-32".into(),
            vectors: 12
        }]
    );
    let stored = store.embeddings("fake-bag-32", &ids).unwrap();
    assert_eq!(stored.len(), 12);
    for e in &stored {
        let a = store.article(&e.article).unwrap().unwrap();
        assert_eq!(e.vector, bag(&embedding_input(&a)));
        assert_eq!(e.vector.len(), DIM);
    }
    assert!(p.window_fingerprint().contains("embeddings="));
    assert_eq!(p.embed_failures(), 0);
    // The title and the lead only.
    let a = store.article(&ids[0]).unwrap().unwrap();
    let input = embedding_input(&a);
    assert!(input.starts_with(&format!("{}\n", a.title)));
    assert!(
        input.split_whitespace().count()
            <= a.title.split_whitespace().count() + parallax_ingest::LEAD_WORDS
    );
}

/// The streamed ingestion (embedding on a worker thread, batches in flight) stores the same
/// articles, vectors and stories as ingesting one document at a time, and reports every document.
#[test]
fn streamed_ingestion_commits_what_one_by_one_ingestion_commits() {
    let docs = docs();
    let one = SqliteStore::open_in_memory().unwrap();
    let mut p1 = Pipeline::with_embedder(&one, Some(FakeEmbedder::new())).unwrap();
    let sequential: Vec<Outcome> = docs.iter().map(|d| p1.ingest(d).unwrap()).collect();

    for idle_every in [0usize, 1, 3] {
        let streamed = SqliteStore::open_in_memory().unwrap();
        let fake = FakeEmbedder::new();
        let mut p2 = Pipeline::with_embedder(&streamed, Some(fake.clone())).unwrap();
        let mut queue = docs.iter().cloned().enumerate();
        let mut calls = 0usize;
        let mut got: Vec<Option<Outcome>> = vec![None; docs.len()];
        p2.ingest_stream(
            |_wait| {
                calls += 1;
                if idle_every > 0 && calls.is_multiple_of(idle_every + 1) {
                    return Next::Idle;
                }
                match queue.next() {
                    Some((i, d)) => Next::Doc(d, i),
                    None => Next::End,
                }
            },
            |i, outcome| {
                assert!(got[i].is_none(), "document {i} reported twice");
                got[i] = Some(outcome?);
                Ok(())
            },
        )
        .unwrap();
        let got: Vec<Outcome> = got.into_iter().map(Option::unwrap).collect();
        assert_eq!(got, sequential, "idle every {idle_every}");
        assert_eq!(partition(&streamed), partition(&one));
        assert_eq!(p2.window_fingerprint(), p1.window_fingerprint());
        // The repeat is embedded too when it is prepared before the original is committed.
        assert!((12..=13).contains(&fake.texts.load(Ordering::SeqCst)));
        let ids = ids_of(&got);
        assert_eq!(
            streamed.embeddings("fake-bag-32", &ids).unwrap().len(),
            ids.len()
        );
    }
}

/// After a restart the window is rebuilt with the stored vectors: the same state the pipeline
/// that imported them had, so the next article is clustered exactly as without the restart.
#[test]
fn a_restarted_pipeline_rebuilds_the_same_window_with_its_vectors() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("parallax.db");
    let docs = docs();
    let (first, reference) = {
        let store = SqliteStore::open(&path).unwrap();
        let mut p = Pipeline::with_embedder(&store, Some(FakeEmbedder::new())).unwrap();
        p.ingest_batch(&docs[..8]).unwrap();
        let fingerprint = p.window_fingerprint();
        // What the uninterrupted pipeline does with the rest.
        let memory = SqliteStore::open_in_memory().unwrap();
        let mut q = Pipeline::with_embedder(&memory, Some(FakeEmbedder::new())).unwrap();
        q.ingest_batch(&docs[..8]).unwrap();
        q.ingest_batch(&docs[8..]).unwrap();
        (fingerprint, partition(&memory))
    };
    let store = SqliteStore::open(&path).unwrap();
    let mut p = Pipeline::with_embedder(&store, Some(FakeEmbedder::new())).unwrap();
    assert_eq!(p.window_fingerprint(), first);
    assert!(first.contains("embeddings="));
    // Without the model the window is rebuilt without vectors (and says nothing of them).
    let lexical = Pipeline::new(&store).unwrap();
    assert_ne!(lexical.window_fingerprint(), first);
    assert!(!lexical.window_fingerprint().contains("embeddings="));
    drop(lexical);
    p.ingest_batch(&docs[8..]).unwrap();
    assert_eq!(partition(&store), reference);
}

/// A model that fails, panics or returns bad vectors: every article is still stored (without a
/// vector), the failures are counted, nothing panics.
#[test]
fn a_failing_model_never_stops_ingestion() {
    for mode in ["error", "panic", "short", "empty"] {
        let store = SqliteStore::open_in_memory().unwrap();
        let mut p = Pipeline::with_embedder(&store, Some(Arc::new(BrokenEmbedder(mode)))).unwrap();
        let docs = docs();
        let outcomes = p.ingest_batch(&docs[..6]).unwrap();
        assert_eq!(ids_of(&outcomes).len(), 6, "{mode}");
        let mut queue = docs[6..].iter().cloned();
        let mut n = 0;
        p.ingest_stream(
            |_| queue.next().map_or(Next::End, |d| Next::Doc(d, ())),
            |(), o| {
                assert!(!matches!(o?, Outcome::Imported { embedded: true, .. }));
                n += 1;
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(n, 7, "{mode}");
        assert_eq!(p.embed_failures(), 12, "{mode}");
        assert!(store.embedding_counts().unwrap().is_empty(), "{mode}");
        assert_eq!(store.counts().unwrap().articles, 12, "{mode}");
    }
}

/// After the consolidation pass the stories depend only on the set of articles, not on the order
/// they came in; a second pass changes nothing; a story's id is that of its earliest article; and
/// the pipeline goes on clustering new articles against the regrouped stories.
#[test]
fn consolidation_depends_on_the_set_not_the_order() {
    let docs = docs();
    let run = |order: &[Document]| {
        let store = SqliteStore::open_in_memory().unwrap();
        let mut p = Pipeline::new(&store).unwrap();
        p.ingest_batch(order).unwrap();
        let first = p.consolidate().unwrap();
        assert_eq!(first.articles, 12);
        let again = p.consolidate().unwrap();
        assert_eq!((again.moved, again.stories_written), (0, 0), "{again:?}");
        for s in store.stories(100, 0).unwrap() {
            assert_eq!(
                s.id,
                parallax_core::StoryId::from_seed(&s.articles[0]),
                "a story's id is that of its earliest article"
            );
            let members = store.story_articles(&s.id).unwrap();
            assert_eq!(
                members.iter().map(|a| a.id.clone()).collect::<Vec<_>>(),
                s.articles
            );
            assert_eq!(s.coverage.articles, s.articles.len());
        }
        partition(&store)
    };
    let forward = run(&docs);
    let mut reversed = docs[..12].to_vec();
    reversed.reverse();
    let mut interleaved: Vec<Document> = docs[..12].iter().step_by(2).cloned().collect();
    interleaved.extend(docs[..12].iter().skip(1).step_by(2).cloned());
    assert_eq!(run(&reversed), forward);
    assert_eq!(run(&interleaved), forward);
    // The four events, three outlets each.
    assert_eq!(forward.len(), 4, "{forward:?}");
    assert!(forward.iter().all(|s| s.len() == 3), "{forward:?}");

    // A new article after the pass joins its event's story.
    let store = SqliteStore::open_in_memory().unwrap();
    let mut p = Pipeline::new(&store).unwrap();
    p.ingest_batch(&docs).unwrap();
    p.consolidate().unwrap();
    let late = Document::Record(Record {
        id: Some("late".into()),
        source: Some("Night Owl".into()),
        title: Some("Earthquake shakes coastal city, buildings collapse (Night Owl)".into()),
        url: Some("https://night-owl.example/quake".into()),
        text: "A magnitude 7.1 earthquake struck near the coastal city early on Monday, collapsing several buildings and cutting power to thousands of homes, officials said.".into(),
        published: Some("2025-07-02".into()),
        language: Some("en".into()),
        origin: "late.jsonl:1".into(),
        ..Record::default()
    });
    let outcome = p.ingest(&late).unwrap();
    let Outcome::Imported {
        story, new_story, ..
    } = outcome
    else {
        panic!("{outcome:?}")
    };
    assert!(!new_story);
    assert_eq!(store.story(&story).unwrap().unwrap().articles.len(), 4);
}

/// The digest pass with a model makes the gists of a story told in two languages; a model that
/// fails or panics leaves the digests without gists and the pass goes on.
#[test]
fn the_digest_pass_makes_gists_with_a_model_and_survives_a_broken_one() {
    let record = |id: &str, lang: &str, title: &str, text: &str| {
        Document::Record(Record {
            id: Some(id.into()),
            source: Some(format!("Outlet {id}")),
            title: Some(title.into()),
            url: Some(format!("https://{id}.example/quake")),
            text: text.into(),
            published: Some("2025-07-01".into()),
            language: Some(lang.into()),
            origin: format!("{id}.jsonl:1"),
            ..Record::default()
        })
    };
    let docs = [
        record(
            "en",
            "en",
            "Harbour quake damages Argostoli port",
            "A strong quake damaged the Argostoli harbour on Tuesday, Mayor Nikos Andreou said.",
        ),
        record(
            "de",
            "de",
            "Harbour quake damages Argostoli port",
            "A strong quake damaged the Argostoli harbour on Tuesday, Mayor Nikos Andreou said. Ein Fußballspiel wurde verschoben.",
        ),
    ];
    let store = SqliteStore::open_in_memory().unwrap();
    let mut p = Pipeline::new(&store).unwrap();
    for d in &docs {
        p.ingest(d).unwrap();
    }
    assert_eq!(store.stories(10, 0).unwrap().len(), 1);
    let story = store.stories(10, 0).unwrap().remove(0);

    let fake = FakeEmbedder::new();
    let pass =
        parallax_ingest::refresh_digests_with(&store, usize::MAX, Some((fake.as_ref(), "en")))
            .unwrap();
    assert_eq!(pass.digested, 1);
    let digest = store.digest(&story.id).unwrap().unwrap();
    assert_eq!(digest.gists.len(), 1, "{digest:?}");
    let gist = &digest.gists[0];
    assert_eq!(gist.language, "de");
    assert_eq!(gist.model, "fake-bag-32");
    // The sentences the English article also has are aligned with it; the German one is its own.
    assert!(
        gist.sentences.iter().any(|s| s.also_in.is_some()),
        "{gist:?}"
    );
    assert!(
        gist.sentences
            .iter()
            .any(|s| s.also_in.is_none() && s.text.contains("Fußballspiel")),
        "{gist:?}"
    );

    // The story changes: digested again, its sentences' vectors come from the cache.
    let embedded = fake.texts.load(Ordering::SeqCst);
    let mut s = store.story(&story.id).unwrap().unwrap();
    s.last_updated += chrono::Duration::seconds(1);
    store.regroup(std::slice::from_ref(&s)).unwrap();
    let pass =
        parallax_ingest::refresh_digests_with(&store, usize::MAX, Some((fake.as_ref(), "en")))
            .unwrap();
    assert_eq!(pass.digested, 1);
    assert_eq!(
        fake.texts.load(Ordering::SeqCst),
        embedded,
        "no sentence embedded again"
    );
    assert_eq!(
        store.digest(&story.id).unwrap().unwrap().gists,
        digest.gists
    );

    // The story changes; a broken model gives a digest without gists, and no failure.
    for mode in ["error", "panic"] {
        let mut s = store.story(&story.id).unwrap().unwrap();
        s.last_updated += chrono::Duration::seconds(1);
        store.regroup(std::slice::from_ref(&s)).unwrap();
        let broken = BrokenEmbedder(mode);
        let pass = parallax_ingest::refresh_digests_with(&store, usize::MAX, Some((&broken, "en")))
            .unwrap();
        assert_eq!(pass.digested, 1, "{mode}");
        assert!(
            store.digest(&story.id).unwrap().unwrap().gists.is_empty(),
            "{mode}"
        );
    }
}

// ----- attribution and re-attribution -------------------------------------------------------

const DIRECTORY_TSV: &str = "\
host\tname\tname_origin\tcountry\tcountry_origin\tlanguages\tlanguages_origin\towner\townership\townership_detail\townership_origin\tinferred_country\tinferred_share
planet-daily.net\t\t\t\t\t\t\t\t\t\t\tBR\t0.40
";

fn attributor_with(registry: &str) -> Arc<parallax_sources::Attributor> {
    let directory: &'static parallax_sources::Directory = Box::leak(Box::new(
        parallax_sources::Directory::from_tsv(DIRECTORY_TSV).unwrap(),
    ));
    Arc::new(parallax_sources::Attributor::new(
        parallax_sources::Registry::from_toml(registry).unwrap(),
        directory,
        Vec::new(),
    ))
}

fn pages() -> Vec<Document> {
    ["a", "b"]
        .iter()
        .map(|k| {
            Document::Record(Record {
                title: Some(format!("Parliament passes the climate law, part {k}")),
                url: Some(format!("https://news.planet-daily.net/{k}")),
                text: "Lawmakers approved the climate bill by 312 votes to 190 after a debate \
                       that lasted two days."
                    .to_string(),
                language: Some("en".into()),
                origin: format!("pages.jsonl:{k}"),
                ..Record::default()
            })
        })
        .collect()
}

#[test]
fn stored_articles_are_attributed_again_when_the_registry_changes() {
    let store = SqliteStore::open_in_memory().unwrap();
    let before = attributor_with("");
    let mut pipeline = Pipeline::new(&store)
        .unwrap()
        .with_attributor(before.clone());
    let outcomes: Vec<Outcome> = pages()
        .iter()
        .map(|d| pipeline.ingest(d).unwrap())
        .collect();
    let ids = ids_of(&outcomes);
    // A plain-text page whose masthead names an outlet nobody knows yet: unknown.
    let text = Document::Text {
        text: "Planet Daily\n\nLisbon\n\nParliament passes the climate law after a debate that lasted two days, with 312 votes to 190, Planet Daily learned.\n".into(),
        origin: "saved/page.txt".into(),
    };
    let text_id = ids_of(&[pipeline.ingest(&text).unwrap()])[0].clone();
    assert!(
        store
            .article(&text_id)
            .unwrap()
            .unwrap()
            .source
            .is_unknown()
    );
    let a = store.article(&ids[0]).unwrap().unwrap();
    // Attributed by the site of its address (subdomain folded), country inferred by GDELT.
    assert_eq!(
        a.attribution.method,
        Some(parallax_core::AttributionMethod::Url)
    );
    assert_eq!(
        a.source,
        parallax_core::SourceId::from_key("planet-daily.net")
    );
    let s = store.source(&a.source).unwrap().unwrap();
    assert!(s.country_is_inferred(), "{s:?}");
    // First run records the fingerprint; the same knowledge again changes nothing.
    assert!(
        parallax_ingest::ensure_attributed(&store, &before)
            .unwrap()
            .is_some()
    );
    assert!(
        parallax_ingest::ensure_attributed(&store, &before)
            .unwrap()
            .is_none()
    );
    let story_id = store.stories(10, 0).unwrap()[0].id.clone();
    parallax_ingest::refresh_digests(&store, 100).unwrap();
    assert!(store.digest(&story_id).unwrap().is_some());
    let coverage = store.story(&story_id).unwrap().unwrap().coverage;
    assert!(
        coverage.countries.iter().any(|t| t.label == "BR"),
        "{coverage:?}"
    );

    // The operator adds the outlet to the registry: its articles follow, and their story.
    let after = attributor_with(
        "[[source]]\nid = \"planet\"\nname = \"Planet Daily\"\nhome_page = \"https://planet-daily.net/\"\ncountry = \"PT\"\nlanguages = [\"pt\"]\n",
    );
    let pass = parallax_ingest::ensure_attributed(&store, &after)
        .unwrap()
        .expect("the registry changed");
    // Same site, same outlet id: the pages stay with their outlet, whose facts change; the
    // text page's masthead now names a known outlet.
    assert_eq!(
        (pass.articles, pass.articles_changed, pass.sources_written),
        (3, 1, 1)
    );
    assert!(pass.stories_reanalysed >= 1);
    let t = store.article(&text_id).unwrap().unwrap();
    assert_eq!(
        t.attribution.method,
        Some(parallax_core::AttributionMethod::Masthead)
    );
    assert_eq!(t.source, a.source);
    for id in &ids {
        let a = store.article(id).unwrap().unwrap();
        let s = store.source(&a.source).unwrap().unwrap();
        assert_eq!(
            (s.name.as_str(), s.country.as_deref()),
            ("Planet Daily", Some("PT"))
        );
        assert_eq!(
            s.provenance.country_basis,
            Some(parallax_core::CountryBasis::Home)
        );
    }
    let story = store.story(&story_id).unwrap().unwrap();
    assert!(
        story.coverage.countries.iter().all(|t| t.label == "PT"),
        "{:?}",
        story.coverage
    );
    // The digest counted the old countries: it is made again.
    assert!(store.digest(&story_id).unwrap().is_none());
    assert_eq!(store.stale_digests(10).unwrap(), vec![story_id]);
    assert!(
        parallax_ingest::ensure_attributed(&store, &after)
            .unwrap()
            .is_none()
    );

    // New documents are attributed with what the pipeline knows now.
    let mut pipeline = Pipeline::new(&store).unwrap().with_attributor(after);
    let more = Document::Record(Record {
        title: Some("Climate law: what changes".into()),
        url: Some("https://planet-daily.net/c".into()),
        text: "The law sets binding emissions targets for 2035.".into(),
        origin: "pages.jsonl:c".into(),
        ..Record::default()
    });
    let out = pipeline.ingest(&more).unwrap();
    let a = store.article(&ids_of(&[out])[0]).unwrap().unwrap();
    assert_eq!(
        store.source(&a.source).unwrap().unwrap().name,
        "Planet Daily"
    );
}
