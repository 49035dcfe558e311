"""The 197 message classifier: official class and topic, each with its confidence.

scikit-learn after the project's own normalisation (core.persian.normalize_text): character
n-grams within words carry the colloquial, SMS and misspelt forms of the same word, word
n-grams carry the phrases. One feature set, two logistic regressions (one per label). Pure:
the model file's place is passed in; `services.current_model` trains one at first use when
none is stored.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion

from kalantar.core.persian import normalize_for_search

DATASET = Path(__file__).with_name("dataset") / "messages.csv"
CLASSES = ("suggestion", "appreciation", "criticism", "complaint")
TOPICS = ("traffic", "station", "conduct", "patrol", "other")
# A message with fewer Persian letters than this is not something the model can read.
MIN_PERSIAN_LETTERS = 3
_PERSIAN_LETTER = re.compile(r"[\u0621-\u064a\u067e\u0686\u0698\u06a9\u06af\u06cc]")


@dataclass(frozen=True)
class Example:
    text: str
    msg_class: str
    topic: str
    group: str = ""  # the template it came from, for held-out evaluation


@dataclass(frozen=True)
class Suggestion:
    msg_class: str
    class_confidence: float
    topic: str
    topic_confidence: float


def readable(text: str) -> bool:
    """Whether the text has enough Persian to classify (emoji or Latin alone has not)."""
    return len(_PERSIAN_LETTER.findall(normalize_for_search(text))) >= MIN_PERSIAN_LETTERS


def load_dataset(path: Path = DATASET) -> list[Example]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            Example(
                row["text"],
                row["msg_class"],
                row["topic"],
                f"{row['pattern']}|{row['scenario']}",
            )
            for row in csv.DictReader(handle)
        ]


def _module(name: str) -> ModuleType:
    # scikit-learn and joblib take about a second to import; every web worker and command
    # would pay it at start-up (the app's signals load this module), so the first model
    # trained or loaded pays it instead.
    return import_module(name)


def _features() -> FeatureUnion:
    tfidf = _module("sklearn.feature_extraction.text").TfidfVectorizer
    return _module("sklearn.pipeline").FeatureUnion(
        [
            ("chars", tfidf(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)),
            ("words", tfidf(ngram_range=(1, 2), sublinear_tf=True)),
        ]
    )


def _head() -> LogisticRegression:
    return _module("sklearn.linear_model").LogisticRegression(
        C=8.0, max_iter=2000, class_weight="balanced"
    )


class FeedbackClassifier:
    """One set of features, read once per message, and one head per label."""

    def __init__(
        self, features: FeatureUnion, by_class: LogisticRegression, by_topic: LogisticRegression
    ) -> None:
        self.features = features
        self.by_class = by_class
        self.by_topic = by_topic

    @classmethod
    def train(cls, examples: Sequence[Example]) -> FeedbackClassifier:
        features = _features()
        matrix = features.fit_transform([normalize_for_search(e.text) for e in examples])
        by_class = _head().fit(matrix, [e.msg_class for e in examples])
        by_topic = _head().fit(matrix, [e.topic for e in examples])
        return cls(features, by_class, by_topic)

    def suggest_many(self, texts: Iterable[str]) -> list[Suggestion]:
        clean = [normalize_for_search(t) for t in texts]
        if not clean:
            return []
        matrix = self.features.transform(clean)
        class_p = self.by_class.predict_proba(matrix)
        topic_p = self.by_topic.predict_proba(matrix)
        out = []
        for cp, tp in zip(class_p, topic_p, strict=True):
            ci, ti = cp.argmax(), tp.argmax()
            out.append(
                Suggestion(
                    str(self.by_class.classes_[ci]),
                    float(cp[ci]),
                    str(self.by_topic.classes_[ti]),
                    float(tp[ti]),
                )
            )
        return out

    def suggest(self, text: str) -> Suggestion:
        return self.suggest_many([text])[0]

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        _module("joblib").dump(
            {"features": self.features, "class": self.by_class, "topic": self.by_topic}, tmp
        )
        tmp.replace(path)  # a reader never sees half a file

    @classmethod
    def load(cls, path: Path) -> FeedbackClassifier:
        data = _module("joblib").load(path)
        return cls(data["features"], data["class"], data["topic"])
