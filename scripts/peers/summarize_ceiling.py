"""How far extractive summaries can go on the allsides roundups: two reference points for issue 4's
summary target, written as predictions for `parallax eval summarize --predictions` (which scores
them with the same ROUGE code as Parallax's own summaries, cut to the same word budget).

- oracle: per story, sentences of its articles taken greedily by how many of the *reference's*
  bigrams (stemmed, clipped counts) they add that are not covered yet, until the budget is reached.
  It reads the answer, so no system can be expected to reach it: it bounds what choosing
  sentences alone can give.
- concept: the concept-coverage summarizer of Gillick and Favre (2009), greedy: concepts are the
  story's stemmed bigrams (not both stop words) and content words found in at least two of its
  articles, weighted by the number of articles using them (words at 0.3); sentences of six words
  or more are taken by the weight of the concepts they add over their length to the power 0.7,
  until the budget is reached. A strong unsupervised system of a different family from the
  centroid, TextRank and LexRank peers.

Needs the peers' environment (nltk, sumy): target/peers-venv/bin/python scripts/peers/summarize_ceiling.py
--articles ARTICLES --references REFERENCES --out DIR [--words 100]; then score each file in DIR
with `parallax eval summarize ... --predictions DIR/NAME.jsonl --system NAME`.
"""

import collections
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import read_jsonl, story_key, summary_arguments, write_jsonl  # noqa: E402
from summarize import load_stories, split_sentences  # noqa: E402


def stemmer():
    from nltk.stem.porter import PorterStemmer

    porter, cache = PorterStemmer(), {}

    def stem(word):
        if word not in cache:
            cache[word] = porter.stem(word)
        return cache[word]

    return stem


def sentences_of(articles):
    """(article index, position in the article, sentence) of every sentence of the story."""
    out = []
    for a, paragraphs in enumerate(articles):
        k = 0
        for p in paragraphs:
            for s in split_sentences(p):
                out.append((a, k, s))
                k += 1
    return out


def oracle(articles, reference, budget, tokens):
    ref = tokens(reference)
    wanted = collections.Counter(zip(ref, ref[1:]))
    sentences = sentences_of(articles)
    grams = [collections.Counter(zip(t, t[1:])) for t in (tokens(s) for _, _, s in sentences)]
    covered, chosen, words = collections.Counter(), [], 0
    while words < budget:
        best = None
        for i, g in enumerate(grams):
            if i in chosen:
                continue
            gain = sum(min(c, wanted[b] - covered[b]) for b, c in g.items() if wanted[b] > covered[b])
            if gain > 0 and (best is None or gain > best[0]):
                best = (gain, i)
        if best is None:
            break
        chosen.append(best[1])
        covered.update(grams[best[1]])
        words += len(sentences[best[1]][2].split())
    return " ".join(sentences[i][2] for i in chosen)


def concept(articles, budget, tokens, stop, power=0.7, word_weight=0.3):
    sentences = sentences_of(articles)
    toks = [tokens(s) for _, _, s in sentences]
    bigrams = [{b for b in zip(t, t[1:]) if not (b[0] in stop and b[1] in stop)} for t in toks]
    words = [{w for w in t if w not in stop} for t in toks]
    df_b, df_w = collections.Counter(), collections.Counter()
    for a in {a for a, _, _ in sentences}:
        mine = [i for i, (x, _, _) in enumerate(sentences) if x == a]
        df_b.update(set().union(*(bigrams[i] for i in mine)))
        df_w.update(set().union(*(words[i] for i in mine)))
    weight_b = {b: c for b, c in df_b.items() if c >= 2}
    weight_w = {w: c for w, c in df_w.items() if c >= 2}
    covered_b, covered_w, chosen, total = set(), set(), [], 0
    while total < budget:
        best = None
        for i, (_, _, s) in enumerate(sentences):
            n = len(s.split())
            if i in chosen or n < 6:
                continue
            gain = sum(weight_b.get(b, 0) for b in bigrams[i] - covered_b)
            gain += word_weight * sum(weight_w.get(w, 0) for w in words[i] - covered_w)
            score = gain / n**power
            if gain > 0 and (best is None or score > best[0]):
                best = (score, i)
        if best is None:
            break
        i = best[1]
        chosen.append(i)
        covered_b |= bigrams[i]
        covered_w |= words[i]
        total += len(sentences[i][2].split())
    return " ".join(sentences[i][2] for i in chosen)


def main():
    ap = summary_arguments(__doc__)
    args = ap.parse_args()
    from sumy.utils import get_stop_words

    stop = set(get_stop_words("english"))
    stem = stemmer()

    def tokens(text):
        return [stem(w) for w in re.findall(r"[a-z0-9]+", text.lower())]

    stories, _corpus = load_stories(args.articles, args.references)
    references = {
        story_key(v["story"]): v.get("summary") or "" for _n, v in read_jsonl(args.references)
    }
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    rows = {
        "oracle": [
            {"story": s, "summary": oracle(a, references[s], args.words, tokens)} for s, a in stories
        ],
        "concept": [
            {"story": s, "summary": concept(a, args.words, tokens, stop)} for s, a in stories
        ],
    }
    for name, r in rows.items():
        write_jsonl(out / f"{name}.jsonl", r)
        print(f"summarize_ceiling: {name}: {len(r)} stories -> {out / (name + '.jsonl')}", file=sys.stderr)


if __name__ == "__main__":
    main()
