"""Shell completion of case ids, member ids and categories (`mmb --install-completion`).

Each completer reads the team folder of `-C/--team` when it was typed before, else the
nearest one at or above the working folder, the safe way (`mmb.files`), and fails silently:
whatever goes wrong, the shell just gets no completions. Nothing is written.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

_CASE_FILE = re.compile(r"^(\d{4}-\d{3,4})\.ya?ml$")


def _root(ctx: Any) -> Path | None:
    from mmb.folder import TEAM_FILE, find_team_root

    params = getattr(ctx, "params", None) or {}
    given = params.get("team")
    if given:
        folder = Path(given)
        return folder if (folder / TEAM_FILE).is_file() else None
    return find_team_root(Path.cwd())


def case_ids(root: Path) -> list[str]:
    """The case ids of the files in cases/ (by file name: no file is parsed)."""
    from mmb.files import TeamDir

    with TeamDir(root, "cases") as folder:
        return sorted(m.group(1) for name, kind in folder.entries()
                      if kind == "file" and (m := _CASE_FILE.match(name)))


def _team_lists(root: Path) -> tuple[list[str], list[str]]:
    """(member ids, categories) of team.yaml (with the defaults of mmb.yaml), read without
    the case files: completion must answer at once."""
    from mmb.files import load_yaml
    from mmb.folder import TEAM_FILE, DefaultsCache, _team_model, find_defaults

    doc = load_yaml(root / TEAM_FILE, TEAM_FILE)
    defaults: dict[str, Any] = {}
    found = find_defaults(root)
    if found is not None:
        defaults = DefaultsCache().get(found, found.name)[1]
    team = _team_model(doc, defaults, []) if doc.readable else None
    if team is None:
        return [], []
    return [m.id for m in team.members], list(team.categories)


def _matching(values: list[str], incomplete: str) -> list[str]:
    return [v for v in values if v.startswith(incomplete)]


def complete_case(ctx: Any, incomplete: str) -> list[str]:
    try:
        root = _root(ctx)
        return _matching(case_ids(root), incomplete.lstrip("#")) if root else []
    except Exception:  # completion never fails loudly
        return []


def complete_member(ctx: Any, incomplete: str) -> list[str]:
    try:
        root = _root(ctx)
        return _matching(_team_lists(root)[0], incomplete) if root else []
    except Exception:
        return []


def complete_category(ctx: Any, incomplete: str) -> list[str]:
    try:
        root = _root(ctx)
        return _matching(_team_lists(root)[1], incomplete) if root else []
    except Exception:
        return []
