"""The side-by-side table of scripts/bench-peers: one row per stage, data set and system, from the
reports `parallax eval ... --format json` wrote (Parallax's own run, and each peer's predictions
scored by the same code) and the peers' meta files. Printed as Markdown."""

import argparse
import json
from pathlib import Path

STAGES = ["extract", "dates", "cluster", "summarize"]
CLUSTER_SETS = [("allsides", "allsides-dev"), ("neus", "neus-train")]

# (stage, data label, report stem, system) in table order.
SYSTEMS = {
    "extract": ["parallax", "trafilatura", "trafilatura-fast", "readability-lxml"],
    "dates": ["parallax", "htmldate", "htmldate-fast"],
    "cluster": ["parallax", "tfidf-agglo", "minilm-agglo"],
    "summarize": ["parallax", "lead", "lexrank", "textrank", "centroid"],
}


def load(path):
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None


def rate_of(stage, report):
    key = {
        "extract": "pages_per_second",
        "dates": "pages_per_second",
        "cluster": "articles_per_second",
        "summarize": "stories_per_second",
    }[stage]
    return report.get(key)


def quality(stage, r):
    """(main figure, the main figures for the delta, the other figures as text)."""
    if stage == "extract":
        return f"F1 {r['f1']:.3f}", [r["f1"]], f"P {r['precision']:.3f} R {r['recall']:.3f}"
    if stage == "dates":
        return (
            f"F1 {r['f1']:.3f}",
            [r["f1"]],
            f"P {r['precision']:.3f} R {r['recall']:.3f} acc {r['accuracy']:.3f}",
        )
    if stage == "cluster":
        return (
            f"BCubed F1 {r['bcubed_f1']:.3f}",
            [r["bcubed_f1"]],
            f"P {r['bcubed_precision']:.3f} R {r['bcubed_recall']:.3f}; pairwise F1 "
            f"{r['pairwise_f1']:.3f}; {r['stories']} stories ({r['gold_stories']} gold)",
        )
    return (
        f"R-1 F1 {r['rouge1_f1']:.3f}, R-2 F1 {r['rouge2_f1']:.3f}",
        [r["rouge1_f1"], r["rouge2_f1"]],
        f"R-1 R {r['rouge1_recall']:.3f}; R-L F1 {r['rougeL_f1']:.3f}",
    )


def fmt_rate(x):
    if x is None:
        return "–", "–"
    ms = 1000.0 / x
    ms_text = f"{ms:.2f}" if ms < 10 else f"{ms:.1f}" if ms < 100 else f"{ms:.0f}"
    return ms_text, f"{x:,.0f}" if x >= 10 else f"{x:.1f}"


def rows_for(stage, label, reports_dir, meta_dir, stem, meta_prefix=""):
    rows = []
    base = load(reports_dir / f"{stem}.parallax.json")
    for system in SYSTEMS[stage]:
        r = load(reports_dir / f"{stem}.{system}.json")
        if r is None:
            continue
        meta = load(meta_dir / f"{meta_prefix}{system}.meta.json") or {}
        main, values, other = quality(stage, r)
        if meta.get("threshold") is not None:
            other += f"; threshold {meta['threshold']:.2f}"
        if meta.get("errors"):
            other += f"; {len(meta['errors'])} failed"
        rate = rate_of(stage, r)
        ms, per_s = fmt_rate(rate)
        if system == "parallax" or base is None:
            delta, ratio = "", ""
        else:
            _m, base_values, _o = quality(stage, base)
            delta = " / ".join(f"{100 * (v - b):+.1f}" for v, b in zip(values, base_values))
            base_rate = rate_of(stage, base)
            ratio = f"{base_rate / rate:.1f}×" if rate and base_rate else "–"
        load_s = meta.get("load_seconds")
        rows.append(
            [
                stage,
                label,
                f"**{system}**" if system == "parallax" else system,
                main,
                other,
                ms,
                per_s,
                delta,
                ratio,
                "" if load_s is None else f"{load_s:.1f}",
            ]
        )
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--dir", required=True, help="target/bench-peers")
    ap.add_argument("--stage", action="append", choices=STAGES)
    args = ap.parse_args()
    root = Path(args.dir)
    reports = root / "reports"
    rows = []
    for stage in args.stage or STAGES:
        if stage == "extract":
            rows += rows_for(stage, "scrapinghub", reports, root / "extract", "extract")
        elif stage == "dates":
            rows += rows_for(stage, "mediacloud2020", reports, root / "dates", "dates")
        elif stage == "cluster":
            for tag, label in CLUSTER_SETS:
                rows += rows_for(
                    stage, label, reports, root / "cluster", f"cluster.{tag}", f"{tag}."
                )
        else:
            rows += rows_for(
                stage, "allsides-dev, 100 words", reports, root / "summarize", "summarize"
            )
    head = [
        "stage",
        "data",
        "system",
        "quality",
        "details",
        "ms/doc",
        "docs/s",
        "Δ quality vs Parallax (points)",
        "Parallax speed ÷ system speed",
        "load s",
    ]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
