"""Score the MMB301 detector on the labelled corpus in tests/fixtures/privacy/.

Run as a script (``python tests/privacy_corpus.py``) to print recall per kind and
precision for the tuning part, the held-out part and both; ``--misses`` also lists what
was missed and what was flagged wrongly (use it on the tuning part only: the held-out
part is for measuring, not for tuning). tests/test_privacy_corpus.py asserts the scores.

Scoring:

* **recall per kind**: a labelled value counts as found when a finding of the same kind
  overlaps it;
* **precision**: of all findings, the share that overlaps a labelled value (of any kind:
  an IBAN with a typo reported as a BSN still keeps personal data out of the file);
* **clean texts left alone**: of the texts without any label (amounts, dates, order
  numbers, organisation names, ...), the share with no finding at all. This is the
  number a team feels: a finding blocks the save.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

FOLDER = Path(__file__).parent / "fixtures" / "privacy"
PARTS = ("tuning", "heldout")
KINDS = ("bsn", "iban", "phone", "email", "address", "name", "birthdate")

_LABEL = re.compile(r"\[\[(?P<kind>[a-z]+):(?P<value>.+?)\]\]")


@dataclass(frozen=True)
class Label:
    kind: str
    start: int
    end: int


@dataclass(frozen=True)
class Entry:
    part: str
    line: int
    field: str
    text: str
    labels: tuple[Label, ...]


@dataclass(frozen=True)
class Hit:
    """What a detector reports: kind and span (mmb.privacy.PersonalData has these)."""

    kind: str
    start: int
    end: int


def parse(part: str, folder: Path = FOLDER) -> list[Entry]:
    """The entries of one part: ``field | text`` lines, labels in ``[[kind:value]]``."""
    entries: list[Entry] = []
    path = folder / f"{part}.txt"
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip() or raw.startswith("#"):
            continue
        name, sep, marked = raw.partition(" | ")
        if not sep:
            raise ValueError(f"{path}:{number}: expected 'field | text'")
        text_parts: list[str] = []
        labels: list[Label] = []
        pos = length = 0
        for m in _LABEL.finditer(marked):
            text_parts.append(marked[pos : m.start()])
            length += m.start() - pos
            kind, value = m["kind"], m["value"]
            if kind not in KINDS:
                raise ValueError(f"{path}:{number}: unknown kind {kind!r}")
            labels.append(Label(kind, length, length + len(value)))
            text_parts.append(value)
            length += len(value)
            pos = m.end()
        text_parts.append(marked[pos:])
        text = "".join(text_parts)
        if "[[" in text or "]]" in text:
            raise ValueError(f"{path}:{number}: unbalanced label")
        entries.append(Entry(part, number, name.strip(), text, tuple(labels)))
    return entries


def _overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


@dataclass
class Score:
    labelled: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    found: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    findings: int = 0
    right_findings: int = 0
    clean_texts: int = 0
    clean_untouched: int = 0
    texts: int = 0
    misses: list[tuple[Entry, Label]] = field(default_factory=list)
    wrong: list[tuple[Entry, Hit]] = field(default_factory=list)

    def recall(self, kind: str) -> float:
        return self.found[kind] / self.labelled[kind] if self.labelled[kind] else 1.0

    @property
    def overall_recall(self) -> float:
        total = sum(self.labelled.values())
        return sum(self.found.values()) / total if total else 1.0

    @property
    def precision(self) -> float:
        return self.right_findings / self.findings if self.findings else 1.0

    @property
    def clean_precision(self) -> float:
        return self.clean_untouched / self.clean_texts if self.clean_texts else 1.0


Detector = Callable[[str], Sequence[Hit]]


def mmb_detector(text: str) -> list[Hit]:
    from mmb.privacy import find_personal_data

    return [Hit(h.kind, h.start, h.end) for h in find_personal_data(text)]


def score(entries: Iterable[Entry], detect: Detector = mmb_detector) -> Score:
    result = Score()
    for entry in entries:
        result.texts += 1
        hits = list(detect(entry.text))
        for label in entry.labels:
            result.labelled[label.kind] += 1
            if any(h.kind == label.kind and _overlaps(h.start, h.end, label.start, label.end)
                   for h in hits):
                result.found[label.kind] += 1
            else:
                result.misses.append((entry, label))
        for hit in hits:
            result.findings += 1
            if any(_overlaps(hit.start, hit.end, lb.start, lb.end) for lb in entry.labels):
                result.right_findings += 1
            else:
                result.wrong.append((entry, hit))
        if not entry.labels:
            result.clean_texts += 1
            result.clean_untouched += not hits
    return result


def report(name: str, result: Score) -> str:
    lines = [f"{name}: {result.texts} texts, {result.clean_texts} without personal data"]
    for kind in KINDS:
        lines.append(f"  recall {kind:<10} {result.recall(kind):6.3f}"
                     f"  ({result.found[kind]}/{result.labelled[kind]})")
    lines.append(f"  recall overall    {result.overall_recall:6.3f}"
                 f"  ({sum(result.found.values())}/{sum(result.labelled.values())})")
    lines.append(f"  precision         {result.precision:6.3f}"
                 f"  ({result.right_findings}/{result.findings} findings on personal data)")
    lines.append(f"  clean texts       {result.clean_precision:6.3f}"
                 f"  ({result.clean_untouched}/{result.clean_texts} without a finding)")
    return "\n".join(lines)


def misses(result: Score) -> str:
    lines = []
    for entry, label in result.misses:
        lines.append(f"  missed {label.kind} {entry.text[label.start:label.end]!r}"
                     f"  ({entry.part}.txt:{entry.line})")
    for entry, hit in result.wrong:
        lines.append(f"  wrong  {hit.kind} {entry.text[hit.start:hit.end]!r}"
                     f"  ({entry.part}.txt:{entry.line}: {entry.text})")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--part", choices=(*PARTS, "all"), default="all")
    parser.add_argument("--misses", action="store_true",
                        help="list what was missed and what was flagged wrongly")
    args = parser.parse_args(argv)
    parts = PARTS if args.part == "all" else (args.part,)
    every: list[Entry] = []
    for part in parts:
        entries = parse(part)
        every += entries
        result = score(entries)
        print(report(part, result))
        if args.misses:
            print(misses(result))
    if len(parts) > 1:
        print(report("both", score(every)))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    sys.exit(main())
