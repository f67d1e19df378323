"""Writing the four statutory returns from a case table and a roster (synthetic data only).

:func:`write_returns` turns the flattened tables of :mod:`workbench.calibration.extracts` (from
the model's synthetic generator or from :mod:`.independent`) into what a council would hold: a
CIN census XML and an SSDA903 header and episodes CSV for each collection year (years to 31
March, each showing what was recorded by its reference date; with the SSDA903 OC3 file of care
leavers around their 18th to 21st birthdays), an Annex A workbook for the last
12 months, and a workforce census per year. Optional irregularities make the returns realistic:
episodes given twice, episodes recorded late (only in the next year's return), dates left
blank in one year's return and filled in the next, periods of care split into several SSDA903
episodes at placement changes.
"""

from __future__ import annotations

import datetime as dt
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from lxml import etree

from ... import files

CIN_MODULES = (("Assessments", "AssessmentActualStartDate", "AssessmentAuthorisationDate"),
               ("CINPlanDates", "CINPlanStartDate", "CINPlanEndDate"),
               ("ChildProtectionPlans", "CPPstartDate", "CPPendDate"))


@dataclass(frozen=True)
class Irregularities:
    """Shares of episodes given twice, recorded late and with a date missing in one year."""

    duplicate: float = 0.0
    late: float = 0.0
    missing: float = 0.0
    split_placements: float = 0.5   # periods of care split at a placement change


def _years(first: dt.date, last: dt.date) -> list[int]:
    """Collection years (to 31 March) covering the dates."""
    y0 = first.year + (1 if first.month >= 4 else 0)
    y1 = last.year + (1 if last.month >= 4 else 0)
    return list(range(y0, y1 + 1))


def _cut(v: str, end: str) -> str:
    return v if v and v <= end else ""


def write_returns(folder: str | Path, cases: pd.DataFrame, workforce: pd.DataFrame,
                  window_start: dt.date, window_end: dt.date, seed: int = 0,
                  irregular: Irregularities = Irregularities()) -> list[Path]:
    """Write the four returns for every collection year the case table touches.

    Parameters
    ----------
    folder : path
        Created if missing.
    cases, workforce : pandas.DataFrame
        Text tables in the layouts of :mod:`workbench.calibration.extracts` (ISO dates).
    window_start, window_end : datetime.date
        The data window: a return for each collection year from the one holding
        ``window_start`` (older episodes still open appear in it, as in a real return) to the one
        holding ``window_end``, whose returns are made on that day.
    seed : int
        Seed of the irregularities and of the fields calibration does not read.

    Returns
    -------
    list of Path
        The files written.
    """
    folder = files.make_folder(folder)
    rng = np.random.default_rng([seed, 903])
    from ..extracts import CASE_COLUMNS
    c = cases.reindex(columns=[x.name for x in CASE_COLUMNS]).astype(object).fillna("").astype(str)
    written = []
    keys = c.LAchildID + "|" + c.CINreferralDate
    ukeys = keys.unique()
    late = set(ukeys[rng.random(len(ukeys)) < irregular.late])
    dup = set(ukeys[rng.random(len(ukeys)) < irregular.duplicate])
    miss = set(ukeys[rng.random(len(ukeys)) < irregular.missing])
    years = _years(window_start, window_end)
    for y in years:
        ref = min(dt.date(y, 3, 31), window_end).isoformat()
        y_start = dt.date(y - 1, 4, 1).isoformat()
        is_last = y == years[-1]
        written.append(_cin_xml(folder / f"cin_census_{y}.xml", c, keys, y, ref, y_start,
                                late if not is_last else set(), dup, miss if not is_last else set()))
        written.extend(_ssda903(folder, c, y, ref, y_start, irregular))
    written.append(_annex_a(folder / "annex_a.xlsx", c, window_end))
    written.extend(_workforce(folder, workforce.fillna("").astype(str), window_end, len(years)))
    return written


def _sub(parent, tag: str, text: str | None = None):
    el = etree.SubElement(parent, tag)
    if text is not None:
        el.text = text
    return el


def _cin_xml(path: Path, c: pd.DataFrame, keys: pd.Series, year: int, ref: str, y_start: str,
             late: set, dup: set, miss: set) -> Path:
    msg = etree.Element("Message")
    hdr = _sub(msg, "Header")
    cd = _sub(hdr, "CollectionDetails")
    _sub(cd, "Collection", "CIN")
    _sub(cd, "Year", str(year))
    _sub(cd, "ReferenceDate", ref)
    src = _sub(hdr, "Source")
    _sub(src, "SourceLevel", "L")
    _sub(src, "LEA", "999")
    children = _sub(msg, "Children")
    clos = c.CINclosureDate.where(c.CINclosureDate != "", "9999-12-31")
    active = (c.CINreferralDate <= ref) & (clos >= y_start)
    # an episode recorded late: referred in this year's last two months, first returned next year
    recent = c.CINreferralDate >= (dt.date.fromisoformat(ref) - dt.timedelta(days=60)).isoformat()
    active &= ~(keys.isin(late) & recent)
    # rows as plain records, grouped by child (in order of first appearance) and by referral
    # (in date order), as the pandas groupbys did: a pandas row per access took most of the
    # writing (tens of seconds for 12,000 children)
    by_child: dict[str, dict[str, list[dict]]] = {}
    for row in c[active].to_dict("records"):
        by_child.setdefault(row["LAchildID"], {}).setdefault(row["CINreferralDate"], []).append(row)
    for child, referrals in by_child.items():
        ch = _sub(children, "Child")
        ids = _sub(ch, "ChildIdentifiers")
        _sub(ids, "LAchildID", child)
        for refd in sorted(referrals):
            copies = 2 if f"{child}|{refd}" in dup else 1
            for _ in range(copies):
                _cin_details(ch, referrals[refd], ref, blank_end=f"{child}|{refd}" in miss)
    return files.write_bytes(path, etree.tostring(msg, xml_declaration=True, encoding="UTF-8",
                                                  pretty_print=True))


def _cin_details(ch, e: list[dict], ref: str, blank_end: bool) -> None:
    """One ``CINdetails`` from the case rows ``e`` of one referral (records, in table order)."""
    first = e[0]

    def col(name: str) -> list:
        return [r[name] for r in e]

    det = _sub(ch, "CINdetails")
    _sub(det, "CINreferralDate", first["CINreferralDate"])
    _sub(det, "ReferralNFA", "true" if first["ReferralNFA"] in ("1", "true") else "false")
    closure = _cut(first["CINclosureDate"], ref)
    if closure:
        _sub(det, "CINclosureDate", closure)
        _sub(det, "ReasonForClosure", first["ReasonForClosure"] or "RC7")
    icpc_alone = [v for v, s in zip(col("DateOfInitialCPC"), col("S47ActualStartDate"))
                  if v and not s and v <= ref]
    if icpc_alone:
        _sub(det, "DateOfInitialCPC", icpc_alone[0])
    for mod, c0, c1 in CIN_MODULES:
        for s, t in zip(col(c0), col(c1)):
            if s and s <= ref:
                m = _sub(det, mod)
                _sub(m, c0, s)
                end = _cut(t, ref)
                # a date missing in this year's return (the next year's gives it)
                if end and not (blank_end and mod == "Assessments"):
                    _sub(m, c1, end)
    for s, icpc in zip(col("S47ActualStartDate"), col("DateOfInitialCPC")):
        if s and s <= ref:
            m = _sub(det, "Section47")
            _sub(m, "S47ActualStartDate", s)
            if _cut(icpc, ref):
                _sub(m, "DateOfInitialCPC", icpc)


def _ddmmyyyy(v: str) -> str:
    return f"{v[8:10]}/{v[5:7]}/{v[0:4]}" if v else ""


def _ssda903(folder: Path, c: pd.DataFrame, year: int, ref: str, y_start: str,
             irregular: Irregularities) -> list[Path]:
    lac = c[(c.PeriodOfCareStartDate != "") & (c.PeriodOfCareStartDate <= ref)]
    end = lac.PeriodOfCareEndDate.where(lac.PeriodOfCareEndDate != "", "9999-12-31")
    lac = lac[end >= y_start]
    rows = []
    for r in lac.itertuples(index=False):
        s, e = r.PeriodOfCareStartDate, _cut(r.PeriodOfCareEndDate, ref)
        # a placement change at a fixed point of the period (the same in every year's file)
        u = zlib.crc32(f"{r.LAchildID}|{s}".encode()) / 2 ** 32
        cuts = [s]
        change = dt.date.fromisoformat(s) + dt.timedelta(days=30 + int(400 * u))
        if u < irregular.split_placements and change.isoformat() < (e or ref):
            cuts.append(change.isoformat())
        for k, a in enumerate(cuts):
            last = k == len(cuts) - 1
            b = e if last else cuts[k + 1]
            rec = ("E8" if b else "") if last else "X1"
            rows.append({"CHILD": r.LAchildID, "DECOM": _ddmmyyyy(a), "RNE": "S" if k == 0 else "P",
                         "LS": "C2", "CIN": "N1", "PLACE": "U1", "PLACE_PROVIDER": "PR1",
                         "DEC": _ddmmyyyy(b), "REC": rec, "REASON_PLACE_CHANGE": "",
                         "HOME_POST": "", "PL_POST": "", "URN": "XXXXXXX"})
    cols = ["CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
            "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN"]
    ep = pd.DataFrame(rows, columns=cols)
    dob = _care_leaver_dobs(c)
    oc3 = _oc3(c, dob, year, ref, y_start)
    head = pd.DataFrame({"CHILD": pd.unique(pd.concat([ep.CHILD, oc3.CHILD]))})
    head["SEX"] = "1"
    head["DOB"] = [_ddmmyyyy(dob.get(x, "2010-01-01")) for x in head.CHILD]
    head["ETHNIC"] = "WBRI"
    head["UPN"] = ""
    head["MOTHER"] = ""
    head["MC_DOB"] = ""
    pe, ph = folder / f"ssda903_episodes_{year}.csv", folder / f"ssda903_header_{year}.csv"
    po = folder / f"ssda903_oc3_{year}.csv"
    return [files.write_table(p, t) for p, t in ((pe, ep), (ph, head), (po, oc3))]


def _care_leaver_dobs(c: pd.DataFrame) -> dict[str, str]:
    """Care leavers' dates of birth: care ended on the 18th birthday (synthetic)."""
    from .oc3 import birthday

    cl = c[c.CareLeaverStartDate != ""]
    return {r.LAchildID: birthday(dt.date.fromisoformat(r.CareLeaverStartDate), -18).isoformat()
            for r in cl.itertuples(index=False)}


def _oc3(c: pd.DataFrame, dob: dict[str, str], year: int, ref: str, y_start: str) -> pd.DataFrame:
    """The OC3 rows of a collection year: care leavers whose 18th to 21st birthday falls in it by
    the reference date (care ended on the 18th; at 17 they were still looked after)."""
    from .oc3 import birthday

    rows = []
    for r in c[(c.CareLeaverStartDate != "") & (c.CareLeaverStartDate <= ref)].itertuples(index=False):
        d = dt.date.fromisoformat(dob[r.LAchildID])
        for age in (18, 19, 20, 21):
            b = birthday(d, age).isoformat()
            if y_start <= b <= ref:
                u = zlib.crc32(f"{r.LAchildID}|{age}".encode()) / 2 ** 32
                touch = "YES" if u < 0.85 else ("NO" if u < 0.95 else "REFU")
                rows.append({"CHILD": r.LAchildID, "DOB": _ddmmyyyy(d.isoformat()),
                             "IN_TOUCH": touch,
                             "ACTIV": ("F2", "P2", "G6")[int(u * 1000) % 3] if touch == "YES" else "0",
                             "ACCOM": ("U1", "S2", "T1")[int(u * 100) % 3] if touch == "YES" else "0"})
    return pd.DataFrame(rows, columns=["CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"])


def _annex_a(path: Path, c: pd.DataFrame, window_end: dt.date) -> Path:
    """Lists 3-8 for the 12 months to the window end (dates DD/MM/YYYY, Annex A titles)."""
    end = window_end.isoformat()
    start = (window_end - dt.timedelta(days=365)).isoformat()
    cid = "Child Unique ID"

    def period(c0, c1):
        s = c[c0]
        e = c[c1].where(c[c1] != "", "9999-12-31") if c1 else s
        return c[(s != "") & (s <= end) & (e >= start)]

    def d(v):
        return _ddmmyyyy(_cut(v, end))

    first = c.drop_duplicates(["LAchildID", "CINreferralDate"])
    refs = first[(first.CINreferralDate >= start) & (first.CINreferralDate <= end)]
    sheets = {
        "List 3 Referrals": pd.DataFrame({
            cid: refs.LAchildID, "Date of referral": refs.CINreferralDate.map(d),
            "Referral NFA?": np.where(refs.ReferralNFA == "1", "a) Yes", "b) No"),
            "Allocated Team": refs.Team, "Allocated Worker": refs.AllocatedWorker}),
    }
    a = period("AssessmentActualStartDate", "AssessmentAuthorisationDate")
    sheets["List 4 Assessments"] = pd.DataFrame({
        cid: a.LAchildID, "Continuous Assessment Start Date": a.AssessmentActualStartDate.map(d),
        "Continuous Assessment Date of Authorisation": a.AssessmentAuthorisationDate.map(d)})
    s = period("S47ActualStartDate", None)
    sheets["List 5 Section 47"] = pd.DataFrame({
        cid: s.LAchildID,
        "Strategy discussion initiating Section 47 Enquiry Start Date": s.S47ActualStartDate.map(d),
        "Date of Initial Child Protection Conference": s.DateOfInitialCPC.map(d)})
    clos = first.CINclosureDate.where(first.CINclosureDate != "", "9999-12-31")
    cin = first[(first.CINreferralDate <= end) & (clos >= start)]
    sheets["List 6 CIN"] = pd.DataFrame({
        cid: cin.LAchildID, "CIN Start Date": cin.CINreferralDate.map(d),
        "CIN Closure Date": cin.CINclosureDate.map(d),
        "Reason for Closure": cin.ReasonForClosure.where(cin.CINclosureDate.map(d) != "", "")})
    cp = period("CPPstartDate", "CPPendDate")
    sheets["List 7 CP"] = pd.DataFrame({
        cid: cp.LAchildID, "Child Protection Plan Start Date": cp.CPPstartDate.map(d),
        "Child Protection Plan End Date": cp.CPPendDate.map(d)})
    la = period("PeriodOfCareStartDate", "PeriodOfCareEndDate")
    sheets["List 8 Children in Care"] = pd.DataFrame({
        cid: la.LAchildID, "Date Started to be Looked After": la.PeriodOfCareStartDate.map(d),
        "Date Ceased to be Looked After": la.PeriodOfCareEndDate.map(d)})
    with files.writing(path) as tmp, pd.ExcelWriter(tmp, engine="openpyxl") as xw:
        for name, df in sheets.items():
            # a title block above the header, as inspection templates have
            pd.DataFrame([[f"Annex A {name} (synthetic, not real data)"]]).to_excel(
                xw, sheet_name=name, index=False, header=False)
            df.to_excel(xw, sheet_name=name, index=False, startrow=2)
    return path


def _workforce(folder: Path, w: pd.DataFrame, window_end: dt.date, n_years: int) -> list[Path]:
    """A census a year, the last on the window end. Cases30 and WorkingDaysLost of an earlier
    census come from the table's ``Cases30@DATE`` and ``WorkingDaysLost@DATE`` columns (blank
    Cases30 and the latest WorkingDaysLost without them)."""
    out = []
    for k in range(n_years):
        census = (pd.Timestamp(window_end) - pd.DateOffset(years=k)).date()
        prev = (pd.Timestamp(census) - pd.DateOffset(years=1)).date().isoformat()
        ci = census.isoformat()
        end = w.RoleEndDate.where(w.RoleEndDate != "", "9999-12-31")
        sel = w[(w.RoleStartDate <= ci) & (end > prev)].copy()
        sel.loc[sel.RoleEndDate > ci, ["RoleEndDate", "ReasonLeave"]] = ""
        if k:
            # an earlier census: its own Cases30 and WorkingDaysLost where the process gives them
            own = f"Cases30@{ci}"
            sel["Cases30"] = sel[own] if own in sel else ""
            if f"WorkingDaysLost@{ci}" in sel:
                sel["WorkingDaysLost"] = sel[f"WorkingDaysLost@{ci}"]
        sel = sel[[c for c in sel.columns if "@" not in c]]
        sel = sel.rename(columns={"WorkerID": "SWENo"})
        if sel.empty:
            continue
        p = folder / f"workforce_census_{census.year}.csv"
        out.append(files.write_table(p, sel))
    return out
