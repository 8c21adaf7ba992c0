"""Extractive summary peers on the allsides articles (grouped by story), for the stories that have
a reference roundup:

- lead: the articles' first sentences, round robin (the first sentence of each article in file
  order, then the second of each, ...);
- lexrank, textrank: sumy's LexRankSummarizer and TextRankSummarizer (Snowball English stemmer,
  sumy's English stop words), given this file's own sentence and word tokenizer instead of sumy's
  default NLTK one, whose punkt data cannot be downloaded here; the best-rated sentences are taken
  until the word budget is filled and returned in document order, as sumy returns them;
- centroid: TF-IDF centroid (scikit-learn vectors, idf from every article of the file): sentences
  by cosine to the story's centroid, best first, skipping one too close (cosine > 0.6) to a sentence
  already taken.

Each system stops adding sentences once the budget (--words) is reached; `parallax eval summarize
--predictions` cuts every summary to the budget itself, as it cuts Parallax's. Timed per story:
tokenizing, rating and selecting (the imports, the stemmer and the centroid's idf are load time).
Writes {"story", "summary", "seconds"} per story and a meta file per system."""

import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (  # noqa: E402
    Stopwatch,
    read_jsonl,
    story_key,
    summary_arguments,
    write_json,
    write_jsonl,
)

ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "sen", "sens", "rep", "reps", "gov", "gen", "lt", "col",
    "sgt", "capt", "cmdr", "adm", "st", "jr", "sr", "inc", "corp", "co", "ltd", "vs", "etc",
    "no", "nos", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
    "dec", "u.s", "u.k", "u.n", "e.g", "i.e", "a.m", "p.m", "d.c", "ph.d", "rev", "ft", "mt",
    "pres", "gov't", "dept", "est", "approx", "fig", "al",
}
BOUNDARY = re.compile(r"([.!?]+[\"'\u201d\u2019)\]]*)\s+(?=[\"'\u201c\u2018(\[]?[A-Z0-9])")
LAST_WORD = re.compile(r"(\S+)$")
WORD = re.compile(r"\w+(?:['\u2019]\w+)*")


def split_sentences(text):
    """Sentences of one paragraph: a break after . ! or ? (and closing quotes or brackets) that
    is followed by white space and a capital or a digit, unless the word before the full stop is a
    known abbreviation or an initial."""
    out, start = [], 0
    for m in BOUNDARY.finditer(text):
        if m.group(1).startswith("."):
            last = LAST_WORD.search(text[start : m.start(1)])
            word = last.group(1).lower().lstrip("\"'(\u201c\u2018[") if last else ""
            if word in ABBREVIATIONS or re.fullmatch(r"[a-z]|(?:[a-z]\.)+[a-z]", word):
                continue
        sentence = text[start : m.end(1)].strip()
        if sentence:
            out.append(sentence)
        start = m.end()
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out


def words_of(text):
    return WORD.findall(text)


class Tokenizer:
    """The tokenizer object sumy's parsers call (to_sentences, to_words), without NLTK data."""

    language = "english"

    def to_sentences(self, paragraph):
        return split_sentences(paragraph)

    def to_words(self, sentence):
        return words_of(sentence)


def load_stories(articles_path, references_path):
    """(story, [paragraphs of each article]) for the stories scored: those with a non-blank
    reference and at least one article (as summarize.rs scores them), in reference file order."""
    by_story, all_texts = {}, []
    for n, v in read_jsonl(articles_path):
        story = story_key(v["story"])
        text = v.get("text") or ""
        paragraphs = [p.strip() for p in text.split("\n") if p.strip()]
        by_story.setdefault(story, []).append(paragraphs)
        all_texts.append(f"{v.get('title') or ''}\n{text}")
    stories = []
    for _n, v in read_jsonl(references_path):
        story = story_key(v["story"])
        if (v.get("summary") or "").strip() and story in by_story:
            stories.append((story, by_story[story]))
    return stories, all_texts


def fill(sentences, budget):
    """The sentences, in the given order, until `budget` words are reached."""
    out, n = [], 0
    for s in sentences:
        if n >= budget:
            break
        out.append(s)
        n += len(s.split())
    return out


def lead_system(budget, _corpus):
    def summarize(articles):
        per_article = [[s for p in paras for s in split_sentences(p)] for paras in articles]
        order = []
        for i in range(max((len(a) for a in per_article), default=0)):
            order.extend(a[i] for a in per_article if i < len(a))
        return " ".join(fill(order, budget))

    return summarize


def sumy_system(kind):
    def build(budget, _corpus):
        from sumy.nlp.stemmers import Stemmer
        from sumy.parsers.plaintext import PlaintextParser
        from sumy.summarizers.lex_rank import LexRankSummarizer
        from sumy.summarizers.text_rank import TextRankSummarizer
        from sumy.utils import get_stop_words

        cls = LexRankSummarizer if kind == "lexrank" else TextRankSummarizer
        summarizer = cls(Stemmer("english"))
        summarizer.stop_words = get_stop_words("english")
        tokenizer = Tokenizer()

        def take(infos):
            # sumy hands the sentences best-rated first; it restores document order itself.
            out, n = [], 0
            for info in infos:
                if n >= budget:
                    break
                out.append(info)
                n += len(info.sentence.words)
            return out

        def summarize(articles):
            text = "\n\n".join("\n\n".join(paras) for paras in articles)
            document = PlaintextParser.from_string(text, tokenizer).document
            return " ".join(str(s) for s in summarizer(document, take))

        return summarize

    return build


def centroid_system(budget, corpus):
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit(corpus)

    def summarize(articles):
        sentences = [s for paras in articles for p in paras for s in split_sentences(p)]
        sentences = [s for s in sentences if len(words_of(s)) >= 4] or sentences
        if not sentences:
            return ""
        vectors = vectorizer.transform(sentences)
        centroid = np.asarray(vectors.sum(axis=0)).ravel()
        norm = np.linalg.norm(centroid)
        if norm > 0:
            centroid /= norm
        scores = vectors @ centroid
        chosen, rows, n = [], [], 0
        for i in np.argsort(-scores, kind="stable"):
            if n >= budget:
                break
            v = vectors[i]
            if rows and max((v @ r.T).toarray().ravel()[0] for r in rows) > 0.6:
                continue
            chosen.append(sentences[i])
            rows.append(v)
            n += len(sentences[i].split())
        return " ".join(chosen)

    return summarize


SYSTEMS = [
    ("lead", lead_system),
    ("lexrank", sumy_system("lexrank")),
    ("textrank", sumy_system("textrank")),
    ("centroid", centroid_system),
]


def main():
    ap = summary_arguments(__doc__)
    ap.add_argument("--only", action="append")
    args = ap.parse_args()
    stories, corpus = load_stories(args.articles, args.references)
    out = Path(args.out)
    for name, build in SYSTEMS:
        if args.only and name not in args.only:
            continue
        start = time.perf_counter()
        summarize = build(args.words, corpus)
        summarize(stories[0][1])  # warm-up
        load_seconds = time.perf_counter() - start
        rows, errors, clock = [], [], Stopwatch()
        for story, articles in stories:
            summary = None
            try:
                with clock:
                    summary = summarize(articles)
            except Exception as e:  # noqa: BLE001 - a failed story is an empty summary
                errors.append(f"{story}: {type(e).__name__}: {e}")
            rows.append({"story": story, "summary": summary, "seconds": clock.last})
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
            f"summarize {name}: {len(rows)} stories in {clock.seconds:.1f} s "
            f"(load {load_seconds:.1f} s, {len(errors)} errors)",
            file=sys.stderr,
        )


if __name__ == "__main__":
    main()
