"""The Ofsted Annex A workbook (.xlsx): the child-level lists an inspection asks for.

Calibration reads List 3 (referrals), 4 (assessments), 5 (s47 enquiries and ICPCs), 6 (children
in need), 7 (child protection) and 8 (children in care); the others (contacts, early help, care
leavers, adoption) are read past. A sheet is recognised by its name ("List 3", "L3 Referrals",
...) or, failing that, by its columns. Column titles vary between councils and years, so each
field is matched by a pattern over the title (``Date of referral``, ``Referral Date``, ``Date
referral received`` ...); the header may sit below a title block (the first row naming a child
identifier is taken as the header). Problems name the file, the sheet, the spreadsheet row and
the column title: never a child's identifier.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from .common import (EpisodeRecord, Origin, ReturnProblem, ReturnRecords, StageRecord, parse_date,
                     parse_flag)

_ID = re.compile(r"(child|person|unique).*(id|identifier|ref)|^id$|lachildid", re.I)
# list -> {our field: pattern over the column title}
FIELDS: dict[int, dict[str, re.Pattern]] = {
    3: {"referral": re.compile(r"date.*referral|referral.*date", re.I),
        "nfa": re.compile(r"nfa|no further action", re.I),
        "team": re.compile(r"allocated.*team|^team", re.I),
        "worker": re.compile(r"allocated.*worker|^worker|social worker", re.I)},
    4: {"start": re.compile(r"assessment.*start|start.*assessment", re.I),
        "end": re.compile(r"authoris|authoriz|assessment.*(complet|end)", re.I)},
    5: {"start": re.compile(r"strategy discussion|(section ?47|s47).*(start|date)", re.I),
        "icpc": re.compile(r"date.*(initial child protection conference|icpc)|icpc.*date", re.I)},
    6: {"referral": re.compile(r"cin.*start|start.*date", re.I),
        "closure": re.compile(r"closure.*date|date.*clos", re.I),
        "reason": re.compile(r"reason.*closure", re.I)},
    7: {"start": re.compile(r"(plan|cpp).*start|start.*(plan|cpp)", re.I),
        "end": re.compile(r"(plan|cpp).*end|end.*(plan|cpp)", re.I)},
    8: {"start": re.compile(r"started to be looked after|(date|period).*(start|entered).*care", re.I),
        "end": re.compile(r"ceased to be looked after|(date|period).*(ceased|left|end).*care", re.I)},
}
REQUIRED = {3: ("referral",), 4: ("start",), 5: ("start",), 6: ("referral",), 7: ("start",),
            8: ("start",)}
STAGE = {4: "assessment", 5: "s47", 7: "cp", 8: "lac"}
LIST_NAME = re.compile(r"^\s*(list|l)\s*([0-9]{1,2})\b", re.I)
_REASON = re.compile(r"\bRC([1-9])\b", re.I)
HEADER_SEARCH_ROWS = 15


def _list_number(sheet: str, columns) -> int | None:
    m = LIST_NAME.match(sheet)
    if m:
        return int(m.group(2))
    titles = " | ".join(str(c) for c in columns)
    for n in (8, 7, 5, 4, 3, 6):   # the most specific titles first
        if all(any(FIELDS[n][f].search(str(c)) for c in columns) for f in REQUIRED[n]):
            if n == 6 and "CIN" not in titles.upper():
                continue
            return n
    return None


def _find_header(raw: pd.DataFrame) -> int | None:
    for i in range(min(HEADER_SEARCH_ROWS, len(raw))):
        if any(_ID.search(str(v)) for v in raw.iloc[i].tolist() if isinstance(v, str)):
            return i
    return None


def _match(columns, n: int) -> dict[str, str]:
    """Our field -> the sheet's column title (the first title that matches)."""
    out = {}
    for f, pat in FIELDS[n].items():
        for c in columns:
            if pat.search(str(c)) and c not in out.values():
                out[f] = c
                break
    return out


def read_annex_a(path: str | Path, problems: list) -> ReturnRecords:
    """Episodes and stages from an Annex A workbook."""
    path = Path(path)
    name = path.name
    out = ReturnRecords("annex_a", name)
    try:
        sheets = pd.read_excel(path, sheet_name=None, header=None, dtype=object)
    except Exception as exc:   # openpyxl raises many types for a damaged or foreign file
        problems.append(ReturnProblem(name, "not a readable Excel workbook (.xlsx): "
                                            f"{type(exc).__name__}"))
        return out
    used = 0
    for sheet, raw in sheets.items():
        h = _find_header(raw)
        if h is None:
            continue
        cols = [str(c).strip() for c in raw.iloc[h].tolist()]
        n = _list_number(sheet, cols)
        if n not in FIELDS:
            continue
        used += 1
        body = raw.iloc[h + 1:]
        body.columns = cols
        id_col = next(c for c in cols if _ID.search(c))
        fmap = _match([c for c in cols if c != id_col], n)
        fname = f"{name} [{sheet}]"
        gone = [f for f in REQUIRED[n] if f not in fmap]
        for f in gone:
            problems.append(ReturnProblem(fname, f"no column for the {f} date (List {n}: "
                                                 f"expected a title like '{_example(n, f)}')", h + 1))
        if gone:
            continue
        fields = tuple((k, v) for k, v in {
            "CINreferralDate": fmap.get("referral"), "ReferralNFA": fmap.get("nfa"),
            "CINclosureDate": fmap.get("closure"), "ReasonForClosure": fmap.get("reason"),
            "LAchildID": id_col}.items() if v)
        for j, (_, r) in enumerate(body.iterrows()):
            row = h + 2 + j
            vals = r.to_dict()
            child = "" if pd.isna(vals[id_col]) else str(vals[id_col]).strip()
            if not child and all(pd.isna(v) or str(v).strip() == "" for v in vals.values()):
                continue                                    # a blank line under the list
            if not child:
                problems.append(ReturnProblem(fname, "a child identifier is required", row, id_col))
                continue
            get = lambda f: vals.get(fmap[f]) if f in fmap else None  # noqa: E731
            if n in (3, 6):
                org = Origin(fname, row, None, fields)
                ref = parse_date(get("referral"), org, "CINreferralDate", problems, required=True)
                if not ref:
                    continue
                ep = EpisodeRecord(child, ref, org)
                if n == 3:
                    ep.nfa = parse_flag(get("nfa"), org, "ReferralNFA", problems) if "nfa" in fmap else ""
                    ep.team = "" if pd.isna(get("team")) else str(get("team") or "").strip()
                    ep.worker = "" if pd.isna(get("worker")) else str(get("worker") or "").strip()
                else:
                    ep.closure = parse_date(get("closure"), org, "CINclosureDate", problems)
                    m = _REASON.search(str(get("reason") or ""))
                    ep.reason = f"RC{m.group(1)}" if m else ""
                out.episodes.append(ep)
                continue
            sf = fmap["start"]
            ef = fmap.get("end") or fmap.get("icpc")
            org = Origin(fname, row, None, tuple((c, t) for c, t in _flat_fields(n, sf, fmap)))
            start = parse_date(get("start"), org, sf, problems, required=True)
            end = parse_date(get("end"), org, ef, problems) if "end" in fmap else ""
            if not start:
                continue
            out.stages.append(StageRecord(child, STAGE[n], start, end, org))
            if n == 5 and "icpc" in fmap:
                icpc = parse_date(get("icpc"), org, fmap["icpc"], problems)
                if icpc:
                    out.stages.append(StageRecord(child, "icpc", "", icpc, org))
    if not used:
        problems.append(ReturnProblem(name, "no Annex A list found (expected sheets 'List 3' to "
                                            "'List 8' with a child identifier column)"))
    return out


def _flat_fields(n: int, start_title: str, fmap: dict) -> list[tuple[str, str]]:
    from ..extracts import STAGE_COLUMNS
    cols = {s: (c0, c1) for s, c0, c1 in STAGE_COLUMNS}
    c0, c1 = cols[STAGE[n]]
    out = [(c0, start_title)]
    if "end" in fmap:
        out.append((c1, fmap["end"]))
    if "icpc" in fmap:
        out.append(("DateOfInitialCPC", fmap["icpc"]))
    return out


def _example(n: int, f: str) -> str:
    return {(3, "referral"): "Date of referral", (4, "start"): "Continuous Assessment Start Date",
            (5, "start"): "Strategy discussion initiating Section 47 Enquiry Start Date",
            (6, "referral"): "CIN Start Date", (7, "start"): "Child Protection Plan Start Date",
            (8, "start"): "Date Started to be Looked After"}[(n, f)]
