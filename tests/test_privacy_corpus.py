"""MMB301 on the labelled corpus (tests/fixtures/privacy/): recall per kind and precision.

The goal of issue 14: recall at least 0.95 for every kind, precision at least 0.97, on the
tuning part and on the held-out part alike. `python tests/privacy_corpus.py` prints the
same scores.
"""

from __future__ import annotations

import pytest
from privacy_corpus import KINDS, PARTS, Entry, Hit, Label, parse, score


@pytest.fixture(scope="module", params=PARTS)
def part(request: pytest.FixtureRequest) -> list[Entry]:
    return parse(request.param)


def test_corpus_is_large_and_covers_every_kind(part: list[Entry]) -> None:
    every = [e for p in PARTS for e in parse(p)]
    assert len(every) >= 400
    for kind in KINDS:
        assert sum(lb.kind == kind for e in part for lb in e.labels) >= 10, kind
    assert sum(not e.labels for e in part) >= 80  # clean texts


@pytest.mark.parametrize("kind", KINDS)
def test_recall_per_kind(part: list[Entry], kind: str) -> None:
    result = score(part)
    missed = [(e.line, e.text[lb.start:lb.end]) for e, lb in result.misses if lb.kind == kind]
    assert result.recall(kind) >= 0.95, missed


def test_precision(part: list[Entry]) -> None:
    result = score(part)
    wrong = [(e.line, e.text[h.start:h.end]) for e, h in result.wrong]
    assert result.precision >= 0.97, wrong
    assert result.clean_precision >= 0.97, wrong


def test_scoring_counts_what_it_should() -> None:
    # The scorer itself: a right-kind overlap is found, a wrong kind is a miss (but not a
    # wrong finding), a finding on a clean text is wrong.
    entries = [
        Entry("t", 1, "purpose", "bel 06-12345678", (Label("phone", 4, 15),)),
        Entry("t", 2, "purpose", "rekening NL91", (Label("iban", 9, 13),)),
        Entry("t", 3, "purpose", "fiets € 150", ()),
    ]
    answers = {1: [Hit("phone", 6, 15)], 2: [Hit("bsn", 9, 13)], 3: [Hit("bsn", 6, 11)]}
    result = score(entries, lambda text: answers[[e.text for e in entries].index(text) + 1])
    assert (result.found["phone"], result.found["iban"]) == (1, 0)
    assert result.recall("phone") == 1.0 and result.recall("iban") == 0.0
    assert (result.right_findings, result.findings) == (2, 3)
    assert (result.clean_untouched, result.clean_texts) == (0, 1)


def test_parse_keeps_offsets_into_the_plain_text() -> None:
    entry = next(e for e in parse("tuning") if e.labels)
    for label in entry.labels:
        assert "[[" not in entry.text
        assert entry.text[label.start:label.end].strip() == entry.text[label.start:label.end]
