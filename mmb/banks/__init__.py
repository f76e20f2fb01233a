"""Bank exports: detect the format of a downloaded file by its content and read its
transactions exactly.

    export = read_export(Path("bank/NL71INGB0007416235_01-01-2026_31-03-2026.csv"))
    export.format          # "ing-csv"
    export.transactions    # BankTransaction rows, oldest first, amounts exact

Each format is a `BankReader` in a module of this package (``READERS`` in ``ing.py``,
``camt053.py``, ...); modules are found automatically, so adding a bank means adding one
module and its fixture. Zip files are opened here and each member read by its own format.
"""

from __future__ import annotations

import importlib
import io
import pkgutil
from collections import Counter
from dataclasses import replace
from operator import attrgetter
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from mmb import messages as msg
from mmb.banks.base import (
    HEAD_CHARS,
    BalanceProblem,
    BankExport,
    BankFormatError,
    BankReader,
    BankTransaction,
    Source,
    StatementBalance,
)

if TYPE_CHECKING:
    import zipfile

    from mmb.files import TeamFileError

__all__ = [
    "KNOWN_FORMATS",
    "MAX_FILE_BYTES",
    "READERS",
    "BalanceProblem",
    "BankExport",
    "BankFormatError",
    "BankReader",
    "BankTransaction",
    "StatementBalance",
    "detect_format",
    "read_export",
    "read_export_data",
]

MAX_FILE_BYTES = 50 * 1024 * 1024  # a year of a team account is well under 1 MB
MAX_ZIP_BYTES = 200 * 1024 * 1024  # all members together, unpacked
MAX_ZIP_MEMBERS = 2000  # ABN AMRO: one XML per day, 18 months back at most
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_ZIP_JUNK = {".DS_Store", "Thumbs.db", "desktop.ini"}

# Exports that are recognisably not a current account's transactions.
_OTHER_EXPORTS = (
    ('"datum";"omschrijving";"rekening";"rekening naam"', msg.BANK_OTHER_ING_SAVINGS),
    ('"datum","omschrijving","rekening","rekening naam"', msg.BANK_OTHER_ING_SAVINGS),
    ('"datum","boeksaldo"', msg.BANK_OTHER_ING_BALANCE_HISTORY),
    ('tegenrekening iban,"munt","creditcard nummer"', msg.BANK_OTHER_RABOBANK_CREDIT_CARD),
)


def _discover() -> tuple[BankReader, ...]:
    """Every ``READERS`` of the public modules of this package, in module-name order."""
    found: list[BankReader] = []
    for info in sorted(pkgutil.iter_modules(__path__), key=attrgetter("name")):
        if info.name.startswith("_") or info.name == "base":
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        found.extend(getattr(module, "READERS", ()))
    return tuple(found)


READERS: tuple[BankReader, ...] = _discover()
KNOWN_FORMATS: list[str] = [reader.format_name for reader in READERS]


def read_export(path: Path) -> BankExport:
    """Detect the format of the export at `path` and read it.

    Raises `BankFormatError` (one line naming the file, and the line where it applies,
    and saying what to do) for anything that is not a readable export.
    """
    path = Path(path)
    where = Source(path, b"")
    from mmb.files import TeamFileError, read_regular_file

    try:  # a regular file only (a FIFO is refused, not waited for), never over the limit
        data = read_regular_file(path, MAX_FILE_BYTES)
    except TeamFileError as exc:
        raise export_refused(where, exc) from None
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise where.error(msg.BANK_CANNOT_OPEN, reason=reason) from None
    return read_export_data(data, path)


def export_refused(where: Source, exc: TeamFileError) -> BankFormatError:
    """The `BankFormatError` for an export that breaks a rule of safe reading."""
    if exc.size is not None and exc.limit is not None:
        return where.error(msg.BANK_TOO_LARGE, size_mb=exc.size // 2**20,
                           limit_mb=exc.limit // 2**20)
    return where.error(msg.BANK_REFUSED, reason=exc.reason)


def read_export_data(data: bytes, path: Path) -> BankExport:
    """Like `read_export`, for bytes already in memory; `path` names them in messages."""
    source = Source(Path(path), data)
    if len(data) > MAX_FILE_BYTES:
        raise source.error(
            msg.BANK_TOO_LARGE, size_mb=len(data) // 2**20, limit_mb=MAX_FILE_BYTES // 2**20
        )
    if data.startswith(_ZIP_MAGIC):
        return _read_zip(source)
    reader = detect_format(source)
    return _export(source.path, reader.format, reader.format_name, *_run(reader, source))


def detect_format(source: Source) -> BankReader:
    """The reader whose `detect` recognises the start of `source`; else `BankFormatError`
    (empty file, a known non-transaction export, or an unknown format)."""
    text = source.text
    if not text.strip(" \t\r\n\ufeff\x00"):
        raise source.error(msg.BANK_EMPTY)
    head = text[:HEAD_CHARS]
    for reader in READERS:
        if reader.detect(head):
            return reader
    first = head.lstrip("\ufeff").split("\n", 1)[0].lower()
    for signature, what in _OTHER_EXPORTS:
        if first.startswith(signature):
            raise source.error(msg.BANK_OTHER_EXPORT, what=what)
    raise source.error(msg.BANK_UNKNOWN_FORMAT, formats="; ".join(KNOWN_FORMATS))


Read = tuple[list[BankTransaction], list[StatementBalance], list[BalanceProblem]]


def _run(reader: BankReader, source: Source) -> Read:
    """Read, check the balances the file states in the bank's order (MMB210), and put the
    rows of this one file in booking order, oldest first, keeping the bank's order within
    a day."""
    from mmb.banks._stated import check_rows, check_statements

    try:
        transactions, balances = reader.read(source)
    except BankFormatError:
        raise
    except Exception as exc:  # a reader bug must not reach the user as a traceback
        raise source.error(
            msg.BANK_INTERNAL,
            format_name=reader.format_name,
            reason=f"{type(exc).__name__}: {exc}",
        ) from exc
    if len(transactions) > 1 and reader.order != "statements":
        first, last = transactions[0].booking_date, transactions[-1].booking_date
        if first > last or (first == last and reader.order == "newest_first"):
            transactions.reverse()
    if reader.order == "statements":
        problems = check_statements(balances)
    else:
        problems, stated = check_rows(transactions)
        balances = [*balances, *stated]
    if source.member is not None:
        balances = [replace(b, member=source.member) for b in balances]
        problems = [replace(p, member=source.member) for p in problems]
    transactions.sort(key=attrgetter("booking_date"))  # stable
    return transactions, balances, problems


def _export(
    path: Path,
    format_id: str,
    format_name: str,
    transactions: list[BankTransaction],
    balances: list[StatementBalance],
    problems: list[BalanceProblem],
) -> BankExport:
    """The export, in date order across zip members too; bank ids that repeat within the
    export are not ids and are dropped. `balances` come in the bank's order (the file's;
    for a zip, its members by date), in which each statement must open with the closing
    balance of the one before."""
    from mmb.banks._stated import check_sequence

    transactions.sort(key=attrgetter("booking_date"))  # stable: keeps each file's order
    problems = [*problems, *check_sequence(balances)]
    counts = Counter(filter(None, map(attrgetter("bank_id"), transactions)))
    if any(n > 1 for n in counts.values()):
        transactions = [
            replace(t, bank_id=None) if t.bank_id is not None and counts[t.bank_id] > 1 else t
            for t in transactions
        ]
    return BankExport(path, format_id, format_name, tuple(transactions), tuple(balances),
                      tuple(problems))


def _is_junk(name: str) -> bool:
    """Files that macOS and Windows add when someone zips a folder by hand."""
    base = name.rsplit("/", 1)[-1]
    return name.startswith("__MACOSX/") or base.startswith("._") or base in _ZIP_JUNK


def _unsafe_name(info: zipfile.ZipInfo) -> bool:
    name = info.filename
    parts = PurePosixPath(name.replace("\\", "/")).parts
    is_link = (info.external_attr >> 16) & 0o170000 == 0o120000
    return (
        is_link
        or "\\" in name
        or "\x00" in name
        or name.startswith("/")
        or (len(name) > 1 and name[1] == ":")
        or ".." in parts
    )


def _read_zip(container: Source) -> BankExport:
    import zipfile
    import zlib

    try:
        archive = zipfile.ZipFile(io.BytesIO(container.data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        reason = str(exc) or type(exc).__name__
        raise container.error(msg.BANK_ZIP_BROKEN, reason=reason) from None
    too_big = {"limit_mb": MAX_ZIP_BYTES // 2**20, "limit_members": MAX_ZIP_MEMBERS}
    if len(infos) > MAX_ZIP_MEMBERS:
        raise container.error(msg.BANK_ZIP_TOO_BIG, **too_big)
    members: list[zipfile.ZipInfo] = []
    declared = 0
    for info in infos:
        if _unsafe_name(info):
            raise container.error(msg.BANK_ZIP_UNSAFE, name=info.filename)
        if info.is_dir() or _is_junk(info.filename):
            continue
        if info.flag_bits & 0x1:
            raise container.error(msg.BANK_ZIP_ENCRYPTED, name=info.filename)
        declared += info.file_size
        if declared > MAX_ZIP_BYTES:
            raise container.error(msg.BANK_ZIP_TOO_BIG, **too_big)
        members.append(info)
    if not members:
        raise container.error(msg.BANK_ZIP_EMPTY)
    read: list[tuple[BankReader, Read]] = []
    budget = MAX_ZIP_BYTES
    for info in members:
        try:
            with archive.open(info) as handle:
                # The declared size may lie: never unpack more than what is left.
                data = handle.read(budget + 1)
        except (
            zipfile.BadZipFile,
            zlib.error,
            OSError,
            EOFError,
            RuntimeError,
            NotImplementedError,
            ValueError,
        ) as exc:
            raise container.error(
                msg.BANK_ZIP_BROKEN, reason=f"{info.filename}: {exc or type(exc).__name__}"
            ) from None
        budget -= len(data)
        if budget < 0:
            raise container.error(msg.BANK_ZIP_TOO_BIG, **too_big)
        if data.startswith(_ZIP_MAGIC):
            raise container.error(msg.BANK_ZIP_NESTED, name=info.filename)
        member = Source(container.path, data, member=info.filename)
        reader = detect_format(member)
        read.append((reader, _run(reader, member)))
    readers = {reader.format: reader for reader, _ in read}
    if len(readers) > 1:
        names = ", ".join(sorted({reader.format_name for reader, _ in read}))
        raise container.error(msg.BANK_ZIP_MIXED, formats=names)
    from mmb.banks._stated import first_day

    # ABN AMRO zips one statement per day, in no particular order: the bank's order of
    # the statements is the order of their days.
    read.sort(key=lambda item: first_day(item[1][1]))
    reader = read[0][0]
    return _export(
        container.path,
        reader.format,
        msg.BANK_FORMAT_IN_ZIP.format(format_name=reader.format_name),
        [t for _, (txs, _, _) in read for t in txs],
        [b for _, (_, bals, _) in read for b in bals],
        [p for _, (_, _, probs) in read for p in probs],
    )
