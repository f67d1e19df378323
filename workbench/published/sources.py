"""Finding the published files in a folder: the CSV files and the ZIP files' CSV members, each
checked for size (and a ZIP member for a "zip bomb") before it is read; a named pipe, a socket
or a device named like a table is skipped, never opened; tables in subfolders are said.
(:func:`~workbench.published.read.read_published` reads what these give.)"""

from __future__ import annotations

import zipfile
from pathlib import Path

from ..errors import UserError
from ..files import packs_too_tight, size_text


class PublishedError(UserError):
    """A published file the workbench cannot read, or an authority it cannot find."""


__all__ = ["PublishedError", "MAX_FILE", "MAX_RATIO", "SKIPPED", "in_subfolders", "sources"]


#: The largest CSV file read (loose or in a ZIP). The biggest by-local-authority file of the
#: publications read here is a few megabytes (every authority, a dozen years); a gigabyte is far
#: beyond any of them and still fits in memory.
MAX_FILE = 2**30
#: A ZIP member over a megabyte that unpacks to more than this many times its packed size is a
#: "zip bomb": the publications' CSV files pack about 5 to 20 times.
MAX_RATIO = 1000


def _size_problem(name: str, size: int, packed: int | None = None) -> str | None:
    if size > MAX_FILE:
        return (f"{name}: {size_text(size)}, more than any published table (at most "
                f"{size_text(MAX_FILE)} are read): is it the right file?")
    if packed is not None and packs_too_tight(size, packed, MAX_RATIO):
        return (f"{name}: would unpack from {size_text(packed)} to {size_text(size)}, more than "
                f"{MAX_RATIO:,} times: not a file the service writes (a damaged or hostile ZIP?)")
    return None


def sources(folder: Path, skipped: dict | None = None):
    """(name, text) of every CSV file in the folder and in the ZIP files there (sorted). A
    named pipe, a socket or a device with a file's name is never opened (reading it would wait
    for ever): it is put in ``skipped`` with what it is, as the returns reader skips it (it was
    refused here, so one stray pipe stopped every table from being read)."""
    for p in sorted(folder.iterdir()):
        kind = p.suffix.lower()
        if kind not in (".csv", ".zip"):
            continue
        if not p.is_file():      # a folder or a pipe with a file's name: reading it would hang
            what = ("a folder" if p.is_dir() else "a link to a file that is not there"
                    if p.is_symlink() and not p.exists() else _special(p))
            if what in SKIPPED and skipped is not None:
                skipped[p.name] = (f"{what}, not a file: never opened; copy the table itself "
                                   "into the folder if it is one")
                continue
            raise PublishedError(f"{p.name}: not a file ({what} named like one): remove it or "
                                 "move it out of the folder")
        try:
            problem = _size_problem(p.name, p.stat().st_size) if kind == ".csv" else None
            if problem:
                raise PublishedError(problem)
            if kind == ".csv":
                yield p.name, p.read_bytes()
                continue
            with zipfile.ZipFile(p) as z:
                for info in sorted(z.infolist(), key=lambda i: i.filename):
                    if info.is_dir() or not info.filename.lower().endswith(".csv"):
                        continue
                    name = f"{p.name}/{info.filename}"
                    problem = _size_problem(name, info.file_size, info.compress_size)
                    if problem:
                        raise PublishedError(problem)
                    with z.open(info) as member:    # stops at the declared size
                        yield name, member.read(MAX_FILE + 1)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError) as exc:
            raise PublishedError(f"{p.name}: not a readable ZIP file ({exc})") from None
        except OSError as exc:
            raise PublishedError(f"{p.name}: could not be read ({exc.strerror or exc})") from None


#: What a special entry named like a table is (by its mode): skipped with a note, not read.
SKIPPED = ("a named pipe", "a socket", "a device")


def _special(p: Path) -> str:
    """A named pipe, a socket or a device, as its mode says (``stat``; never opened)."""
    from ..calibration.returns.folder_checks import _what
    what = _what(p)
    return what if what in SKIPPED else "a pipe or a device"


def in_subfolders(folder: Path) -> str:
    """A sentence on CSV and ZIP files in the folder's subfolders, which are not read (an
    unzipped download keeps its tables in data/: 'none of the published tables was found, 0
    files looked at' said nothing of where they were)."""
    try:
        # one level down only: --data given a home folder must not walk the whole disk
        found = sorted(p.relative_to(folder).as_posix() for p in folder.glob("*/*")
                       if p.suffix.lower() in (".csv", ".zip")
                       and not any(part.startswith(".") for part in p.relative_to(folder).parts))
    except OSError:
        return ""
    if not found:
        return ""
    shown = ", ".join(found[:3]) + (f" and {len(found) - 3:,} more" if len(found) > 3 else "")
    return (f"{len(found):,} CSV or ZIP file(s) in subfolders are not read ({shown}): only "
            "the files in the folder itself are; move them into it (or give the subfolder as "
            "--data)")
