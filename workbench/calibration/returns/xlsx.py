"""The zip an .xlsx workbook is, checked before openpyxl opens it, and the cell traps its sheets'
XML holds that openpyxl's values hide.

An .xlsx is a zip of XML parts. :func:`package_problem` reads the zip's directory (never a part's
data) and refuses a workbook whose parts would unpack to more than any authority's Annex A, a
part packed far tighter than a sheet of real data packs, or a zip of thousands of parts: a small
file that unpacks to gigabytes (a "zip bomb") used all the memory, or minutes, before any other
check applied. Python's zipfile never unpacks more of a part than the directory declares (a part
longer than declared stops at the declared size with "Bad CRC-32"), so the declared sizes bound
what reading the workbook can cost.

:func:`sheet_traps` reads one sheet's XML as bytes (no parsing: about 1% of the time openpyxl
takes to read the same sheet) for what a value-only read cannot tell from a blank cell: a
formula whose value was never saved (a workbook written by a program, or saved without
recalculating) and merged cells (only the first holds the value; the others read as blank).
"""

from __future__ import annotations

import re
import struct
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ...files import packs_too_tight, size_text

#: What the parts of one Annex A workbook may unpack to, in all. The largest English authority
#: (about 30,000 referrals and 150,000 contacts a year) gives an Annex A of about 100 MB of sheet
#: XML at most: the workbench's synthetic returns unpack to 19 MB for 54,000 referrals a year in
#: six columns a list, and real lists have two to three times the columns and List 1 (contacts)
#: five times the rows. Reading 19 MB took 9 s and 70 MB of memory, so this limit (2.5 times the
#: largest) still reads in minutes and about 1 GB; a file beyond it is not one authority's lists.
MAX_UNPACKED = 256 * 2**20
#: How much tighter than on disk a part may unpack. Sheets of real data pack about 10 times (their
#: cells' coordinates differ); deflate packs a run of one repeated byte about 1,000 times. Parts
#: under RATIO_FROM are not held to it (a small part's ratio costs nothing).
MAX_RATIO = 100
RATIO_FROM = 2**20
#: Parts of the zip: a workbook has a few dozen (each sheet, its relations, styles, strings,
#: properties); thousands are not a workbook, and their directory alone takes memory to read.
MAX_MEMBERS = 1000
#: The zip directory's size in bytes (an entry is 46 bytes and its name, with extra fields).
MAX_DIRECTORY = 4 * 2**20

_EOCD = b"PK\x05\x06"
_EOCD64_LOCATOR = b"PK\x06\x07"
_EOCD64 = b"PK\x06\x06"


def _directory(path: Path) -> tuple[int, int] | None:
    """(entries, directory bytes) from the zip's end record (zip64's when it has one), read from
    the file's last 64 KB; None when there is no end record (not a zip, or truncated)."""
    with open(path, "rb") as fh:
        fh.seek(0, 2)
        size = fh.tell()
        n = min(size, 22 + 65535)
        fh.seek(size - n)
        tail = fh.read(n)
        i = tail.rfind(_EOCD)
        if i < 0 or len(tail) - i < 22:
            return None
        entries, cd_size = struct.unpack_from("<HL", tail, i + 10)
        if entries != 0xFFFF and cd_size != 0xFFFFFFFF:
            return entries, cd_size
        # zip64: its locator stands just before the end record and points at the zip64 record
        if i < 20 or tail[i - 20:i - 16] != _EOCD64_LOCATOR:
            return entries, cd_size
        (offset,) = struct.unpack_from("<Q", tail, i - 20 + 8)
        if offset > size - 56:
            return None
        fh.seek(offset)
        rec = fh.read(56)
        if rec[:4] != _EOCD64:
            return None
        entries64, cd64 = struct.unpack_from("<QQ", rec, 32)
        return entries64, cd64


def package_problem(path: Path) -> str | None:
    """Why the workbook's zip is not opened (a sentence), or None when its directory is within
    the limits. Reads the directory only."""
    what = ("not read (damaged, or made to fill the memory when unpacked): save the Annex A lists "
            "from Excel as a new workbook (.xlsx)")
    d = _directory(path)
    if d is None:
        return ("not a readable Excel workbook (.xlsx): no zip directory at its end (a truncated "
                "or damaged file?): save the Annex A lists from Excel as a workbook again")
    entries, cd_size = d
    if entries > MAX_MEMBERS or cd_size > MAX_DIRECTORY:
        return (f"a zip of {entries:,} parts (directory {size_text(cd_size)}); an Excel workbook has a "
                f"few dozen (at most {MAX_MEMBERS:,} are read): {what}")
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, struct.error) as exc:
        return ("not a readable Excel workbook (.xlsx): its zip directory is damaged "
                f"({type(exc).__name__}): save the Annex A lists from Excel as a workbook again")
    if len(infos) > MAX_MEMBERS:
        return (f"a zip of {len(infos):,} parts; an Excel workbook has a few dozen (at most "
                f"{MAX_MEMBERS:,} are read): {what}")
    total = sum(i.file_size for i in infos)
    if total > MAX_UNPACKED:
        return (f"its parts would unpack to {size_text(total)} from {size_text(path.stat().st_size)} on disk, "
                f"more than any authority's Annex A (at most {size_text(MAX_UNPACKED)}): {what}")
    for i in infos:
        if packs_too_tight(i.file_size, i.compress_size, MAX_RATIO, RATIO_FROM):
            ratio = i.file_size / max(i.compress_size, 1)
            return (f"its part {i.filename[:100]} would unpack to {size_text(i.file_size)} from "
                    f"{size_text(i.compress_size)} ({ratio:,.0f} times; a sheet of real data packs about "
                    f"10 times, at most {MAX_RATIO} are read): {what}")
    return None


# ---------------------------------------------------------------------------------------------
# Traps in a sheet's XML
# ---------------------------------------------------------------------------------------------

_P = rb"(?:[A-Za-z_][\w.-]*:)?"          # an optional namespace prefix (x:c, x:f ...)
#: a cell holding a formula and no value: <c ...><f>...</f></c>, <f .../> (a shared formula's
#: other cells), or an empty <v/> after it (openpyxl writes <v></v>). The schema fixes the order
#: (f, v, is); a t="str" cell with an empty <v> is a saved empty text, not flagged.
_TRAP = re.compile(
    rb"<" + _P + rb"c\b([^>]{0,400})>\s*<" + _P + rb"f\b[^>]{0,400}?(?:/>|>[^<]{0,40000}</" + _P
    + rb"f>)\s*(?:<" + _P + rb"v\s*/>|<" + _P + rb"v>\s*</" + _P + rb"v>)?\s*</" + _P + rb"c>"
    rb"|<" + _P + rb"mergeCell\b[^>]{0,400}?\bref\s*=\s*[\"']"
    rb"([A-Za-z]{1,3}[0-9]{1,7}(?::[A-Za-z]{1,3}[0-9]{1,7})?)[\"']")
_REF = re.compile(rb"\br\s*=\s*[\"']([A-Za-z]{1,3})([0-9]{1,7})[\"']")
_TYPE = re.compile(rb"\bt\s*=\s*[\"']([A-Za-z]+)[\"']")
_CELL = re.compile(r"([A-Za-z]{1,3})([0-9]{1,7})")
_CHUNK = 1 << 20
_OVERLAP = 1 << 16          # longer than any match (a formula's text is at most 8,192 characters)


def column_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


@dataclass
class SheetTraps:
    """What a sheet's XML holds that its values hide: formula cells with no saved value
    (row, column; column 0 when the cell does not give its position) and merged ranges
    (reference as written, first column, first row, last column, last row)."""

    unsaved: list[tuple[int, int]] = field(default_factory=list)
    merged: list[tuple[str, int, int, int, int]] = field(default_factory=list)
    more: int = 0          # formula cells with no saved value beyond the first MAX_TRAPS


#: Traps kept a sheet (a program's sheet of a million unsaved formulas is said in a count).
MAX_TRAPS = 10_000


def sheet_traps(zf: zipfile.ZipFile, member: str) -> SheetTraps:
    """The traps in one sheet's XML (streamed in 1 MB pieces; nothing is parsed)."""
    out = SheetTraps()
    buf = b""
    with zf.open(member) as fh:
        while True:
            chunk = fh.read(_CHUNK)
            buf += chunk
            limit = len(buf) if not chunk else len(buf) - _OVERLAP
            nxt = max(limit, 0)
            # most sheets hold neither: a substring search is far quicker than the pattern
            maybe = b"<f" in buf or b":f" in buf or b"mergeCell" in buf
            hits = _TRAP.finditer(buf) if maybe else ()
            for m in hits:
                if m.start() >= limit:
                    break
                nxt = max(nxt, m.end())
                if m.group(2) is not None:
                    _merged(out, m.group(2).decode("ascii"))
                    continue
                attrs = m.group(1)
                t = _TYPE.search(attrs)
                if t and t.group(1) in (b"str", b"s", b"inlineStr"):
                    continue                    # a formula whose saved value is empty text
                r = _REF.search(attrs)
                if len(out.unsaved) >= MAX_TRAPS:
                    out.more += 1
                    continue
                out.unsaved.append((int(r.group(2)), column_number(r.group(1).decode("ascii")))
                                   if r else (0, 0))
            if not chunk:
                return out
            buf = buf[nxt:]


def _merged(out: SheetTraps, ref: str) -> None:
    parts = [_CELL.fullmatch(p) for p in ref.split(":")]
    if not all(parts):
        return
    cols = [column_number(p.group(1)) for p in parts]
    rows = [int(p.group(2)) for p in parts]
    if len(parts) == 1 or (cols[0] == cols[-1] and rows[0] == rows[-1]):
        return                                  # one cell: nothing hidden
    if len(out.merged) >= MAX_TRAPS:
        return
    out.merged.append((ref.upper(), min(cols), min(rows), max(cols), max(rows)))
