"""Shared helpers of the peer runners: reading the evaluation sets the way Parallax's loaders do
(crates/parallax-eval/src/*.rs), writing predictions as JSON Lines, and a stopwatch."""

import argparse
import gzip
import json
import math
import os
import time
from pathlib import Path


def story_key(value):
    """The story key as the Rust loaders write it: a string as is, a number as its digits."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or value is None:
        raise ValueError(f"bad story key {value!r}")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_jsonl(path):
    """(line number, object) of every non-blank line."""
    out = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                out.append((n, json.loads(line)))
    return out


def extraction_pages(data_dir):
    """(id, url, html bytes, truth) of the scrapinghub set, sorted by id (as extract::load)."""
    data_dir = Path(data_dir)
    truth = json.loads((data_dir / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for page_id in sorted(truth):
        with gzip.open(data_dir / "html" / f"{page_id}.html.gz", "rb") as f:
            html = f.read()
        entry = truth[page_id]
        pages.append((page_id, entry.get("url") or "", html, entry.get("articleBody") or ""))
    return pages


def dated_pages(data_dir):
    """(url, html bytes, true day or None) of the mediacloud2020 set, sorted by URL (as
    dates::load; the id of a page is its URL)."""
    data_dir = Path(data_dir)
    # json accepts the set's bare NaN; it reads as float('nan').
    truth = json.loads((data_dir / "truth.json").read_text(encoding="utf-8"))
    pages = []
    for url in sorted(truth):
        entry = truth[url]
        with gzip.open(data_dir / "html" / f"{entry['file']}.gz", "rb") as f:
            html = f.read()
        date = entry.get("date")
        if isinstance(date, float) and math.isnan(date):
            date = None
        pages.append((url, html, date))
    return pages


def cluster_articles(path):
    """(id, story, title, text) of an allsides articles file or a NeuS triplets file, in file
    order, with the ids cluster::parse gives them."""
    out = []
    for n, v in read_jsonl(path):
        story = story_key(v["story"])
        if isinstance(v.get("articles"), list):
            for i, a in enumerate(v["articles"]):
                out.append((f"{story}-{i}", story, a.get("title") or "", a.get("text") or ""))
        else:
            article_id = v["id"] if isinstance(v.get("id"), str) else f"{story}-line{n}"
            out.append((article_id, story, v.get("title") or "", v.get("text") or ""))
    return out


def write_jsonl(path, rows):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    os.replace(tmp, path)


def write_json(path, value):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


class Stopwatch:
    """Sums the time of the timed blocks."""

    def __init__(self):
        self.seconds = 0.0

    def __enter__(self):
        self._start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.last = time.perf_counter() - self._start
        self.seconds += self.last
        return False


def summary_arguments(description):
    """The command-line arguments every summary script takes: the articles and reference files,
    the word budget and the output folder."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--articles", required=True)
    ap.add_argument("--references", required=True)
    ap.add_argument("--words", type=int, default=100)
    ap.add_argument("--out", required=True)
    return ap
