"""Checks over the git history (`mmb validate --since REF`): MMB110, MMB111, MMB213.

What is protected is what the base held: the base is REF, or where HEAD's history left
REF's (`git merge-base`) when HEAD does not contain REF (only those commits can have
changed anything). The team folder as it is now (the working folder, so that uncommitted
edits are checked too) is compared with the base; a difference that breaks a rule is a
finding on the file as it is now, naming the commit that made the current state (the
oldest commit from which the value stayed as it is now, in the commits' topological
order, like `git blame`), its author and date. A change made and undone within the range
leaves no finding: the folder holds what it held.

Only files that differ from the base are read and parsed (their blob ids tell), and
every version of a file comes from one `git log` and one `git cat-file --batch`.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from mmb import messages as msg
from mmb.files import MAX_DATA_BYTES, MAX_YAML_BYTES, LineMap, TeamDir, TeamFileError
from mmb.findings import Finding, finding
from mmb.git import (
    REGULAR_MODES,
    UNCOMMITTED,
    BlobCache,
    Commit,
    Entry,
    GitError,
    Repository,
    blob_id,
    describe,
)
from mmb.text import clip

CASES = "cases/"
LEDGER = "ledger.csv"
RECEIPTS = "receipts/"

_ABSENT = object()  # a file not there (distinct from one that could not be read)


# --------------------------------------------------------------------------- case values
def _time(value: Any) -> Any:
    from mmb.models import _local_datetime

    try:
        return _local_datetime(value)
    except Exception:  # a bad time stays as written: compared as text
        return str(value)


def _money(value: Any) -> Any:
    if value is None:
        return None
    from mmb.money import parse_money

    try:
        return parse_money(value)
    except Exception:
        return str(value)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _vote_word(value: Any) -> str:
    from mmb.models import parse_vote

    try:
        return parse_vote(value).value
    except Exception:
        return str(value)


#: The keys of a decision that make it (a `note` may be filled in later).
DECISION_KEYS = ("outcome", "at", "by", "amount", "solved_by")


def decision_key(data: Any) -> tuple[Any, ...] | None:
    """A decision as compared: outcome, time, who, amount, solved_by (None: none)."""
    if not isinstance(data, dict):
        return None if data is None else ("?", str(data))
    return (str(data.get("outcome", "")).strip().lower(), _time(data.get("at")),
            _text(data.get("by")), _money(data.get("amount")), _text(data.get("solved_by")))


def _history_key(data: Any) -> tuple[Any, ...]:
    if not isinstance(data, dict):
        return ("?", str(data))
    return (*(decision_key(data) or ()), _text(data.get("note")), _time(data.get("reopened_at")),
            _text(data.get("reopened_by")), _text(data.get("reason")))


@dataclass(frozen=True, slots=True)
class VoteKey:
    member: str
    vote: str
    at: Any
    note: str | None = field(default=None, compare=False)


@dataclass
class CaseState:
    """A case file as one version holds it, reduced to what the rules compare."""

    readable: bool
    id: str | None = None
    decision: tuple[Any, ...] | None = None
    note: str | None = None
    history: list[tuple[Any, ...]] = field(default_factory=list)
    votes: list[tuple[int, VoteKey]] = field(default_factory=list)
    lines: LineMap = field(default_factory=LineMap)

    def votes_before(self, moment: Any) -> list[tuple[int, VoteKey]]:
        """The votes dated at or before `moment` (all of them when times do not compare)."""
        if not isinstance(moment, datetime):
            return list(self.votes)
        return [(i, v) for i, v in self.votes if not isinstance(v.at, datetime) or v.at <= moment]


_STATES: dict[str, CaseState] = {}  # by blob id


def case_state(data: bytes | None, rel: str) -> CaseState:
    """The `CaseState` of a case file's bytes (None or undecodable: not readable)."""
    if data is None:
        return CaseState(False)
    key = blob_id(data)
    cached = _STATES.get(key)
    if cached is not None:
        return cached
    from mmb.files import decode_text, parse_yaml

    text, problem = decode_text(data, rel)
    state = CaseState(False)
    if text is not None and problem is None:
        doc = parse_yaml(text, rel)
        if doc.readable and isinstance(doc.data, dict):
            state = _state_of(doc.data, doc.lines)
    if len(_STATES) > 50_000:
        _STATES.clear()
    _STATES[key] = state
    return state


def _state_of(data: dict[str, Any], lines: LineMap) -> CaseState:
    raw = data.get("decision")
    state = CaseState(True, id=_text(data.get("id")), lines=lines,
                      decision=decision_key(raw),
                      note=_text(raw.get("note")) if isinstance(raw, dict) else None)
    history = data.get("history")
    if isinstance(history, list):
        state.history = [_history_key(h) for h in history]
    elif history is not None:
        state.history = [("?", str(history))]
    votes = data.get("votes")
    if isinstance(votes, list):
        for i, v in enumerate(votes):
            if isinstance(v, dict):
                state.votes.append((i, VoteKey(str(v.get("member", "")).strip(),
                                               _vote_word(v.get("vote")), _time(v.get("at")),
                                               _text(v.get("note")))))
            else:
                state.votes.append((i, VoteKey(str(v), "?", None)))
    return state


def _show(value: Any) -> str:
    from mmb.money import euro

    if value is None:
        return msg.H_NONE
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, Decimal):
        return euro(value)
    return clip(str(value), 60)


def decision_words(key: tuple[Any, ...] | None) -> str:
    """`approved € 150,00 by anneke at 2026-03-02 11:45`."""
    if key is None:
        return msg.H_NONE
    if len(key) < 5:
        return clip(str(key[-1]), 60)
    outcome, at, by, amount, solved_by = key[:5]
    words = clip(str(outcome), 30)
    if amount is not None:
        words += " " + _show(amount)
    if solved_by:
        words += " (" + clip(str(solved_by), 40) + ")"
    return words + msg.H_DECISION_BY.format(by=_show(by), at=_show(at))


def _changes(old: tuple[Any, ...] | None, new: tuple[Any, ...] | None,
             names: Sequence[str]) -> str:
    if old is None or new is None or len(old) != len(new):
        return msg.H_CHANGE.format(field="decision", old=decision_words(old),
                                   new=decision_words(new))
    return "; ".join(msg.H_CHANGE.format(field=name, old=_show(a), new=_show(b))
                     for name, a, b in zip(names, old, new, strict=False) if a != b)


# --------------------------------------------------------------------------- versions
#: A version of a path: the commit that left it so (None: the base) and its blob
#: ("" when the file is absent or not a regular file).
Step = tuple[Commit | None, str]


@dataclass
class _Shared:
    """What the teams of one repository share for one REF and HEAD."""

    base: str
    head: str
    trees: dict[str, dict[str, Entry]] = field(default_factory=dict)
    changes: list[tuple[Commit, str, str, str]] | None = None
    cache: BlobCache = field(default_factory=BlobCache)


_SHARED: dict[tuple[str, str, str], _Shared] = {}


class TeamHistory:
    """One team folder's history since a base, read once: the base's and HEAD's trees,
    every change in between, and the files as they are now."""

    def __init__(self, root: Path, ref: str) -> None:
        self.root = root
        self.ref = ref
        self.repo = Repository.of(root)
        head = self.repo.head()
        if head is None:
            raise GitError(msg.GIT_NO_HEAD.format(folder=root))
        ref_id = self.repo.resolve(ref)
        # Teams of one municipality repository share its merge base, trees, log and
        # blobs (read once per process, not once per team).
        key = (str(self.repo.top), ref_id, head)
        shared = _SHARED.get(key)
        if shared is None:
            shared = _Shared(self.repo.base(ref, ref_id, head), head)
            _SHARED.clear()
            _SHARED[key] = shared
        self.shared = shared
        self.repo.cache = shared.cache
        self.base = shared.base
        self.head = head
        self.base_tree = self._inside(self._tree(self.base))
        self.head_tree = self._inside(self._tree(head))
        self._changes: dict[str, list[Step]] | None = None
        #: The files as they are now: path → blob id ("" unreadable), bytes by blob id.
        self.now: dict[str, str] = {}

    def _tree(self, commit: str) -> dict[str, Entry]:
        tree = self.shared.trees.get(commit)
        if tree is None:
            tree = self.shared.trees[commit] = self.repo.tree(commit, under="")
        return tree

    def _inside(self, tree: dict[str, Entry]) -> dict[str, Entry]:
        prefix = self.repo.prefix
        return {path[len(prefix):]: e for path, e in tree.items() if path.startswith(prefix)}

    def steps(self, rel: str) -> list[Step]:
        """The versions of `rel`: the base's, then each commit that changed it, then the
        file as it is now when it differs from HEAD's."""
        if self._changes is None:
            self._changes = {}
            prefix = self.repo.prefix
            if self.shared.changes is None:
                self.shared.changes = self.repo.changes(self.base, self.head, [])
            for commit, path, mode, blob in self.shared.changes:
                if not path.startswith(prefix):
                    continue
                seq = self._changes.setdefault(path[len(prefix):], [])
                if seq and seq[-1][0] is not None and seq[-1][0].id == commit.id:
                    continue  # a merge lists a path once per parent it differs from
                seq.append((commit, blob if mode in REGULAR_MODES else ""))
        base = self.base_tree.get(rel)
        out: list[Step] = [(None, base.blob if base and base.mode in REGULAR_MODES else "")]
        out += self._changes.get(rel, [])
        head = self.head_tree.get(rel)
        head_blob = head.blob if head is not None and head.mode in REGULAR_MODES else ""
        now = self.now.get(rel, "")
        if now != head_blob:
            out.append((UNCOMMITTED, now))
        return out

    def prefetch(self, rels: Sequence[str], limit: int) -> None:
        """Read every version of `rels` in one go (one cat-file batch)."""
        self.repo.read_blobs((blob, limit) for rel in rels for _, blob in self.steps(rel)
                             if blob)

    def made_by(self, rel: str, value: Callable[[str], Hashable], now: Hashable) -> Commit:
        """The commit from which `value` of `rel` has been what it is now."""
        seq = self.steps(rel)
        for j in range(len(seq) - 1, -1, -1):
            if value(seq[j][1]) != now:
                if j + 1 < len(seq):
                    return seq[j + 1][0] or UNCOMMITTED
                break
        for commit, _ in reversed(seq):  # pragma: no cover - the value never changed
            if commit is not None:
                return commit
        return UNCOMMITTED  # pragma: no cover

    def bytes_of(self, blob: str, limit: int) -> bytes | None:
        return self.repo.blob(blob, limit) if blob else None

    def remember(self, rel: str, data: bytes | None) -> str:
        """Note the file `rel` as it is now; returns its blob id ("" when unreadable)."""
        if data is None:
            self.now[rel] = ""
            return ""
        blob = self.repo.cache.pin(data)
        self.now[rel] = blob
        return blob


# --------------------------------------------------------------------------- the checks
def check_history(root: Path, ref: str) -> list[Finding]:
    """MMB110, MMB111 and MMB213 of one team folder since `ref`; paths relative to it."""
    h = TeamHistory(root, ref)
    found: list[Finding] = []
    found += _check_cases(h)
    found += _check_ledger(h)
    return found


def _read_now(root: Path, rel: str, limit: int) -> bytes | object | None:
    from mmb.files import read_team_file

    try:
        return read_team_file(root, rel, limit)
    except FileNotFoundError:
        return _ABSENT
    except TeamFileError:
        return None


def _case_files_now(h: TeamHistory) -> dict[str, bytes | None] | None:
    """The case files as they are now (None: cases/ itself may not be read, which
    validate reports as MMB001; then no case can be compared)."""
    out: dict[str, bytes | None] = {}
    try:
        folder = TeamDir(h.root, "cases")
    except TeamFileError:
        return None
    with folder:
        for name, _kind in folder.entries():
            if not name.endswith((".yaml", ".yml")) or name.startswith("."):
                continue
            try:
                out[CASES + name] = folder.read(name, MAX_YAML_BYTES)
            except (TeamFileError, FileNotFoundError):
                out[CASES + name] = None
    return out


def _is_case(rel: str) -> bool:
    return rel.startswith(CASES) and "/" not in rel[len(CASES):] and rel.endswith(
        (".yaml", ".yml")) and not rel[len(CASES):].startswith(".")


def _check_cases(h: TeamHistory) -> list[Finding]:
    now = _case_files_now(h)
    if now is None:
        return []
    for rel, data in now.items():
        h.remember(rel, data)
    base = {rel: e for rel, e in h.base_tree.items() if _is_case(rel)}
    changed = sorted(rel for rel in set(base) | set(now)
                     if (base[rel].blob if rel in base else None) != h.now.get(rel, None))
    if not changed:
        return []
    h.prefetch(changed, MAX_YAML_BYTES)
    found: list[Finding] = []
    for rel in changed:
        found += _check_case(h, rel, base.get(rel), now)
    return found


def _state_at(h: TeamHistory, rel: str, blob: str) -> CaseState | None:
    """The case as version `blob` holds it (None: no file there)."""
    if not blob:
        return None
    return case_state(h.bytes_of(blob, MAX_YAML_BYTES), rel)


def _check_case(h: TeamHistory, rel: str, base_entry: Entry | None,
                now: dict[str, bytes | None]) -> list[Finding]:
    case_id = Path(rel).stem
    ref = h.ref
    b: CaseState | None = None
    if base_entry is not None and base_entry.mode in REGULAR_MODES and (
            base_entry.size or 0) <= MAX_YAML_BYTES:
        b = _state_at(h, rel, base_entry.blob)
    f = case_state(now[rel], rel) if rel in now else None
    found: list[Finding] = []
    if b is not None and b.readable and (b.decision is not None or b.history):
        if f is None:
            commit = h.made_by(rel, lambda blob: bool(blob), False)
            words = decision_words(b.decision or (b.history[-1] if b.history else None))
            new = _renamed_to(h, rel, b, now)
            if new is not None:
                text = msg.H111_RENAMED.format(path=rel, ref=ref, decision=words, new=new,
                                               commit=describe(commit))
            else:
                text = msg.H111_DELETED.format(path=rel, ref=ref, decision=words,
                                               commit=describe(commit))
            return [finding("MMB111", rel, 1, text, case_id)]
        if f.readable:
            found += _decision_kept(h, rel, case_id, b, f)
    if f is not None and f.readable and f.decision is not None:
        found += _votes_kept(h, rel, case_id, b, f)
    return found


def _renamed_to(h: TeamHistory, rel: str, b: CaseState, now: dict[str, bytes | None]
                ) -> str | None:
    """A case file now in the folder that is `rel` under another name: the same id, or
    the same content, and not a file of the base."""
    old_blob = h.base_tree[rel].blob
    for other, data in sorted(now.items()):
        if other in h.base_tree or data is None:
            continue
        if h.now.get(other) == old_blob:
            return other
        state = case_state(data, other)
        if state.readable and b.id is not None and state.id == b.id:
            return other
    return None


def _same_decision(old: CaseState, new_key: tuple[Any, ...] | None, new_note: str | None
                   ) -> bool:
    return old.decision == new_key and (old.note is None or old.note == new_note)


def _decision_kept(h: TeamHistory, rel: str, case_id: str, b: CaseState,
                   f: CaseState) -> list[Finding]:
    """MMB110: the base's decision is still the decision, or was moved into `history:`
    by a reopen; the base's history entries are unchanged."""
    out: list[Finding] = []
    ref = h.ref
    kept = len(b.history)
    if f.history[:kept] != b.history:
        bad = next(i for i in range(kept) if i >= len(f.history) or f.history[i] != b.history[i])
        commit = h.made_by(rel, lambda blob: _hist(h, rel, blob, bad), _hist_of(f, bad))
        line = f.lines.line("history", bad) if bad < len(f.history) else f.lines.line(
            "history") if f.lines.has("history") else 1
        old = b.history[bad]
        new = f.history[bad] if bad < len(f.history) else None
        out.append(finding("MMB110", rel, line, msg.H110_HISTORY.format(
            id=case_id, ref=ref, commit=describe(commit),
            changes=_changes(old, new, (*DECISION_KEYS, "note", "reopened_at", "reopened_by",
                                        "reason"))), case_id))
    if b.decision is None:
        return out
    if _same_decision(b, f.decision, f.note):
        return out
    # A reopen: the base's decision, unchanged, is the next history entry.
    if len(f.history) > kept:
        entry = f.history[kept]
        if entry[:5] == b.decision and (b.note is None or entry[5] == b.note) and all(
                x is not None for x in entry[6:9]):
            return out
    if f.decision is None:
        commit = h.made_by(rel, lambda blob: _decision_at(h, rel, blob), None)
        out.append(finding("MMB110", rel, 1, msg.H110_REMOVED.format(
            id=case_id, ref=ref, decision=decision_words(b.decision), commit=describe(commit)),
            case_id))
        return out
    now_key = (f.decision, f.note)
    commit = h.made_by(rel, lambda blob: _decision_note_at(h, rel, blob), now_key)
    changes = _changes(b.decision, f.decision, DECISION_KEYS)
    field_line = "decision"
    if b.decision is not None and len(b.decision) == len(f.decision):
        for name, x, y in zip(DECISION_KEYS, b.decision, f.decision, strict=False):
            if x != y:
                field_line = name
                break
    if not changes:
        changes = msg.H_CHANGE.format(field="note", old=_show(b.note), new=_show(f.note))
        field_line = "note"
    line = f.lines.line("decision", field_line)
    out.append(finding("MMB110", rel, line, msg.H110_CHANGED.format(
        id=case_id, ref=ref, commit=describe(commit), changes=changes), case_id))
    return out


def _hist_of(state: CaseState | None, index: int) -> Hashable:
    if state is None or not state.readable:
        return _ABSENT
    return state.history[index] if index < len(state.history) else None


def _hist(h: TeamHistory, rel: str, blob: str, index: int) -> Hashable:
    return _hist_of(_state_at(h, rel, blob), index)


def _decision_at(h: TeamHistory, rel: str, blob: str) -> Hashable:
    state = _state_at(h, rel, blob)
    if state is None or not state.readable:
        return _ABSENT
    return state.decision


def _decision_note_at(h: TeamHistory, rel: str, blob: str) -> Hashable:
    state = _state_at(h, rel, blob)
    if state is None or not state.readable:
        return _ABSENT
    return (state.decision, state.note)


def _votes_key(state: CaseState | None, moment: Any) -> Hashable:
    if state is None or not state.readable:
        return _ABSENT
    return tuple(sorted((repr(v), v.note or "") for _, v in state.votes_before(moment)))


def _votes_kept(h: TeamHistory, rel: str, case_id: str, b: CaseState | None,
                f: CaseState) -> list[Finding]:
    """MMB110: the votes dated at or before the decision are those there were when the
    decision was committed (a note may be filled in)."""
    moment = f.decision[1] if f.decision is not None else None
    if b is not None and b.readable and b.decision == f.decision:
        then, decided = b, msg.H110_DECIDED_AT_REF.format(ref=h.ref)
    else:
        commit = h.made_by(rel, lambda blob: _decision_at(h, rel, blob), f.decision)
        if not commit.committed:
            return []  # decided in the working folder: no commit to compare with yet
        blob = next(bl for c, bl in h.steps(rel) if c is commit)
        then = _state_at(h, rel, blob) or CaseState(False)
        decided = msg.H110_DECIDED_IN.format(commit=describe(commit))
        if not then.readable:
            return []
    from collections import Counter

    before = then.votes_before(moment)
    after = f.votes_before(moment)
    if Counter(v for _, v in before) == Counter(v for _, v in after) and all(
            x.note is None or any(y == x and y.note == x.note for _, y in after)
            for _, x in before):
        return []
    commit = h.made_by(rel, lambda blob: _votes_key(_state_at(h, rel, blob), moment),
                       _votes_key(f, moment))
    out: list[Finding] = []
    remaining = [v for _, v in before]
    matched: list[tuple[int, VoteKey]] = []
    for i, v in after:
        if v in remaining:
            remaining.remove(v)
            matched.append((i, v))
            old = next(x for _, x in before if x == v)
            if old.note is not None and old.note != v.note:
                out.append(finding("MMB110", rel, f.lines.line("votes", i), msg.H110_VOTE_CHANGED
                                   .format(member=clip(v.member, 40), id=case_id,
                                           commit=describe(commit), decided=decided,
                                           changes=msg.H_CHANGE.format(
                                               field="note", old=_show(old.note),
                                               new=_show(v.note))), case_id))
            continue
        same_member = next((x for x in remaining if x.member == v.member), None)
        if same_member is not None:
            remaining.remove(same_member)
            changes = "; ".join(msg.H_CHANGE.format(field=name, old=_show(a), new=_show(c))
                                for name, a, c in (("vote", same_member.vote, v.vote),
                                                   ("at", same_member.at, v.at)) if a != c)
            out.append(finding("MMB110", rel, f.lines.line("votes", i), msg.H110_VOTE_CHANGED
                               .format(member=clip(v.member, 40), id=case_id,
                                       commit=describe(commit), decided=decided,
                                       changes=changes), case_id))
            continue
        out.append(finding("MMB110", rel, f.lines.line("votes", i), msg.H110_VOTE_ADDED.format(
            member=clip(v.member, 40), vote=clip(v.vote, 20), at=_show(v.at), id=case_id,
            commit=describe(commit), decided=decided), case_id))
    for v in remaining:
        line = f.lines.line("votes") if f.lines.has("votes") else 1
        out.append(finding("MMB110", rel, line, msg.H110_VOTE_REMOVED.format(
            member=clip(v.member, 40), vote=clip(v.vote, 20), at=_show(v.at), id=case_id,
            commit=describe(commit), decided=decided), case_id))
    return out


# --------------------------------------------------------------------------- ledger, receipts
@dataclass(frozen=True, slots=True)
class RowKey:
    date: Any
    amount: Any
    balance: Any


_LEDGERS: dict[str, dict[str, tuple[int, RowKey]] | None] = {}


def _ledger_rows(h: TeamHistory, blob: str) -> dict[str, tuple[int, RowKey]] | None:
    """id → (spreadsheet row, date/amount/balance) of a ledger.csv version (None: no file
    or one that cannot be read). The first row with an id counts."""
    if not blob:
        return None
    if blob in _LEDGERS:
        return _LEDGERS[blob]
    data = h.bytes_of(blob, MAX_DATA_BYTES)
    rows = None if data is None else _parse_ledger(data)
    if len(_LEDGERS) > 8:
        _LEDGERS.clear()
    _LEDGERS[blob] = rows
    return rows


def _parse_ledger(data: bytes) -> dict[str, tuple[int, RowKey]] | None:
    from mmb.ledger import parse_ledger_text

    if b"\x00" in data:
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    ledger = parse_ledger_text(text, LEDGER)
    if not ledger.readable:
        return None
    out: dict[str, tuple[int, RowKey]] = {}
    seen: dict[RowKey, int] = {}
    for r in ledger.rows:
        key = RowKey(r.date, r.amount, r.balance)
        txid = r.id
        if not txid.strip():
            # A row without an id (typed in by hand) is known by its content and how
            # many identical rows came before it.
            seen[key] = seen.get(key, 0) + 1
            txid = msg.H_NO_ID.format(date=r.date, amount=r.amount, n=seen[key])
        out.setdefault(txid, (r.row, key))
    return out


def _receipts_at(h: TeamHistory, blob: str) -> set[str]:
    from mmb.ledger import parse_ledger_text

    data = h.bytes_of(blob, MAX_DATA_BYTES)
    if data is None or b"\x00" in data:
        return set()
    try:
        ledger = parse_ledger_text(data.decode("utf-8-sig"), LEDGER)
    except UnicodeDecodeError:
        return set()
    out: set[str] = set()
    for r in ledger.rows:
        for name in r.receipts():
            parts = [p for p in name.replace("\\", "/").split("/") if p not in ("", ".")]
            if parts and parts[0] == "receipts" and ".." not in parts:
                out.add("/".join(parts))
    return out


def _check_ledger(h: TeamHistory) -> list[Finding]:
    entry = h.base_tree.get(LEDGER)
    if entry is None or entry.mode not in REGULAR_MODES or (entry.size or 0) > MAX_DATA_BYTES:
        return []
    current = _read_now(h.root, LEDGER, MAX_DATA_BYTES)
    now_blob = h.remember(LEDGER, current if isinstance(current, bytes) else None)
    found: list[Finding] = []
    if now_blob != entry.blob:
        found += _ledger_rows_kept(h, entry.blob, now_blob, current is _ABSENT)
    found += _receipts_kept(h, entry.blob)
    return found


def _ledger_rows_kept(h: TeamHistory, base_blob: str, now_blob: str, gone: bool
                      ) -> list[Finding]:
    from mmb.money import euro

    old = _ledger_rows(h, base_blob)
    if not old:
        return []
    ref = h.ref
    if gone:
        commit = h.made_by(LEDGER, lambda blob: bool(blob), False)
        return [finding("MMB213", LEDGER, 1, msg.H213_LEDGER_REMOVED.format(
            count=len(old), ref=ref, commit=describe(commit)))]
    new = _ledger_rows(h, now_blob)
    if new is None:
        return []  # unreadable now: validate reports it (MMB001)
    # Versions are read one at a time, newest first, as far back as a value goes: a
    # ledger may be 50 MB, and all its versions would not fit in memory.

    def value(txid: str) -> Callable[[str], Hashable]:
        def at(blob: str) -> Hashable:
            rows = _ledger_rows(h, blob)
            if rows is None:
                return _ABSENT
            found = rows.get(txid)
            return found[1] if found is not None else None
        return at

    out: list[Finding] = []
    ids_now = set(new)
    taken: set[str] = set()
    new_by_content: dict[RowKey, list[str]] = {}
    for txid, (_, key) in new.items():
        if txid not in old:
            new_by_content.setdefault(key, []).append(txid)
    for txid, (_, key) in old.items():
        if txid in ids_now:
            row, now_key = new[txid]
            if now_key == key:
                continue
            changes = "; ".join(
                msg.H_CHANGE.format(field=name, old=_text_of(a), new=_text_of(b))
                for name, a, b in (("date", key.date, now_key.date),
                                   ("amount", key.amount, now_key.amount),
                                   ("balance", key.balance, now_key.balance)) if a != b)
            commit = h.made_by(LEDGER, value(txid), now_key)
            out.append(finding("MMB213", LEDGER, row, msg.H213_CHANGED.format(
                row=row, txid=clip(txid, 40), ref=ref, commit=describe(commit),
                changes=changes)))
            continue
        commit = h.made_by(LEDGER, value(txid), None)
        same = [t for t in new_by_content.get(key, []) if t not in taken]
        if same:
            taken.add(same[0])
            row = new[same[0]][0]
            out.append(finding("MMB213", LEDGER, row, msg.H213_ID_CHANGED.format(
                row=row, old=clip(txid, 40), new=clip(same[0], 40), commit=describe(commit))))
            continue
        out.append(finding("MMB213", LEDGER, 1, msg.H213_REMOVED.format(
            txid=clip(txid, 40), date=_text_of(key.date),
            amount=euro(key.amount) if isinstance(key.amount, Decimal) else key.amount,
            ref=ref, commit=describe(commit))))
    return out


def _text_of(value: Any) -> str:
    from mmb.money import euro

    if value is None:
        return msg.H_NONE
    if isinstance(value, Decimal):
        return euro(value)
    return str(value)


def _receipts_kept(h: TeamHistory, ledger_blob: str) -> list[Finding]:
    """MMB213: every receipt linked at the base is still there with the same content (or
    moved, unchanged, elsewhere under receipts/)."""
    linked = sorted(_receipts_at(h, ledger_blob))
    out: list[Finding] = []
    missing: list[str] = []
    for rel in linked:
        entry = h.base_tree.get(rel)
        if entry is None or entry.mode not in REGULAR_MODES:
            continue  # not filed at the base (or a link): nothing to keep
        head = h.head_tree.get(rel)
        if head is not None and head.blob == entry.blob and _same_size(h.root, rel,
                                                                        entry.size):
            # Not changed by any commit, and of the same size now: reading and hashing
            # every receipt of the year on every run would cost seconds; an uncommitted
            # edit of the same size shows once it is committed.
            continue
        current = _read_now(h.root, rel, MAX_DATA_BYTES)
        if current is _ABSENT:
            h.remember(rel, None)
            missing.append(rel)
            continue
        blob = h.remember(rel, current if isinstance(current, bytes) else None)
        if blob != entry.blob:
            commit = h.made_by(rel, lambda b: b, blob)
            out.append(finding("MMB213", rel, 1, msg.H213_RECEIPT_CHANGED.format(
                path=rel, ref=h.ref, commit=describe(commit))))
    if missing:
        elsewhere = _receipt_blobs_now(h.root)
        for rel in missing:
            if h.base_tree[rel].blob in elsewhere:
                continue
            commit = h.made_by(rel, lambda b: bool(b), False)
            out.append(finding("MMB213", rel, 1, msg.H213_RECEIPT_REMOVED.format(
                path=rel, ref=h.ref, commit=describe(commit))))
    return out


def _same_size(root: Path, rel: str, size: int | None) -> bool:
    """Whether `rel` is now a regular file inside the team folder of `size` bytes."""
    import os
    import stat

    from mmb.files import resolve_team_path

    try:
        resolved, mode = resolve_team_path(root, rel)
        if not stat.S_ISREG(mode):
            return False
        return os.stat(root / resolved, follow_symlinks=False).st_size == size
    except (OSError, TeamFileError):
        return False


def _receipt_blobs_now(root: Path) -> set[str]:
    """Blob ids of every regular file under receipts/ now (the files `validate` finds
    there, each read safely and bounded)."""
    from mmb.files import read_team_file
    from mmb.ledger_rules import _plain_receipt_files

    out: set[str] = set()
    for rel in sorted(_plain_receipt_files(root)):
        try:
            out.add(blob_id(read_team_file(root, rel, MAX_DATA_BYTES)))
        except (TeamFileError, FileNotFoundError):
            continue
    return out
