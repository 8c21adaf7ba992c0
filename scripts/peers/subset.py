"""Small copies of the evaluation sets for `scripts/bench-peers --quick` (a smoke run): the first
pages or stories of each set, in the sets' own formats, so that Parallax and the peers run on the
same files. Pages are linked, not copied."""

import argparse
import json
import os
from pathlib import Path

from common import read_jsonl, story_key


def pages_subset(src, dst, truth_name, count, html_name):
    src, dst = Path(src), Path(dst)
    truth = json.loads((src / truth_name).read_text(encoding="utf-8"))
    keep = {k: truth[k] for k in sorted(truth)[:count]}
    (dst / "html").mkdir(parents=True, exist_ok=True)
    for key, entry in keep.items():
        name = html_name(key, entry)
        link = dst / "html" / name
        if not link.exists():
            os.symlink((src / "html" / name).resolve(), link)
    # json.dumps writes a missing date back as the set's own bare NaN.
    (dst / truth_name).write_text(json.dumps(keep, ensure_ascii=False), encoding="utf-8")


def lines_subset(src, dst, stories):
    """The lines of the first `stories` stories of a JSON Lines file; returns their keys."""
    keep, out = [], []
    for _n, v in read_jsonl(src):
        key = story_key(v["story"])
        if key not in keep:
            if len(keep) >= stories:
                continue
            keep.append(key)
        out.append(json.dumps(v, ensure_ascii=False))
    Path(dst).parent.mkdir(parents=True, exist_ok=True)
    Path(dst).write_text("\n".join(out) + "\n", encoding="utf-8")
    return set(keep)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--eval", required=True, help="the evaluation data folder (shared/eval)")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    ev, out = Path(args.eval), Path(args.out)
    pages_subset(
        ev / "extraction/scrapinghub",
        out / "scrapinghub",
        "ground-truth.json",
        30,
        lambda key, _e: f"{key}.html.gz",
    )
    pages_subset(
        ev / "dates/mediacloud2020",
        out / "mediacloud2020",
        "truth.json",
        30,
        lambda _k, e: f"{e['file']}.gz",
    )
    kept = lines_subset(
        ev / "clustering/allsides-dev.articles.jsonl", out / "allsides-dev.articles.jsonl", 60
    )
    lines_subset(
        ev / "clustering/neus-train.triplets.jsonl", out / "neus-train.triplets.jsonl", 200
    )
    refs = [
        json.dumps(v, ensure_ascii=False)
        for _n, v in read_jsonl(ev / "summarization/allsides-dev.roundups.jsonl")
        if story_key(v["story"]) in kept
    ]
    (out / "allsides-dev.roundups.jsonl").write_text("\n".join(refs) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
