#!/usr/bin/env python3
"""Helper of scripts/bench-web (Python 3.11, standard library only).

Subcommands:

  gen EVAL_DIR OUT.jsonl --count N [--seed S] [--days D]
      Writes at least N article records for `parallax import`, made by replaying the evaluation
      articles of EVAL_DIR/clustering (allsides-dev: 787 articles with their outlets; neus-train:
      7,356 titles and leads, given outlets drawn from allsides' outlet names and sites) as many
      times as needed. Replay 0 is the original text; every other replay maps each word of four
      letters or more (except English function words) through its own permutation of the
      vocabulary, within bands of similar frequency. The articles of one story in one replay thus
      still share their words as the originals did (and cluster as they did), while two replays of
      the same story share few words: each replay forms its own stories (the clusterer's time
      penalty alone is far too weak to keep identical texts apart, and the store refuses identical
      bodies anyway). Every record gets a new URL (a `/replay-N/` path segment on the outlet's
      site) and a publication time in the last D days (one time per story and replay, the
      articles within ten hours of it). Records are written in publication order, as a crawl
      would meet them.

  paths KIND URL OUT [--pages N] [--words N] [--countries CC,...]
      Fetches the paths wrk rotates over from a running server: KIND `story` gives /story/ID for
      stories at evenly spread offsets of /api/stories (500 per page); KIND `search` gives
      /search?q=WORD for words taken from those stories' titles.

  table RESULTS.jsonl META.json
      Prints the Markdown report from the per-route results (lines written by the wrk Lua
      script's done(), tagged with the route) and the run's metadata.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import json
import math
import random
import re
import sys
import urllib.parse
import urllib.request
from pathlib import Path

WORD = re.compile(r"[^\W\d_]+")


def load_sets(eval_dir: Path) -> tuple[list[dict], list[dict]]:
    """allsides records (with source, bias, url) and neus triplets, as lists of stories."""
    allsides: dict[str, list[dict]] = collections.OrderedDict()
    with open(eval_dir / "clustering" / "allsides-dev.articles.jsonl", encoding="utf-8") as f:
        for line in f:
            if line.strip():
                r = json.loads(line)
                allsides.setdefault(r["story"], []).append(r)
    neus = []
    p = eval_dir / "clustering" / "neus-train.triplets.jsonl"
    if p.exists():
        with open(p, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    neus.append(json.loads(line))
    return list(allsides.values()), neus


def outlets_of(allsides: list[list[dict]]) -> list[tuple[str, str, str, int]]:
    """(name, host, bias, article count) of allsides' outlets with at least 3 articles."""
    hosts: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    bias: dict[str, str] = {}
    for story in allsides:
        for r in story:
            host = urllib.parse.urlsplit(r.get("url") or "").hostname
            if host:
                hosts[r["source"]][host] += 1
                bias[r["source"]] = r.get("bias") or ""
    out = []
    for name, c in hosts.items():
        n = sum(c.values())
        if n >= 3:
            out.append((name, c.most_common(1)[0][0], bias[name], n))
    out.sort(key=lambda o: (-o[3], o[0]))
    return out


def vocabulary(texts: list[str]) -> list[str]:
    counts: collections.Counter = collections.Counter()
    for t in texts:
        for w in WORD.findall(t):
            if len(w) >= 4:
                counts[w.lower()] += 1
    return [w for w, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


FUNCTION_WORDS = set(
    """about above across after again against along also although among amid another anyone because
    been before being below between both cannot could does doing down during each either else even
    ever every from further have having here hers herself himself however into itself just last
    least less many more most much must neither never next none once only onto other others ours
    over same several should since some such than that their theirs them themselves then there
    these they this those though through thus till toward towards under unless until upon very
    were what whatever when whenever where whether which while whom whose will with within without
    would your yours said says told according""".split()
)


def permutation(vocab: list[str], rng: random.Random, band: int = 64) -> dict:
    """A map word -> word: English function words unchanged, the rest permuted within bands of
    `band` neighbours in frequency order (so frequent words stay frequent)."""
    mapping = {w: w for w in vocab if w in FUNCTION_WORDS}
    rest = [w for w in vocab if w not in FUNCTION_WORDS]
    for i in range(0, len(rest), band):
        chunk = rest[i : i + band]
        shuffled = chunk[:]
        rng.shuffle(shuffled)
        mapping.update(zip(chunk, shuffled))
    return mapping


def apply_case(src: str, dst: str) -> str:
    if len(src) > 1 and src.isupper():
        return dst.upper()
    if src[:1].isupper():
        return dst[:1].upper() + dst[1:]
    return dst


def rewrite(text: str, mapping: dict | None) -> str:
    if not mapping or not text:
        return text

    def sub(m: re.Match) -> str:
        w = m.group(0)
        if len(w) < 4:
            return w
        t = mapping.get(w.lower())
        return apply_case(w, t) if t else w

    return WORD.sub(sub, text)


def gen(args: argparse.Namespace) -> None:
    eval_dir = Path(args.eval_dir)
    allsides, neus = load_sets(eval_dir)
    outlets = outlets_of(allsides)
    weights = [o[3] for o in outlets]
    texts = [r.get("title") or "" for s in allsides for r in s] + [r["text"] for s in allsides for r in s]
    for t in neus:
        for a in t["articles"]:
            texts += [a.get("title") or "", a.get("text") or ""]
    vocab = vocabulary(texts)
    rng = random.Random(args.seed)
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    span = args.days * 86400 - 3600  # keep the oldest story an hour inside the window

    # One replay: the stories of both sets, each a list of (title, text, source, host, bias, path).
    base: list[tuple[str, list[tuple]]] = []
    for story in allsides:
        items = []
        for r in story:
            u = urllib.parse.urlsplit(r.get("url") or "")
            items.append((r.get("title"), r["text"], r.get("source"), u.hostname or "", r.get("bias"),
                          (u.path or "/") + (("?" + u.query) if u.query else "")))
        base.append(("allsides-" + story[0]["story"], items))
    nrng = random.Random(args.seed + 1)
    for t in neus:
        chosen: set[str] = set()
        items = []
        for i, a in enumerate(t["articles"]):
            while True:
                o = nrng.choices(outlets, weights)[0]
                if o[0] not in chosen:
                    break
            chosen.add(o[0])
            items.append((a.get("title"), a.get("text") or "", o[0], o[1], o[2], f"/neus/{t['story']}-{i}"))
        base.append((t["story"], items))
    per_replay = sum(len(items) for _, items in base)

    records = []
    replay = 0
    while len(records) < args.count:
        mapping = None if replay == 0 else permutation(vocab, random.Random(args.seed * 1000 + replay))
        order = list(range(len(base)))
        rng.shuffle(order)
        for si in order:
            if len(records) >= args.count:
                break
            key, items = base[si]
            t0 = now - dt.timedelta(seconds=rng.randint(600, span))
            for j, (title, text, source, host, bias, path) in enumerate(items):
                at = min(t0 + dt.timedelta(seconds=rng.randint(0, 10 * 3600)), now - dt.timedelta(seconds=60))
                rec = {
                    "id": f"r{replay}-{key}-{j}",
                    "source": source,
                    "title": rewrite(title, mapping),
                    "url": f"https://{host or 'replay.example'}/replay-{replay}{path}",
                    "text": rewrite(text, mapping),
                    "published": at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "language": "en",
                }
                if bias:
                    rec["bias"] = bias
                records.append(rec)
        replay += 1
    records.sort(key=lambda r: r["published"])
    with open(args.out, "w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(
        f"wrote {len(records)} records ({replay} replays of {per_replay} articles: "
        f"{sum(len(s) for s in allsides)} allsides + {3 * len(neus)} neus; "
        f"{len(outlets)} outlet names for neus) to {args.out}",
        file=sys.stderr,
    )


def get_json(url: str):
    with urllib.request.urlopen(url, timeout=120) as r:
        return json.load(r)


STOP = set(
    """about above after again against also among amid amidst around back been before being below
    between both could does doing down during each from further have having here into just more most
    much must need only other over said says same should since some still such than that their them
    then there these they this those through under until upon very were what when where which while
    whom whose will with without would your after amid says over year years week""".split()
)


def story_rows(url: str, pages: int) -> list[dict]:
    total = None
    try:
        st = get_json(url + "/api/status")
        total = st.get("stories") if isinstance(st, dict) else None
        if not isinstance(total, int):
            total = None
    except Exception:
        total = None
    offsets = [0]
    if total and total > 500:
        step = max(500, (total - 500) // max(1, pages - 1))
        offsets = [min(i * step, total - 500) for i in range(pages)]
    else:
        offsets = [i * 500 for i in range(pages)]
    rows, seen = [], set()
    for off in sorted(set(offsets)):
        page = get_json(f"{url}/api/stories?limit=500&offset={off}")
        if isinstance(page, dict):
            page = page.get("stories") or []
        if not page:
            break
        for r in page:
            if r.get("id") not in seen:
                seen.add(r.get("id"))
                rows.append(r)
    return rows


def paths(args: argparse.Namespace) -> None:
    rows = story_rows(args.url, args.pages)
    rng = random.Random(7)
    out: list[str] = []
    if args.kind == "story":
        ids = [r["id"] for r in rows if r.get("id")]
        rng.shuffle(ids)
        out = ["/story/" + urllib.parse.quote(i, safe="") for i in ids]
    elif args.kind == "search":
        counts: collections.Counter = collections.Counter()
        for r in rows:
            for w in WORD.findall(r.get("title") or ""):
                lw = w.lower()
                if len(lw) >= 5 and lw not in STOP:
                    counts[lw] += 1
        words = [w for w, _ in counts.most_common()]
        # Frequent and rare words alike: every other word of the frequency list, up to N.
        words = words[: args.words * 4 : 2][: args.words] if len(words) > args.words * 2 else words[: args.words]
        rng.shuffle(words)
        out = ["/search?q=" + urllib.parse.quote(w) for w in words]
    if not out:
        sys.exit(f"no {args.kind} paths found at {args.url}")
    Path(args.out).write_text("\n".join(out) + "\n", encoding="utf-8")
    print(f"{len(out)} {args.kind} paths from {len(rows)} stories", file=sys.stderr)


def ms(us) -> str:
    if us is None:
        return "> timeout"
    v = us / 1000.0
    return f"{v:.1f}" if v < 100 else f"{v:.0f}"


def table(args: argparse.Namespace) -> None:
    meta = json.loads(Path(args.meta).read_text(encoding="utf-8"))
    results = [json.loads(l) for l in Path(args.results).read_text(encoding="utf-8").splitlines() if l.strip()]
    limit_us = 50_000
    lines = []
    lines.append(f"# Web latency at {meta.get('articles', '?')} stored articles (scripts/bench-web)")
    lines.append("")
    lines.append(f"- date: {meta.get('date')}; git commit: {meta.get('commit')}")
    lines.append(
        f"- database: {meta.get('db')} ({meta.get('db_mb')} MB): {meta.get('articles')} articles, "
        f"{meta.get('stories')} stories, {meta.get('sources')} sources"
        + (f"; built (parallax import) in {meta['build_s']} s" if meta.get("build_s")
           else "; reused from bench-out" + (f" (its import took {meta['cached_build_s']} s)" if meta.get("cached_build_s") else ""))
    )
    if meta.get("build_note"):
        lines.append(f"- database note: {meta['build_note']}")
    lines.append(
        f"- machine: nproc {meta.get('nproc')}, {meta.get('cpu')}; load average before/after: "
        f"{meta.get('load_before')} / {meta.get('load_after')} (other work on the machine makes the figures noisy)"
    )
    lines.append(
        f"- load: wrk {meta.get('wrk_version', '')} on 127.0.0.1, {meta.get('connections')} connections, 1 thread, "
        f"target {meta.get('rate')} req/s paced by a Lua delay() schedule; {meta.get('warmup')} s warm-up then "
        f"{meta.get('duration')} s measured per route; latencies from wrk's histogram (ms)"
    )
    lines.append(f"- requirement (issue 12): p99 <= 50 ms per route at 200 req/s with >= 100,000 articles")
    lines.append("")
    lines.append("| route | paths rotated | requests | req/s | p50 | p90 | p99 | p99.9 | max | non-2xx/3xx | socket errors | p99 <= 50 ms |")
    lines.append("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        dur_s = (r.get("duration_us") or 0) / 1e6
        rate = r["requests"] / dur_s if dur_s else 0
        sock = sum(r["errors"].get(k, 0) for k in ("connect", "read", "write", "timeout"))
        non2xx = r.get("non2xx", r["errors"].get("status", 0))
        ok = r["p99_us"] <= limit_us and non2xx == 0 and sock == 0
        if r["requests"] - r["errors"].get("timeout", 0) <= 0:
            # Every response came after wrk's timeout: wrk keeps no latency for them.
            for k in ("p50_us", "p90_us", "p99_us", "p999_us", "max_us"):
                r[k] = None
            ok = False
        lines.append(
            f"| `{r['route']}` | {r.get('paths', 1)} | {r['requests']} | {rate:.1f} | {ms(r['p50_us'])} | "
            f"{ms(r['p90_us'])} | {ms(r['p99_us'])} | {ms(r['p999_us'])} | {ms(r['max_us'])} | {non2xx} | "
            f"{sock} | {'yes' if ok else '**no**'} |"
        )
    lines.append("")
    lines.append(
        "non-2xx/3xx counts responses outside 200-299 (read by the Lua response() hook); socket errors are "
        "wrk's connect + read + write + timeout errors."
    )
    print("\n".join(lines))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("gen")
    g.add_argument("eval_dir")
    g.add_argument("out")
    g.add_argument("--count", type=int, default=100_000)
    g.add_argument("--seed", type=int, default=12)
    g.add_argument("--days", type=int, default=30)
    p = sub.add_parser("paths")
    p.add_argument("kind", choices=["story", "search"])
    p.add_argument("url")
    p.add_argument("out")
    p.add_argument("--pages", type=int, default=12)
    p.add_argument("--words", type=int, default=400)
    t = sub.add_parser("table")
    t.add_argument("results")
    t.add_argument("meta")
    args = ap.parse_args()
    {"gen": gen, "paths": paths, "table": table}[args.cmd](args)


if __name__ == "__main__":
    main()
