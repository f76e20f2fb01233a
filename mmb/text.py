"""Plain text helpers shared by the bank readers and the cash book."""

from __future__ import annotations


def normalise_space(text: str) -> str:
    """Runs of whitespace become one space, none at the ends (as `" ".join(text.split())`).

    Most texts are already so: a printable text (every whitespace character but the plain
    space is unprintable) with no double space and no space at either end is returned as
    it is, which is cheaper than splitting and joining it (this runs for every
    description of a 100,000-row export, twice).
    """
    if (text.isprintable() and "  " not in text and text[:1] != " "
            and text[-1:] != " "):
        return text
    return " ".join(text.split())
