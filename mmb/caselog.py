"""`mmb log CASE`: a case's history from git, in plain words.

Every version of the case file and of ledger.csv in HEAD's history (one `git log`, one
`git cat-file --batch`), then the files as they are now when they differ from HEAD, each
compared with the one before: opened, votes, the decision, reopens, follow-up, transfers
ordered, payments linked in ledger.csv and their receipts. Free text (purpose, notes) is
left out, but for a reopen's reason; the household code is never shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mmb import messages as msg
from mmb.errors import UsageError
from mmb.files import MAX_DATA_BYTES, MAX_YAML_BYTES, TeamFileError
from mmb.git import REGULAR_MODES, UNCOMMITTED, Commit, GitError, Repository, blob_id
from mmb.text import clip


@dataclass
class LogEntry:
    """What one commit (or the working folder) changed about the case."""

    commit: Commit
    events: list[str] = field(default_factory=list)


@dataclass
class CaseLog:
    case_id: str
    path: str
    entries: list[LogEntry] = field(default_factory=list)
    #: The clone is shallow: the oldest versions here may not be the first.
    shallow: bool = False


def _show(value: Any) -> str:
    from mmb.history import _show as show

    return show(value)


def _case_data(data: bytes | None) -> dict[str, Any] | None:
    """The case file's mapping (None: absent, unreadable or not a mapping)."""
    if data is None:
        return None
    from mmb.files import decode_text, parse_yaml

    text, problem = decode_text(data, "case")
    if text is None or problem is not None:
        return {}
    doc = parse_yaml(text, "case")
    return doc.data if doc.readable and isinstance(doc.data, dict) else {}


def _ledger_rows(data: bytes | None, case_id: str) -> dict[str, tuple[Any, Any, str]] | None:
    """id → (date, amount, receipt) of the rows linked to the case (None: no ledger)."""
    if data is None:
        return None
    from mmb.ledger import parse_ledger_text

    if b"\x00" in data:
        return {}
    try:
        ledger = parse_ledger_text(data.decode("utf-8-sig"), "ledger.csv")
    except UnicodeDecodeError:
        return {}
    return {r.id: (r.date, r.amount, r.receipt) for r in ledger.rows if r.case == case_id}


def _votes(data: dict[str, Any]) -> list[tuple[str, str, Any]]:
    from mmb.history import _time, _vote_word

    out = []
    for v in data.get("votes") or []:
        if isinstance(v, dict):
            out.append((clip(str(v.get("member", "?")), 40), _vote_word(v.get("vote")),
                        _time(v.get("at"))))
    return out


def _case_events(old: dict[str, Any] | None, new: dict[str, Any] | None) -> list[str]:
    from mmb.history import DECISION_KEYS, _changes, decision_key, decision_words

    if new is None:
        return [msg.LOG_DELETED] if old is not None else []
    if old is None and not new:
        return [msg.LOG_UNREADABLE]
    events: list[str] = []
    if old is None:
        events.append(msg.LOG_OPENED.format(
            category=clip(str(new.get("category", "?")), 40),
            amount=_show(_money(new.get("amount"))),
            by=clip(str(new.get("requested_by", "?")), 40), at=_show(_time(new.get("opened")))))
        old = {}
    if not new:
        return [*events, msg.LOG_UNREADABLE]
    before, after = _votes(old), _votes(new)
    for v in after:
        if v in before:
            before.remove(v)
        else:
            events.append(msg.LOG_VOTE.format(member=v[0], vote=clip(v[1], 20), at=_show(v[2])))
    for v in before:
        events.append(msg.LOG_VOTE_REMOVED.format(member=v[0], vote=clip(v[1], 20),
                                                  at=_show(v[2])))
    old_history = _list(old, "history")
    new_history = _list(new, "history")
    for entry in new_history[len(old_history):]:
        if isinstance(entry, dict):
            events.append(msg.LOG_REOPENED.format(
                by=clip(str(entry.get("reopened_by", "?")), 40),
                at=_show(_time(entry.get("reopened_at"))),
                decision=decision_words(decision_key(entry)),
                reason=clip(str(entry.get("reason", "")), 80)))
    was, now = decision_key(old.get("decision")), decision_key(new.get("decision"))
    if was != now:
        if now is None:
            if len(new_history) <= len(old_history):
                events.append(msg.LOG_DECISION_REMOVED.format(decision=decision_words(was)))
        elif was is None or len(new_history) > len(old_history):
            events.append(msg.LOG_DECISION.format(decision=decision_words(now)))
        else:
            events.append(msg.LOG_DECISION_CHANGED.format(
                changes=_changes(was, now, DECISION_KEYS)))
    if new.get("followup") != old.get("followup") and isinstance(new.get("followup"), dict):
        f = new["followup"]
        events.append(msg.LOG_FOLLOWUP.format(
            at=_show(f.get("at")), regret=msg.LOG_REGRET if f.get("regret") is True
            else msg.LOG_NO_REGRET))
    for p in _list(new, "payments")[len(_list(old, "payments")):]:
        if isinstance(p, dict):
            events.append(msg.LOG_ORDERED.format(amount=_show(_money(p.get("amount"))),
                                                 e2e=clip(str(p.get("end_to_end_id", "?")), 40),
                                                 batch=clip(str(p.get("batch", "?")), 40)))
    if not events and old != new:
        events.append(msg.LOG_EDITED)
    return events


def _list(data: dict[str, Any], key: str) -> list[Any]:
    value = data.get(key)
    return value if isinstance(value, list) else []


def _time(value: Any) -> Any:
    from mmb.history import _time as t

    return t(value)


def _money(value: Any) -> Any:
    from mmb.history import _money as m

    return m(value)


def _ledger_events(old: dict[str, tuple[Any, Any, str]] | None,
                   new: dict[str, tuple[Any, Any, str]] | None) -> list[str]:
    from mmb.ledger import MISSING_RECEIPT

    old = old or {}
    new = new or {}
    events: list[str] = []
    for txid, (day, amount, receipt) in new.items():
        if txid not in old:
            template = msg.LOG_PAID if amount < 0 else msg.LOG_REFUND
            events.append(template.format(date=day, amount=_show(amount), txid=clip(txid, 40)))
        elif old[txid][:2] != (day, amount):
            events.append(msg.LOG_PAYMENT_CHANGED.format(
                txid=clip(txid, 40), old=f"{old[txid][0]}, {_show(old[txid][1])}",
                new=f"{day}, {_show(amount)}"))
        if receipt and (txid not in old or old[txid][2] != receipt):
            events.append(msg.LOG_RECEIPT_MISSING.format(txid=clip(txid, 40))
                          if receipt == MISSING_RECEIPT else
                          msg.LOG_RECEIPT.format(receipt=clip(receipt, 80), txid=clip(txid, 40)))
    for txid, (day, amount, _) in old.items():
        if txid not in new:
            events.append(msg.LOG_UNLINKED.format(date=day, amount=_show(amount),
                                                  txid=clip(txid, 40)))
    return events


def case_log(root: Path, case_id: str) -> CaseLog:
    """The history of case `case_id` of the team folder `root`."""
    from mmb.files import read_team_file
    from mmb.models import CASE_ID_RE

    if not CASE_ID_RE.match(case_id):
        raise UsageError(msg.LOG_CASE_BAD.format(id=case_id))
    repo = Repository.of(root)
    head = repo.head()
    if head is None:
        raise GitError(msg.GIT_NO_HEAD.format(folder=root))
    prefix = repo.prefix
    names = [f"cases/{case_id}.yaml", f"cases/{case_id}.yml"]
    ledger = "ledger.csv"
    paths = [prefix + n for n in [*names, ledger]]
    changes = repo.changes(None, head, paths)
    head_tree = {p[len(prefix):]: e for p, e in repo.tree(head).items()
                 if p[len(prefix):] in (*names, ledger)}
    # The files as they are now, when they differ from HEAD: "not committed yet".
    for rel in (*names, ledger):
        data: bytes | None
        try:
            data = read_team_file(
                root, rel, MAX_DATA_BYTES if rel == ledger else MAX_YAML_BYTES)
        except FileNotFoundError:
            data = None
        except TeamFileError:
            continue
        entry = head_tree.get(rel)
        now = blob_id(data) if data is not None else ""
        if now != (entry.blob if entry is not None and entry.mode in REGULAR_MODES else ""):
            if data is not None:
                repo.cache.pin(data)
            changes.append((UNCOMMITTED, prefix + rel, "100644", now))
    if not any(p[len(prefix):] in names for _, p, _, _ in changes):
        raise UsageError(msg.LOG_NO_CASE.format(id=case_id))
    repo.read_blobs((blob, MAX_DATA_BYTES if p.endswith(ledger) else MAX_YAML_BYTES)
                    for _, p, mode, blob in changes if blob and mode in REGULAR_MODES)
    result = CaseLog(case_id, next(n for n in names if any(
        p == prefix + n for _, p, _, _ in changes)), shallow=repo.shallow)
    case_now: dict[str, dict[str, Any] | None] = {}
    ledger_now: dict[str, tuple[Any, Any, str]] | None = None
    seen: set[tuple[str, str]] = set()
    for commit, path, mode, blob in changes:
        rel = path[len(prefix):]
        if (commit.id, rel) in seen:
            continue  # a merge lists a path once per parent
        seen.add((commit.id, rel))
        limit = MAX_DATA_BYTES if rel == ledger else MAX_YAML_BYTES
        content = repo.blob(blob, limit) if blob and mode in REGULAR_MODES else None
        if rel == ledger:
            if blob and content is None:
                continue  # a link, or over the size limit: not read, nothing said
            rows = _ledger_rows(content, case_id)
            events = _ledger_events(ledger_now, rows)
            ledger_now = rows
        else:
            state = _case_data(content) if blob else None
            if blob and (mode not in REGULAR_MODES or content is None):
                state = {}  # a link, or over the size limit: not read
            events = _case_events(case_now.get(rel), state)
            case_now[rel] = state
        if not events:
            continue
        if result.entries and result.entries[-1].commit.id == commit.id:
            result.entries[-1].events += events
        else:
            result.entries.append(LogEntry(commit, events))
    return result
