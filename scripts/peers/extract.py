"""Main-content extraction peers on a scrapinghub-format directory: trafilatura (default mode and
fast mode) and readability-lxml. Writes one predictions file per system ({"id", "text",
"seconds"} per page, for `parallax eval extract --predictions`) and one meta file.

Each page's raw (decompressed) bytes and URL go to the library as Parallax's extractor gets them;
only the extraction call is timed (reading and decompressing are not). One untimed call on the
first page before timing warms each library up (its lazy set-up is counted in load_seconds)."""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import Stopwatch, extraction_pages, write_json, write_jsonl  # noqa: E402

BLOCKS = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
    "pre", "table", "tr", "td", "th", "section", "article", "header", "footer", "figure",
    "figcaption", "dd", "dt", "dl", "hr",
}


def html_to_text(fragment):
    """Text of an HTML fragment, a line break after each block element (so that words of
    neighbouring blocks are not run together)."""
    import lxml.html

    if not fragment or not fragment.strip():
        return ""
    root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    parts = []

    def walk(el):
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in ("script", "style"):
            if el.tail:
                parts.append(el.tail)
            return
        if el.text:
            parts.append(el.text)
        for child in el:
            walk(child)
        if tag in BLOCKS:
            parts.append("\n")
        if el.tail:
            parts.append(el.tail)

    walk(root)
    lines = [" ".join(line.split()) for line in "".join(parts).split("\n")]
    return "\n".join(line for line in lines if line)


def systems():
    """(name, load function returning an extract(html, url) callable)."""

    def trafilatura_default():
        import trafilatura

        return lambda html, url: trafilatura.extract(html, url=url)

    def trafilatura_fast():
        import trafilatura

        return lambda html, url: trafilatura.extract(html, url=url, fast=True)

    def readability():
        from readability import Document

        return lambda html, url: html_to_text(Document(html, url=url).summary(html_partial=True))

    return [
        ("trafilatura", trafilatura_default),
        ("trafilatura-fast", trafilatura_fast),
        ("readability-lxml", readability),
    ]


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True, help="directory for the predictions and meta files")
    ap.add_argument("--only", action="append", help="run only this system (repeatable)")
    args = ap.parse_args()
    pages = extraction_pages(args.data)
    out = Path(args.out)
    for name, load in systems():
        if args.only and name not in args.only:
            continue
        start = time.perf_counter()
        extract = load()
        try:
            extract(pages[0][2], pages[0][1])
        except Exception:  # noqa: BLE001 - the warm-up only
            pass
        load_seconds = time.perf_counter() - start
        rows, errors, clock = [], [], Stopwatch()
        for page_id, url, html, _truth in pages:
            text = None
            try:
                with clock:
                    text = extract(html, url)
            except Exception as e:  # noqa: BLE001 - a failed page is an empty prediction
                errors.append(f"{page_id}: {type(e).__name__}: {e}")
            rows.append({"id": page_id, "text": text, "seconds": clock.last})
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
            f"extract {name}: {len(rows)} pages in {clock.seconds:.1f} s "
            f"(load {load_seconds:.1f} s, {len(errors)} errors)",
            file=sys.stderr,
        )


if __name__ == "__main__":
    main()
