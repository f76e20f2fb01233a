"""mmb: plain-file bookkeeping for Dutch Mini-Maatwerkbudget teams."""

#: The one place of the version: the package metadata (pyproject.toml, dynamic) and what
#: `mmb init` pins in a team's CI files come from here.
__version__ = "0.1.0"

#: The name on the package index. `mmb` there is an unrelated project: CI files and
#: install lines must name this one.
DISTRIBUTION = "maatwerkbudget"

#: The project's git repository, as `mmb init` writes it into `.pre-commit-config.yaml`
#: (pyproject.toml's [project.urls] Repository must be the same; a test checks).
REPOSITORY = "https://github.com/maatwerkbudget/mmb"
