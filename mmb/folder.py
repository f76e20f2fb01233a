"""Team folders and municipality folders: finding them and loading what they hold.

Loading never raises for bad content: every problem becomes a finding and the other files
are still loaded. Only "this is no team folder at all" is a failure (`NotATeamFolder`).
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from mmb import messages as msg
from mmb.errors import NotATeamFolder
from mmb.files import (
    MAX_YAML_BYTES,
    LineMap,
    TeamDir,
    TeamFileError,
    YamlDoc,
    decode_text,
    load_yaml,
    relpath,
    yaml_doc,
)
from mmb.findings import Finding, finding
from mmb.text import clip

if TYPE_CHECKING:
    from pydantic import BaseModel

    from mmb.ledger import Ledger
    from mmb.models import Case, Team
    from mmb.parse_cache import ParseCache

# pydantic and the models are imported where a file is checked, not with this module:
# `mmb validate` answered from its cache needs neither (a third of its start-up).
M = TypeVar("M", bound="BaseModel")

TEAM_FILE = "team.yaml"
DEFAULTS_FILE = "mmb.yaml"
CASES_DIR = "cases"
_SKIP_DIRS = {"cases", "bank", "receipts", "node_modules", "__pycache__"}


@dataclass
class CaseDoc:
    """One case file: the raw document and, when it passed the schema, the model."""

    rel: str
    doc: YamlDoc
    case: Case | None = None

    @property
    def lines(self) -> LineMap:
        return self.doc.lines

    @property
    def stem(self) -> str:
        return Path(self.rel).stem


@dataclass
class TeamDoc:
    """A loaded team folder. `findings` holds problems found while loading."""

    root: Path
    team: Team | None
    team_lines: LineMap
    cases: list[CaseDoc] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    defaults_rel: str | None = None
    base: Path | None = None

    @property
    def team_rel(self) -> str:
        """The team folder relative to the folder its paths are reported against."""
        return relpath(self.root, self.base) if self.base is not None else "."


def find_team_root(start: Path) -> Path:
    """The nearest folder at or above `start` holding team.yaml (for -C default)."""
    here = start.resolve()
    for folder in (here, *here.parents):
        if (folder / TEAM_FILE).is_file():
            return folder
    raise NotATeamFolder(msg.NO_TEAM_HERE.format(folder=start))


def find_teams(folder: Path) -> list[Path]:
    """Every team folder at or below `folder` (a team folder's own subfolders are not
    searched). Raises `NotATeamFolder` when there is none."""
    if not folder.exists():
        raise NotATeamFolder(msg.FOLDER_MISSING.format(folder=folder))
    if not folder.is_dir():
        raise NotATeamFolder(msg.NOT_A_FOLDER.format(folder=folder))
    if (folder / TEAM_FILE).is_file():
        return [folder]
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(folder):
        if TEAM_FILE in filenames:
            found.append(Path(dirpath))
            dirnames[:] = []
            continue
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d not in _SKIP_DIRS)
    if not found:
        raise NotATeamFolder(msg.NO_TEAMS_BELOW.format(folder=folder))
    return sorted(found)


def find_defaults(team_root: Path) -> Path | None:
    """The nearest mmb.yaml above a team folder, if any."""
    for folder in team_root.resolve().parents:
        candidate = folder / DEFAULTS_FILE
        # Any entry but a folder counts (a link to /dev/zero, a FIFO): reading it then says
        # what is wrong, rather than the defaults being left out without a word.
        if os.path.lexists(candidate) and not os.path.isdir(candidate):
            return candidate
    return None


class DefaultsCache:
    """Loads each mmb.yaml once, however many teams share it."""

    def __init__(self) -> None:
        self._docs: dict[Path, tuple[YamlDoc, dict[str, Any]]] = {}

    def get(self, path: Path, rel: str) -> tuple[YamlDoc, dict[str, Any], bool]:
        """(document, usable data, first time loaded)."""
        if path in self._docs:
            doc, data = self._docs[path]
            return doc, data, False
        doc = load_yaml(path, rel)
        data = {}
        if isinstance(doc.data, dict):
            from mmb.models import Defaults

            problems = validate_model(Defaults, doc.data, doc, rel)[1]
            doc.findings.extend(problems)
            data = {k: v for k, v in doc.data.items() if k in Defaults.model_fields}
            if not isinstance(data.get("rules"), dict):
                data.pop("rules", None)
        elif doc.data is not None:
            doc.findings.append(finding("MMB002", rel, 1, msg.DEFAULTS_NOT_MAPPING))
        self._docs[path] = (doc, data)
        return doc, data, True


def load_team(root: Path, defaults: DefaultsCache | None = None,
              display_root: Path | None = None, *, parse_cache: bool = False) -> TeamDoc:
    """Load team.yaml (with mmb.yaml defaults applied) and every case file.

    Finding paths are relative to `display_root` (default: the team folder), so that a
    municipality run can report `noord/team-a/cases/2026-001.yaml` and `../mmb.yaml`.
    `parse_cache`: take the parse of a case file whose bytes were seen before from
    `mmb.parse_cache` (for the commands on one team; off with MMB_NO_CACHE).
    """
    base = display_root or root

    def rel(p: Path) -> str:
        return relpath(p, base)

    team_doc = load_yaml(root / TEAM_FILE, rel(root / TEAM_FILE))
    result = TeamDoc(root=root, team=None, team_lines=team_doc.lines, base=base)
    result.findings.extend(team_doc.findings)
    defaults_path = find_defaults(root)
    defaults_data: dict[str, Any] = {}
    if defaults_path is not None:
        cache = defaults or DefaultsCache()
        d_rel = rel(defaults_path)
        d_doc, defaults_data, first = cache.get(defaults_path, d_rel)
        result.defaults_rel = d_rel
        if first:
            result.findings.extend(d_doc.findings)
    if team_doc.readable:
        result.team = _team_model(team_doc, defaults_data, result.findings)
    parsed = None
    if parse_cache:
        from mmb import parse_cache as pc

        parsed = pc.ParseCache(root) if pc.enabled() else None
    _load_cases(root, rel, result, parsed)
    if parsed is not None:
        parsed.save()
    return result


def _team_model(doc: YamlDoc, defaults: dict[str, Any], out: list[Finding]) -> Team | None:
    rel = doc.rel
    data = doc.data
    if data is None:
        out.append(finding("MMB002", rel, 1, msg.TEAM_EMPTY))
        return None
    if not isinstance(data, dict):
        out.append(finding("MMB002", rel, 1, msg.TEAM_NOT_MAPPING))
        return None
    merged: dict[str, Any] = {**defaults, **data}
    inherited: set[tuple[str, ...]] = {(k,) for k in defaults if k not in data}
    if isinstance(defaults.get("rules"), dict) and isinstance(data.get("rules"), dict):
        merged["rules"] = {**defaults["rules"], **data["rules"]}
        inherited |= {("rules", k) for k in defaults["rules"] if k not in data["rules"]}
    from mmb.models import Team

    model, problems = validate_model(Team, merged, doc, rel, skip=inherited)
    out.extend(problems)
    out.extend(_team_duplicates(data, doc))
    if model is not None:
        for i, m in enumerate(model.members):
            if m.since and m.until and m.until < m.since and "members" in data:
                from mmb.privacy import mask

                out.append(finding("MMB002", doc.rel, doc.lines.line("members", i, "until"),
                                   msg.MEMBER_UNTIL_BEFORE_SINCE.format(id=mask(m.id))))
    return model


def _team_duplicates(data: dict[str, Any], doc: YamlDoc) -> list[Finding]:
    """Duplicates the schema cannot see: two members with one id, a year budgeted twice, a
    category listed twice. Works on the raw data, so other errors do not hide them."""
    problems: list[Finding] = []
    checks = (("members", "id", msg.MEMBER_DUPLICATE, "id"),
              ("budget", "year", msg.BUDGET_DUPLICATE, "year"),
              ("categories", None, msg.CATEGORY_DUPLICATE, "category"))
    for key, field_name, template, placeholder in checks:
        items = data.get(key)
        if not isinstance(items, list):
            continue
        seen: set[str] = set()
        for i, item in enumerate(items):
            value = item.get(field_name) if field_name and isinstance(item, dict) else item
            if value is None or isinstance(value, (dict, list)):
                continue
            if str(value) in seen:
                from mmb.privacy import mask

                problems.append(finding("MMB002", doc.rel, doc.lines.line(key, i),
                                        template.format(**{placeholder: mask(value)})))
            seen.add(str(value))
    return problems


def _load_cases(root: Path, rel: Any, result: TeamDoc, cache: ParseCache | None = None) -> None:
    # cases/ is opened safely (`TeamDir`): a link out of the team folder is refused, and so
    # is every case file that is not a regular file (a FIFO would hang a plain read).
    try:
        cases = TeamDir(root, CASES_DIR)
    except TeamFileError as exc:
        result.findings.append(exc.finding(rel(root / CASES_DIR)))
        return
    folder = rel(root / CASES_DIR)  # once: a relative path is costly, and a city has 20,000 cases
    prefix = "" if folder == "." else folder + "/"
    with cases:
        for name, _kind in cases.entries():
            if name.endswith((".yaml", ".yml")) and not name.startswith("."):
                result.cases.append(_read_case(cases, name, prefix + name, cache))


def _read_case(cases: TeamDir, name: str, rel: str, cache: ParseCache | None = None) -> CaseDoc:
    try:
        raw = cases.read(name, MAX_YAML_BYTES)
        if cache is not None:
            from mmb.parse_cache import digest

            key = digest(raw)
            kept = cache.get(rel, key)
            if kept is not None:
                return case_doc(kept, rel)
            doc = yaml_doc(*decode_text(raw, rel), rel)
            cache.put(rel, key, doc)
            return case_doc(doc, rel)
        text, problem = decode_text(raw, rel)
    except TeamFileError as exc:
        text, problem = None, exc.finding(rel)
    except FileNotFoundError:  # gone since the folder was listed
        text, problem = None, finding("MMB001", rel, 1, msg.FILE_UNREADABLE.format(
            reason="No such file or directory"))
    return case_doc(yaml_doc(text, problem, rel), rel)


def load_case(path: Path, rel: str) -> CaseDoc:
    """Load and schema-check one case file."""
    return case_doc(load_yaml(path, rel), rel)


def case_doc(doc: YamlDoc, rel: str) -> CaseDoc:
    """The case of a loaded case file, schema-checked."""
    cdoc = CaseDoc(rel=rel, doc=doc)
    if not doc.readable:
        _name_case(doc, cdoc.stem)
        return cdoc
    if doc.data is None:
        doc.findings.append(finding("MMB002", rel, 1, msg.CASE_EMPTY))
        return cdoc
    if not isinstance(doc.data, dict):
        doc.findings.append(finding("MMB002", rel, 1, msg.CASE_NOT_MAPPING))
        return cdoc
    from mmb.models import Case

    case, problems = validate_model(Case, doc.data, doc, rel)
    doc.findings.extend(problems)
    cdoc.case = case
    if case is None:
        _name_case(doc, cdoc.stem)
    return cdoc


def _name_case(doc: YamlDoc, stem: str) -> None:
    """Findings in a case file that could not be read name the case by its file name
    (SPEC 6.1: `case` in `validate --format json`)."""
    from dataclasses import replace

    doc.findings[:] = [f if f.case is not None else replace(f, case=stem)
                       for f in doc.findings]


#: Codes of findings that mean a file's content could not be taken in whole.
_UNREADABLE_CODES = ("MMB001", "MMB005")


def unreadable(doc: TeamDoc, ledger: Ledger | None = None) -> list[Finding]:
    """The files of a team whose content a sum would leave out, one finding each: a
    case file that cannot be read or does not pass the schema (its approval would be
    missing from the household cap and the budget), team.yaml or mmb.yaml that cannot be
    read, and ledger.csv (unreadable, or rows without a date or amount). Commands that
    decide or sum money refuse while this is not empty (`refuse_unreadable`)."""
    out: list[Finding] = []
    seen: set[str] = set()
    for f in doc.findings:
        if f.code in _UNREADABLE_CODES and f.path not in seen:
            out.append(f)
            seen.add(f.path)
    if doc.team is None and not out:
        out.append(next((f for f in doc.findings if f.level == "error"),
                        finding("MMB002", relpath(doc.root / TEAM_FILE, doc.base or doc.root),
                                1, msg.TEAM_EMPTY)))
    for c in doc.cases:
        if c.case is None:
            first = next((f for f in c.doc.findings if f.level == "error"), None)
            out.append(first or finding("MMB002", c.rel, 1, msg.CASE_UNREADABLE_SCHEMA,
                                        c.stem))
    if ledger is not None:
        if not ledger.readable:
            out.extend(f for f in ledger.findings[:1])
        elif ledger.unread_rows:
            rows = set(ledger.unread_rows)
            out.extend(f for f in ledger.findings if f.line in rows and f.code == "MMB002")
    return out


def refuse_unreadable(doc: TeamDoc, what: str, ledger: Ledger | None = None) -> None:
    """Raise `InputError` (exit 2) naming every file `unreadable` finds; `what` names
    the command ("approve")."""
    found = unreadable(doc, ledger)
    if found:
        raise unreadable_error(found, what)


def unreadable_error(found: Sequence[Finding], what: str) -> Exception:
    """The `InputError` of `refuse_unreadable` for the files of `found`."""
    from mmb.errors import InputError
    from mmb.text import clip as _clip

    shown = [msg.UNREADABLE_ROW.format(path=f.path, line=f.line, message=_clip(f.message, 160))
             for f in found[:10]]
    if len(found) > 10:
        shown.append(msg.UNREADABLE_MORE.format(count=len(found) - 10))
    return InputError(msg.UNREADABLE_BLOCKS.format(
        what=what, count=len({f.path for f in found}), files="\n".join(shown)))


def validate_model(
    model: type[M], data: dict[str, Any], doc: YamlDoc, rel: str,
    skip: Iterable[tuple[str, ...]] = (),
) -> tuple[M | None, list[Finding]]:
    """Validate; on failure map each error to a finding on the line of its key.

    Unknown keys are reported and then dropped and validation retried, so that a typo in
    one field does not hide the file from every other rule (the typo is still an error).
    `skip` lists key paths that came from mmb.yaml: their errors are reported there.
    """
    from pydantic import ValidationError

    skipped = set(skip)
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
    problems = [
        finding("MMB002", rel, doc.lines.line(*e["loc"]),
                describe_error(e, model, doc.numbers.get(tuple(e["loc"]))))
        for e in errors
        if not _from_defaults(e["loc"], skipped)
    ]
    if all(e["type"] == "extra_forbidden" for e in errors):
        cleaned = _drop(data, [e["loc"] for e in errors])
        try:
            return model.model_validate(cleaned), problems
        except ValidationError:
            return None, problems
    return None, problems


def _from_defaults(loc: Sequence[Any], skipped: set[tuple[str, ...]]) -> bool:
    return any(tuple(loc[: len(s)]) == s for s in skipped)


def _drop(data: Any, locs: list[Sequence[Any]]) -> Any:
    """A copy of `data` without the values at `locs`."""
    import copy

    out = copy.deepcopy(data)
    for loc in locs:
        node = out
        for part in loc[:-1]:
            node = node[part]
        if isinstance(node, dict):
            node.pop(loc[-1], None)
    return out


def describe_error(error: Any, model: type[BaseModel], written: str | None = None) -> str:
    """A pydantic error in plain words, naming the field; a value from the file that
    looks like personal data is shown masked (`mmb.privacy.mask`). `written` is a
    number's text as in the file (``0612345678``, which YAML read as 612345678)."""
    from mmb.privacy import mask

    text = _describe_error(error, model)
    if written is not None and mask(written) != written:
        text = text.replace(str(error.get("input")), mask(written))
    return mask(text)


def _describe_error(error: Any, model: type[BaseModel]) -> str:
    loc = tuple(error["loc"])
    where = _where(loc)
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return msg.FIELD_MISSING.format(field=where)
    if kind == "extra_forbidden":
        known = _known_fields(model, loc[:-1])
        close = difflib.get_close_matches(str(loc[-1]), known, n=1)
        hint = msg.DID_YOU_MEAN.format(name=close[0]) if close else msg.KNOWN_FIELDS.format(
            names=", ".join(known))
        return msg.FIELD_UNKNOWN.format(field=where, hint=hint)
    if kind in ("money", "datetime", "date", "vote", "iban"):
        return f"{where}: {error['msg']}"
    plain = msg.PYDANTIC_PLAIN.get(kind)
    if plain is not None:
        return f"{where}: " + plain.format(**{k: str(v) for k, v in ctx.items()})
    text = str(error["msg"])
    if text.startswith("Value error, "):
        text = text[len("Value error, "):]
    return f"{where}: {text[:1].lower()}{text[1:]}"


def _where(loc: tuple[Any, ...]) -> str:
    if not loc:
        return "the file"
    parts: list[str] = []
    for part in loc:
        if isinstance(part, int):
            parts.append(f"item {part + 1}")
        else:
            parts.append(clip(str(part), 40))  # a key from the file: the name at fault only
    return "`" + " › ".join(parts) + "`"


def _known_fields(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Field names of the (sub)model at `loc`."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        info = getattr(current, "model_fields", {}).get(part)
        if info is None:
            return []
        current = _inner_model(info.annotation)
    return list(getattr(current, "model_fields", {}))


def _inner_model(annotation: Any) -> Any:
    import typing

    from pydantic import BaseModel

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None
