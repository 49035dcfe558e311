"""Benchmark: the 197 classifier's quality and cost, and the operator's time per message.

1. Quality on messages never trained on. The shipped dataset is built from class patterns
   and topic scenarios (src/kalantar/feedback/dataset/generate.py); rows of one template
   differ only in slots and register, so holding out rows would leak. Each of --folds folds
   holds out a quarter of the patterns of every class AND a quarter of the scenarios of
   every topic: the test rows use only held-out patterns and scenarios, the training rows
   use neither (rows that mix are dropped from both). Predictions of all folds are pooled;
   per-class precision and recall and macro-F1 are printed for the class (goal: macro-F1
   ≥ 0.85) and for the topic.
2. Cost: classifying 10,000 messages against the normalisation alone of the same messages
   in the same run (medians of --repeats runs, and the ratio).
3. The operator's time per message in a simulated session over the held-out messages,
   confirming the suggestion against choosing class and topic with no suggestion, with the
   keystroke-level model's operator times (Card, Moran and Newell): M = 1.35 s to decide,
   P = 1.1 s to point, K = 0.2 s to click. Confirming: read the suggestion (M), click confirm
   (P + K); each wrong label costs a correction (M + 2 × (P + K), open the list and pick).
   Typing: each of the two labels costs M + 2 × (P + K).

    python bench/feedback.py [--folds 4] [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kalantar.settings")

import django  # noqa: E402

django.setup()

from sklearn.metrics import f1_score, precision_recall_fscore_support  # noqa: E402

from kalantar.core.persian import normalize_for_search  # noqa: E402
from kalantar.feedback.classifier import (  # noqa: E402
    CLASSES,
    TOPICS,
    Example,
    FeedbackClassifier,
    load_dataset,
)

GOAL_MACRO_F1 = 0.85
M, P, K = 1.35, 1.1, 0.2
PICK = M + 2 * (P + K)


def _parts(example: Example) -> tuple[str, str]:
    pattern, scenario = example.group.split("|")
    return pattern, scenario


def _fold_of(ids: list[str], folds: int, rng: random.Random) -> dict[str, int]:
    """Spread each label's templates over the folds evenly."""
    by_label: dict[str, list[str]] = defaultdict(list)
    for i in ids:
        by_label[i.rsplit("-", 1)[0]].append(i)
    out = {}
    for members in by_label.values():
        rng.shuffle(members)
        for n, member in enumerate(members):
            out[member] = n % folds
    return out


def held_out_predictions(examples: list[Example], folds: int, seed: int = 7):
    rng = random.Random(seed)
    pattern_fold = _fold_of(sorted({_parts(e)[0] for e in examples}), folds, rng)
    scenario_fold = _fold_of(sorted({_parts(e)[1] for e in examples}), folds, rng)
    truth, guesses, sizes = [], [], []
    for fold in range(folds):
        train, test = [], []
        for e in examples:
            pattern, scenario = _parts(e)
            inside = (pattern_fold[pattern] == fold, scenario_fold[scenario] == fold)
            if all(inside):
                test.append(e)
            elif not any(inside):
                train.append(e)
        model = FeedbackClassifier.train(train)
        truth += test
        guesses += model.suggest_many([e.text for e in test])
        sizes.append((len(train), len(test)))
    return truth, guesses, sizes


def print_quality(name, labels, truth, guessed) -> float:
    precision, recall, f1, support = precision_recall_fscore_support(
        truth, guessed, labels=list(labels), zero_division=0
    )
    print(f"\n{name}: {'label':<14}{'precision':>10}{'recall':>8}{'F1':>8}{'n':>6}")
    for i, label in enumerate(labels):
        print(
            f"{'':>{len(name) + 2}}{label:<14}{precision[i]:>10.3f}{recall[i]:>8.3f}"
            f"{f1[i]:>8.3f}{support[i]:>6}"
        )
    macro = f1_score(truth, guessed, labels=list(labels), average="macro", zero_division=0)
    print(f"{'':>{len(name) + 2}}macro-F1 {macro:.3f}")
    return macro


def cost(examples: list[Example], repeats: int) -> None:
    model = FeedbackClassifier.train(examples)
    rng = random.Random(3)
    texts = [rng.choice(examples).text for _ in range(10_000)]
    normalise, classify = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        for text in texts:
            normalize_for_search(text)
        normalise.append(time.perf_counter() - start)
        start = time.perf_counter()
        model.suggest_many(texts)
        classify.append(time.perf_counter() - start)
    n, c = statistics.median(normalise), statistics.median(classify)
    print(
        f"\n10,000 messages: normalisation alone {n * 1000:.0f} ms, classification "
        f"(normalisation included) {c * 1000:.0f} ms, ratio {c / n:.1f}×, "
        f"{c * 100:.0f} ms per 1,000"
    )


def operator_time(truth: list[Example], guesses) -> None:
    confirm, typed = [], []
    for example, guess in zip(truth, guesses, strict=True):
        wrong = (guess.msg_class != example.msg_class) + (guess.topic != example.topic)
        confirm.append(M + P + K + wrong * PICK)
        typed.append(2 * PICK)
    mc, mt = statistics.mean(confirm), statistics.mean(typed)
    print(
        f"\nsimulated session, {len(truth)} held-out messages: confirm {mc:.1f} s per message "
        f"(median {statistics.median(confirm):.1f} s), type {mt:.1f} s per message; "
        f"confirming takes {mc / mt:.0%} of typing"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--folds", type=int, default=4)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    examples = load_dataset()
    print(f"dataset: {len(examples)} messages; {args.folds} folds holding out whole templates")
    truth, guesses, sizes = held_out_predictions(examples, args.folds)
    print("train/test rows per fold: " + ", ".join(f"{a}/{b}" for a, b in sizes))
    macro = print_quality(
        "class", CLASSES, [e.msg_class for e in truth], [g.msg_class for g in guesses]
    )
    print_quality("topic", TOPICS, [e.topic for e in truth], [g.topic for g in guesses])
    print(f"class macro-F1 goal ≥ {GOAL_MACRO_F1}: {'met' if macro >= GOAL_MACRO_F1 else 'MISSED'}")
    cost(examples, args.repeats)
    operator_time(truth, guesses)
    return 0


if __name__ == "__main__":
    sys.exit(main())
