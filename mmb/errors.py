"""The one exception family for failures: mmb cannot run (bad usage, no team folder,
unreadable input). Broken rules in the files are not exceptions but findings."""

from __future__ import annotations


class MmbError(Exception):
    """Base of every failure mmb reports to the user (exit code 2 unless stated)."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UsageError(MmbError):
    """The command was called wrongly (a missing option, an unknown member, ...)."""


class NotATeamFolder(MmbError):
    """No team.yaml where one was expected."""


class InputError(MmbError):
    """A file mmb must read cannot be read or understood."""


class RefusedError(MmbError):
    """A rule refused the action; nothing was written (exit code 1)."""

    exit_code = 1


class ConflictError(MmbError):
    """A file changed on disk, or another mmb holds the lock; nothing was written."""


class WriteError(MmbError, OSError):
    """Writing a file failed (a read-only folder, a full disk): one plain line naming the
    file and the cause, exit code 2. Also an `OSError`, so that code that handles a failed
    write (the cache, `mmb report -o`) still does."""
