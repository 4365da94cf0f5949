#!/usr/bin/env python3
"""The yardstick beside rolecheck: scikit-learn TF-IDF + LogisticRegression.

What a user would write in ten lines, trained on the same corpus and scored
on the same cross-validation folds as `rolecheck train` (stratified, seed 42,
SplitMix64 shuffles: the fold assignment is reimplemented below) and on the
dev set. Not part of `cargo test`; run it with

    pip install scikit-learn
    python3 benches/baseline/baseline.py [--corpus corpus/postings.jsonl] [--dev corpus/dev.jsonl]

It prints macro-F1, accuracy and the share of product-role texts read as
`other`, for the text alone and for title + text.
"""
import argparse
import json
import re
import unicodedata

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import make_pipeline

ROLES = ["pm", "po", "pmm", "ai-pm", "data-pm", "product-ops", "other"]
MASK64 = (1 << 64) - 1

# Function words of French and English: a plain French-aware analyzer.
STOP_WORDS = set("""
a à au aux avec ce ces cet cette dans de des du elle en et eux il ils je la le les leur leurs lui ma
mais me même mes moi mon ne nos notre nous on ou où par pas pour qu que qui sa se ses son sur ta te
tes toi ton tu un une vos votre vous y été être avoir est sont sera serez êtes c d j l m n s t
plus très tout tous toute toutes afin ainsi comme dont chez entre vers sans sous ni si
the and of to in for on with at by from as an be is are will you your we our us it its this that
these those or not but can have has who which what their they them into about than then so such
""".split())


def analyzer(text):
    text = unicodedata.normalize("NFC", text).lower().replace("’", "'").replace("œ", "oe")
    text = re.sub(r"\b([cdjlmnst]|qu|jusqu)'", " ", text)
    text = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
    words = [w for w in re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)*", text) if w not in STOP_WORDS]
    return words + [f"{a} {b}" for a, b in zip(words, words[1:])]


def splitmix64(state):
    state = (state + 0x9E3779B97F4A7C15) & MASK64
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return state, z ^ (z >> 31)


def stratified_folds(labels, k, seed):
    """rolecheck's `stratified_folds`, step for step."""
    state, folds, next_fold = seed, [0] * len(labels), 0
    for role in ROLES:
        idx = [i for i, l in enumerate(labels) if l == role]
        for i in range(len(idx) - 1, 0, -1):
            state, r = splitmix64(state)
            j = r % (i + 1)
            idx[i], idx[j] = idx[j], idx[i]
        for i in idx:
            folds[i] = next_fold
            next_fold = (next_fold + 1) % k
    return folds


def load(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def pipeline():
    search = GridSearchCV(
        LogisticRegression(max_iter=2000),
        {"C": [1, 3, 10, 30, 100]},
        cv=StratifiedKFold(3, shuffle=True, random_state=0),
        scoring="f1_macro",
    )
    return make_pipeline(TfidfVectorizer(analyzer=analyzer, sublinear_tf=True, min_df=2), search)


def product_as_other(truth, pred):
    product = [p for t, p in zip(truth, pred) if t != "other"]
    return sum(p == "other" for p in product) / max(1, len(product))


def report(name, truth, pred):
    print(
        f"{name:<34} macro-F1 {f1_score(truth, pred, average='macro'):.3f}  "
        f"accuracy {accuracy_score(truth, pred):.3f}  "
        f"product roles read as other {100 * product_as_other(truth, pred):.1f} %"
    )


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default="corpus/postings.jsonl")
    ap.add_argument("--dev", default="corpus/dev.jsonl")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args()
    corpus, dev = load(args.corpus), load(args.dev)
    labels = [p["label"] for p in corpus]
    folds = stratified_folds(labels, args.folds, args.seed)
    for with_title in (False, True):
        text = (lambda p: p["title"] + "\n" + p["text"]) if with_title else (lambda p: p["text"])
        mode = "title + text" if with_title else "text only"
        pred = [None] * len(corpus)
        for f in range(args.folds):
            train = [i for i in range(len(corpus)) if folds[i] != f]
            test = [i for i in range(len(corpus)) if folds[i] == f]
            model = pipeline().fit([text(corpus[i]) for i in train], [labels[i] for i in train])
            for i, p in zip(test, model.predict([text(corpus[i]) for i in test])):
                pred[i] = p
        report(f"corpus CV ({mode})", labels, pred)
        model = pipeline().fit([text(p) for p in corpus], labels)
        report(f"dev set ({mode})", [p["label"] for p in dev], list(model.predict([text(p) for p in dev])))


if __name__ == "__main__":
    main()
