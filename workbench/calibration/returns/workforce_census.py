"""The children's social work workforce census: one record per worker, as CSV or DfE's XML.

Fields (DfE's names): ``SWENo`` (or a local ``WorkerID``/``StaffID``), ``AgencyWorker``, ``FTE``
(or ``FTE30``), ``OrgRole`` (5 = case holder), ``RoleStartDate``, ``RoleEndDate``,
``ReasonLeave``, ``Cases30``, ``WorkingDaysLost``; and two local fields the census lacks but the
model uses when given: ``Team`` and ``WorkerType``. In XML each worker is a ``CSWWWorker``
element. The census is taken at 30 September; several years combine into one roster (a worker
is one role: ``SWENo`` + ``RoleStartDate``; the latest census wins, and ``Cases30`` is kept from
the latest census only: earlier ones counted cases at other dates).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..extracts.layouts import WORKFORCE_COLUMNS
from .common import Origin, ReturnProblem, ReturnRecords, WorkerRecord

# the census's names (and common variants) -> the roster's column
ALIASES = {"swe no": "WorkerID", "sweno": "WorkerID", "workerid": "WorkerID", "staffid": "WorkerID",
           "fte30": "FTE"}
for _c in WORKFORCE_COLUMNS:
    ALIASES.setdefault(_c.name.lower(), _c.name)
# census ReasonLeave values written out in words by some systems -> the roster's codes
REASON_WORDS = {"resignation": "RES", "resigned": "RES", "retirement": "RET", "retired": "RET",
                "dismissal": "DIS", "dismissed": "DIS", "redundancy": "RED",
                "end of contract": "END", "end of assignment": "END", "other": "OTH",
                "unknown": "UNK", "not known": "UNK"}
CORE = {"WorkerID", "AgencyWorker", "OrgRole", "RoleStartDate"}


def _key(h: str) -> str:
    return str(h).strip().lower().replace("_", "")


def is_workforce_columns(columns) -> bool:
    cols = {ALIASES.get(_key(c)) for c in columns}
    # two of the census's worker fields mark it (a missing one is then reported)
    return len(cols & {"AgencyWorker", "OrgRole", "RoleStartDate", "Cases30"}) >= 2


def _record(values: dict, origin: Origin, year: int) -> WorkerRecord:
    row = {}
    for k, v in values.items():
        col = ALIASES.get(_key(k))
        if col is None:
            continue
        v = "" if v is None or (isinstance(v, float) and v != v) else str(v).strip()
        if col == "ReasonLeave" and v.lower() in REASON_WORDS:
            v = REASON_WORDS[v.lower()]
        row[col] = v
    fields = tuple((ALIASES.get(_key(k)), k) for k in values if ALIASES.get(_key(k)))
    return WorkerRecord(row, Origin(origin.file, origin.row, origin.element, fields), year)


def read_workforce_frame(df: pd.DataFrame, name: str, problems: list, year: int) -> ReturnRecords:
    """Workers from a CSV (or sheet) of the census, cells as text."""
    out = ReturnRecords("workforce", name, year)
    cols = {ALIASES.get(_key(c)) for c in df.columns}
    gone = sorted(CORE - cols)
    for c in gone:
        alias = " (SWENo)" if c == "WorkerID" else ""
        problems.append(ReturnProblem(name, f"required column is missing{alias}", None, c))
    if gone:
        return out
    for i, rec in enumerate(df.to_dict("records"), start=2):
        out.workers.append(_record(rec, Origin(name, i), year))
    return out


def read_workforce_xml(root, name: str, problems: list, year: int) -> ReturnRecords:
    """Workers from the census XML (``CSWWWorker`` elements)."""
    out = ReturnRecords("workforce", name, year)
    ref = root.findtext("Header/CollectionDetails/ReferenceDate") or ""
    if ref[:4].isdigit():
        out.year = year = int(ref[:4])
    for i, w in enumerate(root.iter("CSWWWorker"), start=1):
        values = {c.tag: (c.text or "") for c in w if isinstance(c.tag, str)}
        out.workers.append(_record(values, Origin(name, w.sourceline, f"CSWWWorker {i}"), year))
    if not out.workers:
        problems.append(ReturnProblem(name, "no CSWWWorker elements (not a workforce census?)"))
    return out


def is_workforce_xml(root) -> bool:
    return next(root.iter("CSWWWorker"), None) is not None


def combine_workers(records: list[WorkerRecord]) -> tuple[pd.DataFrame, list[Origin], int]:
    """One row per role across census years: (roster table of text, each row's origin, number
    of records merged into an earlier one)."""
    latest = max((r.year for r in records), default=0)
    by_key: dict[tuple, tuple[dict, Origin, int]] = {}
    merged = 0
    for r in sorted(records, key=lambda r: r.year):
        v = dict(r.values)
        if r.year != latest:
            v["Cases30"] = ""
        key = (v.get("WorkerID", ""), v.get("RoleStartDate", ""))
        if key in by_key and key[0]:
            old, _, _ = by_key[key]
            merged += 1
            for k, x in v.items():
                if x != "" or k == "Cases30":
                    old[k] = x
            by_key[key] = (old, r.origin, r.year)
        else:
            by_key[key if key[0] else (id(r), "")] = (v, r.origin, r.year)
    cols = [c.name for c in WORKFORCE_COLUMNS]
    rows = [vals for vals, _, _ in by_key.values()]
    table = pd.DataFrame(rows).reindex(columns=[c for c in cols if any(c in x for x in rows)])
    return table.fillna(""), [o for _, o, _ in by_key.values()], merged


def year_of(path: Path) -> int:
    from .ssda903 import year_from_name
    return year_from_name(path.name)
