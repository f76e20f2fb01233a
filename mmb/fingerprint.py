"""What a report was made from: every input file's path and sha256 (see `fingerprint_of`)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Fingerprint:
    """The inputs of a report: per folder given, every input file and its sha256."""

    digest: str
    folders: tuple[str, ...] = ()
    files: tuple[tuple[int, str, str], ...] = ()  # (folder index, path, sha256)
    git: tuple[dict[str, str], ...] = field(default=())

    @property
    def count(self) -> int:
        return len(self.files)
