"""Writing output files: whole or not at all, and a clear message when the disk says no.

Every file the workbench writes (a report, a scenario, a table, a chart, a replication's record)
goes through :func:`writing` or its shorthands. The content goes to a temporary file beside the
target, which replaces the target only once it is complete: a full disk, a read-only folder or an
interrupted run leaves the old file (or none), never an empty or cut-off one that a reader could
take for the real thing. A failure becomes :class:`CannotWrite`, a
:class:`~workbench.errors.UserError` that names the file and the reason in plain words.

:func:`check_can_write` asks the same question before any work, so that a command whose output
cannot be written stops at once instead of after an hour of simulation.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .errors import UserError

#: Plain words for the errors a disk or a folder gives (the rest keep the system's wording).
_REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EROFS: "the disk is read-only",
    # on Windows also a file open in another program (a table left open in Excel)
    errno.EACCES: "no permission to write there, or the file is open in another program",
    errno.EPERM: "no permission to write there, or the file is open in another program",
    errno.EFBIG: "the file would be too large for the disk",
    errno.ENAMETOOLONG: "the name is too long",
}

#: The errors that mean "this machine cannot write here", not a fault in the workbench.
WRITE_ERRNOS = frozenset(_REASONS) | {errno.EIO, errno.ENOTDIR, errno.EISDIR}


class CannotWrite(UserError):
    """An output file or folder that cannot be written (full disk, read-only, no permission)."""


def reason(exc: OSError) -> str:
    """The reason an :class:`OSError` gives, in plain words where there are some."""
    if exc.errno in _REASONS:
        return _REASONS[exc.errno]
    return exc.strerror or str(exc)


def is_write_error(exc: BaseException) -> bool:
    """Whether ``exc`` is the machine refusing a write (disk, folder, permission)."""
    return isinstance(exc, OSError) and exc.errno in WRITE_ERRNOS


def _temporary(path: Path) -> Path:
    # a hidden name in the same folder (so the final rename is atomic), keeping the suffix, by
    # which matplotlib and pandas choose the format they write; the stem is cut so that a name
    # that fits leaves room for the additions
    return path.with_name(f".{path.stem[:100]}.{os.getpid()}.partial{path.suffix}")


#: What a file system without hard links says to :func:`os.link`.
_NO_LINKS = frozenset({errno.EPERM, errno.EMLINK, errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS})


def _make_only(tmp: Path, path: Path) -> None:
    """Make ``tmp`` the file ``path`` if, and only if, no file is there (FileExistsError)."""
    try:
        os.link(tmp, path)
        return
    except FileExistsError:
        raise
    except OSError as exc:
        if exc.errno not in _NO_LINKS:
            raise
    # no hard links here: claim the name with an exclusive create, then fill it
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    os.replace(tmp, path)


@contextlib.contextmanager
def writing(path: str | os.PathLike, what: str | None = None,
            exclusive: bool = False) -> Iterator[Path]:
    """Yield a temporary path to write ``path``'s content to; on success it becomes ``path``.

    The folder is made if missing. If the body raises, the temporary file is removed and
    ``path`` is left as it was; an :class:`OSError` from the disk becomes :class:`CannotWrite`
    naming ``what`` (an option such as ``--out``) and the file.

    With ``exclusive``, the file is only made, never replaced: when ``path`` exists by the time
    the content is complete (another page saved the same name a moment before, say),
    :class:`FileExistsError` is raised and ``path`` keeps the other writer's content. The check
    and the making are one step of the file system (a hard link, or an exclusive create where
    the disk has no links), so two writers racing for one name cannot both succeed.
    """
    path = Path(path)
    label = f"{what} {path}" if what else str(path)
    if path.is_symlink():   # write where the link points, and keep the link
        path = Path(os.path.realpath(path))
    tmp = _temporary(path)
    make_folder(path.parent, f"{what} {path}: its folder" if what else f"{path}: its folder")
    try:
        yield tmp
        if exclusive:
            _make_only(tmp, path)
        else:
            if path.exists():   # a file replaced keeps its permissions (a shared folder's, say)
                with contextlib.suppress(OSError):
                    shutil.copymode(path, tmp)
            os.replace(tmp, path)
    except OSError as exc:
        if not is_write_error(exc):
            raise
        raise CannotWrite(f"{label}: cannot write it ({reason(exc)}); nothing was written "
                          f"there") from None
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)


def write_text(path: str | os.PathLike, text: str, what: str | None = None) -> Path:
    """Write ``text`` (UTF-8) to ``path``, whole or not at all (see :func:`writing`)."""
    with writing(path, what) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)


def write_bytes(path: str | os.PathLike, data: bytes, what: str | None = None) -> Path:
    """Write ``data`` to ``path``, whole or not at all (see :func:`writing`)."""
    with writing(path, what) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def write_table(path: str | os.PathLike, table, what: str | None = None, *,
                formulas_as_text: bool = False, **to_csv) -> Path:
    """Write a pandas table as CSV (``to_csv``'s options, default ``index=False``), whole or not
    at all (see :func:`writing`). With ``formulas_as_text``, for a table people open in a
    spreadsheet: text a spreadsheet would run as a formula starts with ``'``
    (:func:`spreadsheet_safe`)."""
    to_csv.setdefault("index", False)
    if formulas_as_text:
        table = spreadsheet_safe(table)
    with writing(path, what) as tmp:
        table.to_csv(tmp, **to_csv)
    return Path(path)


#: First characters that make a spreadsheet read a cell as a formula (OWASP's list for CSV
#: injection, and the full-width forms some Excel input methods turn into them).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
#: Text that is a plain number ("-2.5", "+3", "1e-3", "-12%"): a spreadsheet reads it as that
#: number, never as a formula, so it is left as it is.
_PLAIN_NUMBER = re.compile(r"[+-]?(\d[\d,]*(\.\d*)?|\.\d+)([eE][+-]?\d+)?%?")


def formula_like(value) -> bool:
    """Whether ``value`` is text a spreadsheet would read as a formula (a scenario named
    ``=HYPERLINK(...)``, or starting with ``+``, ``-``, ``@``, a tab or a carriage return)."""
    return (isinstance(value, str) and value.startswith(FORMULA_STARTS)
            and not _PLAIN_NUMBER.fullmatch(value))


def as_text(value):
    """``value`` as a spreadsheet will show it, never run it: text that would be read as a
    formula gets a leading ``'`` (OWASP's advice on CSV injection); anything else (numbers,
    dates, other text) is unchanged."""
    return "'" + value if formula_like(value) else value


def spreadsheet_safe(table):
    """A copy of the pandas ``table`` with every header and text cell passed through
    :func:`as_text`; number columns are left as they are."""
    from pandas.api.types import is_numeric_dtype

    out = table.rename(columns=as_text)
    for col in out.columns:
        if not is_numeric_dtype(out[col]):  # text, or text mixed with numbers
            out[col] = out[col].map(as_text)
    return out


def one_line(text) -> str:
    """Text for a comment line of a YAML file: every character YAML reads as a line break
    (``\\x85``, U+2028, U+2029, besides ``\\r`` and ``\\n``) or another control character shown
    as an escape. A file named with U+2028 ended the comment line it was quoted in, and the rest
    of its name was read as the scenario's own fields."""
    return "".join(c if c == " " or (c.isprintable() and c not in "\x85\u2028\u2029")
                   else ascii(c)[1:-1] for c in str(text))


def save_figure(path: str | os.PathLike, fig, what: str | None = None, **savefig) -> Path:
    """Save a matplotlib figure (``savefig``'s options; the format from ``path``'s suffix), whole
    or not at all (see :func:`writing`)."""
    with writing(path, what) as tmp:
        fig.savefig(tmp, **savefig)
    return Path(path)


def make_folder(path: str | os.PathLike, what: str | None = None) -> Path:
    """Make the folder ``path`` (and its parents) if missing, or say why it cannot be made."""
    path = Path(path)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        # every refusal is the machine's answer about this path, not a fault of ours: a file in
        # the way, no permission, a read-only disk, or a place no folder can be made (/proc)
        label = f"{what} {path}" if what else str(path)
        if isinstance(exc, (FileExistsError, NotADirectoryError)):
            why = "a file is in the way"
        elif isinstance(exc, FileNotFoundError):
            why = "no folder can be made there"
        else:
            why = reason(exc)
        raise CannotWrite(f"{label}: the folder cannot be made ({why})") from None
    return path


def check_can_write(path: str | os.PathLike, what: str = "--out") -> Path:
    """``path`` (a file or folder to be written) if it could be: its nearest existing folder is a
    folder this process may write in, on a disk that is not read-only. Nothing is made."""
    path = Path(path)
    for p in (path, *path.parents):
        if p.exists():
            if p != path and not p.is_dir():
                raise CannotWrite(f"{what} {path}: {p} exists and is not a folder")
            folder = p if p.is_dir() else p.parent
            if not os.access(folder, os.W_OK | os.X_OK):
                why = ("the disk is read-only" if _read_only(folder)
                       else "no permission to write there")
                raise CannotWrite(f"{what} {path}: cannot write in {folder} ({why})")
            _probe(folder, what, path)
            return path
    return path


def _probe(folder: Path, what: str, path: Path) -> None:
    """Make and remove an empty folder in ``folder``: the only sure test that something can be
    made there (permission bits say yes to root everywhere, /proc and /sys included)."""
    try:
        os.rmdir(tempfile.mkdtemp(prefix=".workbench-probe-", dir=folder))
    except OSError as exc:
        why = ("no file or folder can be made there" if isinstance(exc, FileNotFoundError)
               else reason(exc))
        raise CannotWrite(f"{what} {path}: cannot write in {folder} ({why})") from None


def _read_only(folder: Path) -> bool:
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):  # no statvfs (Windows)
        return False


def size_text(n: float) -> str:
    """A size in bytes as people read it: "12 MB", "340 KB", "512 bytes"."""
    if n >= 2**20:
        return f"{n / 2**20:,.0f} MB"
    return f"{n / 2**10:,.0f} KB" if n >= 2**10 else f"{n:,} bytes"


def packs_too_tight(unpacked: int, packed: int, max_ratio: float,
                    from_bytes: int = 2**20) -> bool:
    """Whether a zip member would unpack to more than ``max_ratio`` times its packed size (a
    "zip bomb": deflate packs a run of one repeated byte about 1,000 times, real data 5 to 20).
    Members under ``from_bytes`` unpacked are not held to it (a small one costs nothing)."""
    return unpacked > from_bytes and unpacked > max_ratio * max(packed, 1)
