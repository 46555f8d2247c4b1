#!/usr/bin/env python3
"""Measure a sentiment scorer on labelled sets (label<TAB>text per line).

Usage: scripts/sentiment-eval.py DIR_OR_FILES... [-- COMMAND...]

COMMAND (default: target/release/vigie sentiment --lang auto) reads texts on stdin, one per
line, and prints one score per line. For each set this prints:
- binary accuracy on clearly polar items (|label| >= 0.25, or pos/neg); a score of exactly 0
  counts as wrong;
- 3-class macro-F1, scores and numeric labels within +-0.05 being neutral, averaged over the
  classes present in the labels (this reproduces the peer figures quoted in the issue).
The sets themselves are never copied anywhere: they are read and piped, nothing more.
"""
import os, subprocess, sys

BAND = 0.05

def gold(label):
    if label in ("pos", "neg", "neu"):
        return {"pos": 1, "neg": -1, "neu": 0}[label], label != "neu"
    v = float(label)
    cls = 1 if v >= BAND else -1 if v <= -BAND else 0
    return cls, abs(v) >= 0.25

def pred(score):
    return 1 if score >= BAND else -1 if score <= -BAND else 0

def macro_f1(golds, preds):
    # Over the classes present in the labels (a set without neutral items is judged on
    # positive and negative; predicting neutral there still costs recall).
    f1s = []
    for c in sorted(set(golds)):
        tp = sum(1 for g, p in zip(golds, preds) if g == c and p == c)
        fp = sum(1 for g, p in zip(golds, preds) if g != c and p == c)
        fn = sum(1 for g, p in zip(golds, preds) if g == c and p != c)
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1s.append(2 * prec * rec / (prec + rec) if prec + rec else 0.0)
    return sum(f1s) / len(f1s)

def main():
    args = sys.argv[1:]
    cmd = ["target/release/vigie", "sentiment", "--lang", "auto"]
    if "--" in args:
        i = args.index("--")
        args, cmd = args[:i], args[i + 1:]
    files = []
    for a in args:
        if os.path.isdir(a):
            files += sorted(os.path.join(a, f) for f in os.listdir(a) if f.endswith(".tsv"))
        else:
            files.append(a)
    print(f"{'set':32} {'items':>6} {'polar':>6} {'bin.acc':>8} {'macroF1':>8} {'zeros':>6}")
    for path in files:
        rows = []
        with open(path, encoding="utf-8") as f:
            for line in f:
                label, _, text = line.rstrip("\n").partition("\t")
                rows.append((label, text.replace("\r", " ")))
        out = subprocess.run(cmd, input="\n".join(t for _, t in rows) + "\n",
                             capture_output=True, text=True, check=True).stdout.split("\n")
        scores = [float(x) for x in out if x.strip()]
        assert len(scores) == len(rows), (path, len(scores), len(rows))
        golds, preds, right, polar, zeros = [], [], 0, 0, 0
        for (label, _), s in zip(rows, scores):
            g, is_polar = gold(label)
            golds.append(g)
            preds.append(pred(s))
            zeros += s == 0
            if is_polar:
                polar += 1
                right += s != 0 and (s > 0) == (g > 0)
        name = os.path.basename(path)
        print(f"{name:32} {len(rows):6} {polar:6} {right / polar:8.4f} {macro_f1(golds, preds):8.4f} {zeros:6}")

if __name__ == "__main__":
    main()
