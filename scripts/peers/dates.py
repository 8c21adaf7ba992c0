"""Publication-date peers on a mediacloud2020-format directory: htmldate in extensive mode and in
fast mode (`extensive_search=False`), both asked for the original (publication) date. Writes one
predictions file per system ({"id": URL, "date": "YYYY-MM-DD" or null, "seconds"} per page, for
`parallax eval dates --predictions`) and one meta file.

Each page's raw (decompressed) bytes and URL go to htmldate, as Parallax's extractor gets them;
only the find_date call is timed. One untimed call warms the library up (counted in
load_seconds)."""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import Stopwatch, dated_pages, write_json, write_jsonl  # noqa: E402


def systems():
    def htmldate(extensive):
        def load():
            from htmldate import find_date

            return lambda html, url: find_date(
                html,
                url=url,
                original_date=True,
                extensive_search=extensive,
                outputformat="%Y-%m-%d",
            )

        return load

    return [("htmldate", htmldate(True)), ("htmldate-fast", htmldate(False))]


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--only", action="append")
    args = ap.parse_args()
    pages = dated_pages(args.data)
    out = Path(args.out)
    for name, load in systems():
        if args.only and name not in args.only:
            continue
        start = time.perf_counter()
        find = load()
        try:
            find(pages[0][1], pages[0][0])
        except Exception:  # noqa: BLE001 - the warm-up only
            pass
        load_seconds = time.perf_counter() - start
        rows, errors, clock = [], [], Stopwatch()
        for url, html, _truth in pages:
            day = None
            try:
                with clock:
                    day = find(html, url)
            except Exception as e:  # noqa: BLE001 - a failed page is no date
                errors.append(f"{url}: {type(e).__name__}: {e}")
            rows.append({"id": url, "date": day or None, "seconds": clock.last})
        write_jsonl(out / f"{name}.jsonl", rows)
        write_json(
            out / f"{name}.meta.json",
            {
                "system": name,
                "docs": len(rows),
                "seconds": clock.seconds,
                "load_seconds": load_seconds,
                "errors": errors,
            },
        )
        print(
            f"dates {name}: {len(rows)} pages in {clock.seconds:.1f} s "
            f"(load {load_seconds:.1f} s, {len(errors)} errors)",
            file=sys.stderr,
        )


if __name__ == "__main__":
    main()
