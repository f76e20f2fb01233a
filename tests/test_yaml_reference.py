"""mmb's YAML reader (ruamel.yaml.clib's C parser subclassed with mmb's own resolver and
builder, see `mmb.files`) against ruamel.yaml's own safe loader as the reference: the same
values for every document (numbers compared by value, timestamps by their text). This holds
the subclassing of ruamel's C parser internals honest across ruamel versions (pyproject
bounds them; a new version must pass this first)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from mmb.files import c_parser_in_use, parse_yaml

ROOT = Path(__file__).resolve().parent.parent


def reference(text: str) -> Any:
    return YAML(typ="safe").load(text)


def same(ours: Any, ref: Any) -> bool:
    """Equal values: mmb keeps numbers exact (Decimal) and timestamps as written (text)."""
    if isinstance(ref, dict):
        return (isinstance(ours, dict) and list(ours) == [str(k) for k in ref]
                and all(same(ours[str(k)], v) for k, v in ref.items()))
    if isinstance(ref, list):
        return (isinstance(ours, list) and len(ours) == len(ref)
                and all(same(a, b) for a, b in zip(ours, ref, strict=True)))
    if isinstance(ref, bool) or ref is None:
        return ours is ref
    if isinstance(ref, int):
        return type(ours) is int and ours == ref
    if isinstance(ref, float):
        return isinstance(ours, Decimal) and float(ours) == ref
    if isinstance(ref, dt.datetime | dt.date):
        return isinstance(ours, str) and reference(ours) == ref
    return type(ours) is str and ours == ref


def dump(data: Any, flow: bool) -> str:
    yaml = YAML(typ="safe")
    yaml.default_flow_style = flow
    yaml.allow_unicode = True
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def test_the_c_parser_does_the_parsing() -> None:
    assert c_parser_in_use()


scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10**12, 10**12),
    st.decimals(min_value=-10**6, max_value=10**6, places=2, allow_nan=False).map(float),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")),
            max_size=30),
    st.sampled_from(["2026-03-02", "2026-03-02 10:15", "yes", "no", "on", "off", "~", "null",
                     "0o17", "0x1F", "1_000", "1:30", ".5", "+1", "-0", "12,50", "€ 95,-",
                     "H-0231", "akkoord", "# not a comment", "a: b", "- x", "'", '"',
                     "true", "False", "NULL", "1e3", ".inf", ".nan"]),
    st.dates(dt.date(1990, 1, 1), dt.date(2100, 12, 31)),
)
keys = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")),
               min_size=1, max_size=12)
documents = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=5),
                            st.dictionaries(keys, inner, max_size=5)),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None)
@given(documents, st.booleans())
def test_same_values_as_the_reference_loader(data: Any, flow: bool) -> None:
    text = dump(data, flow)
    doc = parse_yaml(text, "x.yaml")
    try:
        ref = reference(text)
    except YAMLError:  # the emitter wrote what the parser cannot read: both refuse it
        assert not doc.readable, text
        return
    assert doc.readable, (text, doc.findings)
    assert same(doc.data, ref), (text, doc.data, ref)


def test_every_example_file_reads_as_the_reference_reads_it() -> None:
    files = sorted(ROOT.glob("examples/**/*.yaml"))
    assert files
    for path in files:
        text = path.read_text(encoding="utf-8")
        doc = parse_yaml(text, path.name)
        assert doc.readable, (path, doc.findings)
        assert same(doc.data, reference(text)), path


def test_where_mmb_differs_on_purpose() -> None:
    """Hex, octal, underscores and sexagesimal stay text (the models then say plainly that
    they are no amount); exponents and infinities too. The reference reads them as numbers."""
    text = "a: 0x1F\nb: 0o17\nc: 1_000\nd: 1e3\ne: .inf\n"
    assert parse_yaml(text, "x.yaml").data == {"a": "0x1F", "b": "0o17", "c": "1_000",
                                               "d": "1e3", "e": ".inf"}
    assert reference(text)["a"] == 31
