"""`mmb init`: a ready team folder with a commented team.yaml and CI for its repository."""

from __future__ import annotations

import json
from datetime import date
from importlib import resources
from pathlib import Path

from mmb import DISTRIBUTION, REPOSITORY, __version__
from mmb import messages as msg
from mmb.errors import UsageError
from mmb.files import atomic_write_text
from mmb.ledger import header_line


def _template(name: str) -> str:
    return resources.files("mmb").joinpath("templates", name).read_text(encoding="utf-8")


def team_yaml(name: str, year: int) -> str:
    """The commented team.yaml of a new team."""
    import secrets

    return _template("team.yaml").format(name=json.dumps(name, ensure_ascii=False), year=year,
                                         team_id=secrets.token_hex(16))


def create_team_folder(folder: Path, name: str | None = None, year: int | None = None) -> list[str]:
    """Create a team folder; return the paths created (relative to `folder`).

    Refuses, changing nothing, when `folder` already holds team.yaml. Other files that
    already exist (a README, an existing .gitignore) are left as they are.
    """
    if (folder / "team.yaml").exists():
        raise UsageError(msg.INIT_EXISTS.format(folder=folder))
    if folder.exists() and not folder.is_dir():
        raise UsageError(msg.NOT_A_FOLDER.format(folder=folder))
    team_name = name or folder.resolve().name.replace("-", " ").replace("_", " ").title()
    files: dict[str, str] = {
        "team.yaml": team_yaml(team_name, year or date.today().year),
        "ledger.csv": header_line(),
        "cases/.gitkeep": "",
        "bank/.gitkeep": "",
        "receipts/.gitkeep": "",
        ".gitignore": _template("gitignore"),
        "requirements-mmb.txt": _template("requirements-mmb.txt").format(
            distribution=DISTRIBUTION, version=__version__),
        ".github/workflows/mmb.yml": _template("github-workflow.yml").format(version=__version__),
        ".gitlab-ci.yml": _template("gitlab-ci.yml").format(version=__version__),
        ".pre-commit-config.yaml": _template("pre-commit-config.yaml").format(
            repository=REPOSITORY, version=__version__),
    }
    created: list[str] = []
    for rel, text in files.items():
        target = folder / rel
        if target.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(target, text)
        created.append(rel)
    return created
