"""Any team can install it: the release, and the files `mmb init` writes for a team's CI and
pre-commit, checked the way GitHub, GitLab, pre-commit and the package index check them.

The test marked `dist` builds the sdist and the wheel, installs the wheel into a fresh
virtual environment and runs a new team's generated CI steps there, in a clone of the team's
git repository (about a minute; it is part of the normal run, and of .ci/run).
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from mmb import DISTRIBUTION, REPOSITORY, __version__
from mmb.scaffold import create_team_folder

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
WORKFLOW = ".github/workflows/mmb.yml"
GITLAB = ".gitlab-ci.yml"
#: Identity and configuration of the git runs here: none of the user's settings or hooks.
GIT_ENV = {"GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull,
           "GIT_AUTHOR_NAME": "Coordinator", "GIT_AUTHOR_EMAIL": "coordinator@example.org",
           "GIT_COMMITTER_NAME": "Coordinator", "GIT_COMMITTER_EMAIL": "coordinator@example.org",
           "GIT_TERMINAL_PROMPT": "0"}


def _yaml(path: Path) -> Any:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def _run(args: list[str], cwd: Path | None = None, env: dict[str, str] | None = None,
         timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)


def _ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, f"{result.args}\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture
def team(tmp_path: Path) -> Path:
    folder = tmp_path / "buurtteam"
    create_team_folder(folder, name="Buurtteam Noord", year=2026)
    return folder


# ------------------------------------------------------------------ the generated CI files


def _schema_check(schema: str, path: Path) -> subprocess.CompletedProcess[str]:
    """check-jsonschema with its vendored copy of the schema: no network."""
    return _run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema,
                 str(path)])


def test_ci_files_pass_the_github_and_gitlab_schemas(team: Path) -> None:
    _ok(_schema_check("vendor.github-workflows", team / WORKFLOW))
    _ok(_schema_check("vendor.gitlab-ci", team / GITLAB))


def test_the_schema_check_fails_on_a_broken_file(team: Path) -> None:
    """The check above has teeth: a misspelt key fails it."""
    workflow, gitlab = team / WORKFLOW, team / GITLAB
    workflow.write_text(workflow.read_text().replace("runs-on:", "runs_on:"))
    gitlab.write_text(gitlab.read_text().replace("script:", "scripts:"))
    assert _schema_check("vendor.github-workflows", workflow).returncode == 1
    assert _schema_check("vendor.gitlab-ci", gitlab).returncode == 1


def _requirements(team: Path) -> list[str]:
    lines = (team / "requirements-mmb.txt").read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


def test_ci_installs_exactly_this_release_and_caches_pip(team: Path) -> None:
    assert DISTRIBUTION == "maatwerkbudget"
    assert _requirements(team) == [f"maatwerkbudget=={__version__}"]
    workflow, gitlab = _yaml(team / WORKFLOW), _yaml(team / GITLAB)
    runs = [step["run"] for step in workflow["jobs"]["validate"]["steps"] if "run" in step]
    assert "pip install -r requirements-mmb.txt" in runs
    [setup] = [step for step in workflow["jobs"]["validate"]["steps"]
               if step.get("uses", "").startswith("actions/setup-python@")]
    assert setup["with"]["cache"] == "pip"
    assert setup["with"]["cache-dependency-path"] == "requirements-mmb.txt"
    job = gitlab["mmb-validate"]
    assert "pip install -r requirements-mmb.txt" in job["script"]
    assert gitlab["default"]["cache"]["key"]["files"] == ["requirements-mmb.txt"]
    assert gitlab["variables"]["PIP_CACHE_DIR"] == "$CI_PROJECT_DIR/.cache/pip"
    assert gitlab["default"]["cache"]["paths"] == [".cache/pip"]
    # Nothing installs the stranger's `mmb` from the index, pinned or not.
    installs = [text for text in [*runs, *job["script"]] if "pip install" in text]
    assert installs
    assert _names_mmb('pip install "mmb==0.1.0"')  # the check below can fail
    for text in installs:
        assert not _names_mmb(text), text


def _names_mmb(command: str) -> bool:
    """Whether a pip command line asks for the distribution `mmb` (pinned or not)."""
    tokens = shlex.split(command)
    after = tokens[tokens.index("install") + 1:]
    return any(re.match(r"mmb($|[=<>~!\[; ])", token, re.IGNORECASE) for token in after)


def test_ci_runs_on_pushes_and_pull_requests(team: Path) -> None:
    triggers = _yaml(team / WORKFLOW)["on"]
    assert set(triggers) == {"push", "pull_request"}  # never pull_request_target
    rules = [rule["if"] for rule in _yaml(team / GITLAB)["workflow"]["rules"]
             if rule.get("when") != "never"]
    assert rules == ['$CI_PIPELINE_SOURCE == "merge_request_event"', "$CI_COMMIT_BRANCH"]


def test_gitignore_is_what_the_readme_says(team: Path) -> None:
    patterns = [line for line in (team / ".gitignore").read_text().splitlines()
                if line and not line.startswith("#")]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### CI for a team repository", 1)[1].split("\n#", 1)[0]
    said = re.search(r"The `\.gitignore` it writes ignores only (.+?)\.\s", section)
    assert said, "README's 'CI for a team repository' says what the .gitignore ignores"
    assert re.findall(r"`([^`]+)`", said.group(1)) == patterns
    # The validation cache lives in the user's cache folder, never in the team folder.
    assert ".mmb-cache" not in (team / ".gitignore").read_text()
    assert ".mmb-cache" not in readme


# ------------------------------------------------------------------ pre-commit


def test_pre_commit_hook_installs_itself_and_the_config_pins_it(team: Path) -> None:
    manifest = _yaml(ROOT / ".pre-commit-hooks.yaml")
    scripts = PYPROJECT["project"]["scripts"]
    for hook in manifest:
        # pre-commit pip-installs this repository: no mmb on the PATH needed.
        assert hook["language"] == "python"
        assert shlex.split(hook["entry"])[0] in scripts
    config = _yaml(team / ".pre-commit-config.yaml")
    [repo] = config["repos"]
    assert repo["repo"] == REPOSITORY
    assert repo["rev"] == f"v{__version__}"
    assert {hook["id"] for hook in repo["hooks"]} <= {hook["id"] for hook in manifest}
    env = {**os.environ, "PRE_COMMIT_HOME": str(team.parent / "pre-commit-home")}
    _ok(_run([sys.executable, "-m", "pre_commit", "validate-manifest",
              str(ROOT / ".pre-commit-hooks.yaml")], env=env))
    _ok(_run([sys.executable, "-m", "pre_commit", "validate-config",
              str(team / ".pre-commit-config.yaml")], env=env))


# ------------------------------------------------------------------ one name, one version


def test_one_name_one_version_one_repository() -> None:
    project = PYPROJECT["project"]
    assert project["name"] == DISTRIBUTION
    assert "version" not in project and "version" in project["dynamic"]
    assert PYPROJECT["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "mmb.__version__"}
    assert project["scripts"] == {"mmb": "mmb.entry:main"}
    assert project["urls"]["Repository"] == REPOSITORY
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"pipx install {DISTRIBUTION}" in readme
    # The README's install lines and examples name this release (update them with it).
    assert f'pip install "{DISTRIBUTION}=={__version__}"' in readme
    assert f"`{DISTRIBUTION}=={__version__}`" in readme and f"rev: v{__version__}" in readme


def test_changelog_names_this_version_and_the_promise() -> None:
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(rf"^## {re.escape(__version__)}\b", changelog, re.MULTILINE)
    assert "major version" in changelog
    assert "CHANGELOG.md" in (ROOT / "README.md").read_text(encoding="utf-8")


# ------------------------------------------------------------------ the release itself


#: What the release is built from: the files a clone has at its root that the build reads.
SOURCE_FILES = ("pyproject.toml", "MANIFEST.in", "README.md", "CHANGELOG.md")


def _source_copy(into: Path) -> Path:
    """The project's sources as the build sees them, in a folder of their own (the build
    writes nothing into the clone), with a Dutch catalog as the translations will bring:
    its compiled `.mo` must ship, its `.po` source need not."""
    import shutil

    shutil.copytree(ROOT / "mmb", into / "mmb",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".*.tmp"))
    for name in SOURCE_FILES:
        shutil.copy2(ROOT / name, into / name)
    catalogs = into / "mmb" / "locale" / "nl" / "LC_MESSAGES"
    catalogs.mkdir(parents=True, exist_ok=True)
    if not (catalogs / "mmb.mo").exists():
        import struct

        # An empty catalog: the GNU .mo header with no messages.
        (catalogs / "mmb.mo").write_bytes(struct.pack("<7I", 0x950412DE, 0, 0, 28, 28, 0, 28))
    if not (catalogs / "mmb.po").exists():
        (catalogs / "mmb.po").write_text('msgid ""\nmsgstr ""\n', encoding="utf-8")
    return into


def _runtime_files(source: Path) -> set[str]:
    """What the wheel must hold of mmb/: every module and data file, catalogs compiled
    (`.mo`), no sources of catalogs and no byte code."""
    found = set()
    for path in (source / "mmb").rglob("*"):
        if (path.is_dir() or "__pycache__" in path.parts
                or path.suffix in {".pyc", ".po", ".pot"} or path.name.endswith(".tmp")):
            continue
        found.add(path.relative_to(source).as_posix())
    return found


def _github_push_steps(workflow: dict[str, Any]) -> list[str]:
    """The `run:` scripts of every job as a push would run them. The `uses:` steps are
    done by the test itself (checkout: a fresh clone; setup-python: the fresh venv)."""
    scripts: list[str] = []
    for job in workflow["jobs"].values():
        for step in job["steps"]:
            if "run" not in step:
                assert step["uses"].split("@")[0] in {"actions/checkout",
                                                      "actions/setup-python"}, step
                continue
            condition = str(step.get("if", "")).replace('"', "'").replace(" ", "")
            if condition in {"github.event_name=='pull_request'",
                             "github.event_name!='push'"}:
                continue
            assert condition in {"", "github.event_name=='push'",
                                 "github.event_name!='pull_request'"}, (
                f"teach this test the condition {step['if']!r}")
            script = step["run"].replace("${{ github.event_name }}", "push")
            assert "${{" not in script, f"teach this test the expression in {script!r}"
            scripts.append(script)
    return scripts


def _gitlab_push_scripts(gitlab: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    """The script lines of every job (a push: no job rules that need a merge request) and
    the variables they see, global ones overridden by the job's."""
    lines: list[str] = []
    variables = dict(gitlab.get("variables", {}))
    for name, job in gitlab.items():
        if name in {"workflow", "variables", "default", "stages", "include"}:
            continue
        assert "rules" not in job and "only" not in job, f"teach this test the rules of {name}"
        variables.update(job.get("variables", {}))
        lines.extend(job.get("before_script", gitlab.get("default", {}).get("before_script", [])))
        lines.extend(job["script"])
    return lines, variables


@pytest.mark.dist
def test_release_installs_into_a_fresh_venv_and_a_new_team_passes_its_own_ci(
        tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    source = _source_copy(tmp_path / "source")
    # The sdist first, then the wheel built from the sdist: both must be complete.
    _ok(_run([sys.executable, "-m", "build", "--outdir", str(dist), str(source)]))
    [wheel] = dist.glob(f"{DISTRIBUTION}-{__version__}-py3-none-any.whl")
    [sdist] = dist.glob(f"{DISTRIBUTION}-{__version__}.tar.gz")
    _ok(_run([sys.executable, "-m", "twine", "check", "--strict", str(wheel), str(sdist)]))

    info = f"{DISTRIBUTION}-{__version__}.dist-info/"
    in_wheel = set(zipfile.ZipFile(wheel).namelist())
    assert {name for name in in_wheel if not name.startswith(info)} == _runtime_files(source)
    assert {"mmb/py.typed", "mmb/templates/team.yaml", "mmb/templates/requirements-mmb.txt",
            "mmb/locale/nl/LC_MESSAGES/mmb.mo"} <= in_wheel
    assert f"{info}entry_points.txt" in in_wheel
    top = f"{DISTRIBUTION}-{__version__}/"
    with tarfile.open(sdist) as archive:
        in_sdist = {name.removeprefix(top) for name in archive.getnames()
                    if not archive.getmember(name).isdir()}
    extra = {name for name in in_sdist if not name.startswith(("mmb/", f"{DISTRIBUTION}.egg-info/"))}
    assert extra == {"PKG-INFO", "setup.cfg", *SOURCE_FILES}
    catalog_sources = {path.relative_to(source).as_posix()
                       for path in (source / "mmb" / "locale").rglob("*.po")}
    assert catalog_sources
    assert ({name for name in in_sdist if name.startswith("mmb/")}
            == _runtime_files(source) | catalog_sources)

    # A fresh virtual environment with nothing but the wheel and its dependencies.
    venv = tmp_path / "venv"
    _ok(_run([sys.executable, "-m", "venv", str(venv)]))
    bin_dir = venv / "bin"
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("PYTHON", "VIRTUAL_ENV", "MMB_", "GIT_", "CI"))}
    env.update(GIT_ENV, PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}",
               VIRTUAL_ENV=str(venv), XDG_CACHE_HOME=str(tmp_path / "cache"),
               PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"))
    # pip's download cache only saves time (what it installs is what the index serves); the
    # user's own is kept even when the tests run with a HOME of their own.
    import pwd

    env.setdefault("PIP_CACHE_DIR",
                   str(Path(pwd.getpwuid(os.getuid()).pw_dir) / ".cache" / "pip"))
    _ok(_run([str(bin_dir / "pip"), "install", "--quiet", str(wheel)], env=env))
    where = _ok(_run([str(bin_dir / "python"), "-c", "import mmb; print(mmb.__file__)"],
                     cwd=tmp_path, env=env))
    assert Path(where.strip()).is_relative_to(venv)
    assert _ok(_run(["mmb", "--version"], cwd=tmp_path, env=env)) == f"mmb {__version__}\n"

    # A new team, committed to a git repository as a team would.
    origin = tmp_path / "buurtteam-noord"
    _ok(_run(["mmb", "init", str(origin), "--name", "Buurtteam Noord"], cwd=tmp_path, env=env))
    created = {path.relative_to(origin).as_posix() for path in origin.rglob("*")
               if path.is_file()}
    _ok(_run(["git", "init", "--quiet", str(origin)], env=env))
    _ok(_run(["git", "add", "--all"], cwd=origin, env=env))
    _ok(_run(["git", "commit", "--quiet", "--message", "New team folder"], cwd=origin,
             env=env))
    committed = set(_ok(_run(["git", "ls-files"], cwd=origin, env=env)).splitlines())
    assert committed == created  # .gitignore keeps out nothing mmb init wrote

    # The generated steps, run in a fresh clone (what actions/checkout and GitLab fetch
    # give) with the venv's mmb. `pip install -r requirements-mmb.txt` must be satisfied
    # by exactly the wheel built here: no index, only the dist folder.
    ci_env = {**env, "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(dist), "CI": "true"}
    github = tmp_path / "github-checkout"
    _ok(_run(["git", "clone", "--quiet", str(origin), str(github)], env=env))
    scripts = _github_push_steps(_yaml(github / WORKFLOW))
    assert scripts, "the workflow runs something"
    for script in scripts:
        out = _ok(_run(["bash", "-e", "-c", script], cwd=github,
                       env={**ci_env, "GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "push",
                            "GITHUB_WORKSPACE": str(github)}))
        assert "::error" not in out and "::warning" not in out

    gitlab = tmp_path / "gitlab-checkout"
    _ok(_run(["git", "clone", "--quiet", str(origin), str(gitlab)], env=env))
    lines, variables = _gitlab_push_scripts(_yaml(gitlab / GITLAB))
    job_env = {**ci_env, "GITLAB_CI": "true", "CI_PROJECT_DIR": str(gitlab),
               "CI_PIPELINE_SOURCE": "push", "CI_COMMIT_BRANCH": "main"}
    for key, value in variables.items():
        job_env[key] = value.replace("$CI_PROJECT_DIR", str(gitlab))
    for line in lines:
        _ok(_run(["sh", "-e", "-c", line], cwd=gitlab, env=job_env))

    # pre-commit installs the hook from this repository (as it would from the tag) into
    # an environment of its own, and the hook passes on the new team.
    hook = _ok(_run([sys.executable, "-m", "pre_commit", "try-repo", str(ROOT),
                     "mmb-validate", "--all-files"], cwd=origin, env=env))
    assert re.search(r"^mmb validate\.+Passed$", hook, re.MULTILINE), hook
