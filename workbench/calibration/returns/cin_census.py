"""The children in need census: DfE's XML return (``Message / Header / Children / Child``).

Element names follow DfE's specification: a ``Child`` has ``ChildIdentifiers/LAchildID`` and one
``CINdetails`` per referral episode (``CINreferralDate``, ``ReferralNFA``, ``CINclosureDate``,
``ReasonForClosure``, ``DateOfInitialCPC``) holding the repeating modules ``Assessments``
(``AssessmentActualStartDate``, ``AssessmentAuthorisationDate``), ``CINPlanDates``
(``CINPlanStartDate``, ``CINPlanEndDate``), ``Section47`` (``S47ActualStartDate``,
``DateOfInitialCPC``) and ``ChildProtectionPlans`` (``CPPstartDate``, ``CPPendDate``). Other
elements (characteristics, factors, reviews) are read past: calibration needs none of them.

Parsed with lxml, without network access or entity expansion (a return is data, not a
program). Problems name the file, the element path (``Child 12 / CINdetails 2``) and its line,
and the field: never the child's identifier.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from .common import (EpisodeRecord, Origin, ReturnProblem, ReturnRecords, StageRecord,
                     collection_year, parse_date, parse_flag)

# module element -> (stage, start field, end field)
MODULES = {
    "Assessments": ("assessment", "AssessmentActualStartDate", "AssessmentAuthorisationDate"),
    "CINPlanDates": ("cin", "CINPlanStartDate", "CINPlanEndDate"),
    "Section47": ("s47", "S47ActualStartDate", None),
    "ChildProtectionPlans": ("cp", "CPPstartDate", "CPPendDate"),
}
CLOSURE_REASONS = {f"RC{i}" for i in range(1, 10)}


def is_cin_census(root) -> bool:
    return _local(root.tag) == "Message" and root.find(".//Children") is not None


def _local(tag) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def parse_xml(path: Path, problems: list) -> etree._Element | None:
    """The file's root element, namespaces dropped; None with a problem if it is not XML."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True,
                             remove_comments=True)
    try:
        root = etree.parse(str(path), parser).getroot()
    except etree.XMLSyntaxError as exc:
        line = exc.position[0] if exc.position else None
        problems.append(ReturnProblem(path.name, f"not well-formed XML ({exc.msg})", line))
        return None
    for el in root.iter():
        if isinstance(el.tag, str) and "}" in el.tag:
            el.tag = _local(el.tag)
    return root


def _text(el, name: str) -> str:
    child = el.find(name)
    return (child.text or "").strip() if child is not None and child.text else ""


def read_cin_census(path: str | Path, problems: list, root=None) -> ReturnRecords:
    """Episodes and stages from one CIN census file; problems appended to ``problems``."""
    path = Path(path)
    name = path.name
    root = parse_xml(path, problems) if root is None else root
    out = ReturnRecords("cin", name)
    if root is None:
        return out
    if not is_cin_census(root):
        problems.append(ReturnProblem(name, "not a CIN census file (expected a Message element "
                                            "with Children inside)", root.sourceline))
        return out
    out.authority = _text(root, "Header/Source/LEA")
    ref_date = _text(root, "Header/CollectionDetails/ReferenceDate")
    year_text = _text(root, "Header/CollectionDetails/Year")
    hdr = Origin(name, root.sourceline, "Header / CollectionDetails")
    ref_iso = parse_date(ref_date, hdr, "ReferenceDate", problems) if ref_date else ""
    out.year = int(year_text) if year_text.isdigit() else (collection_year(ref_iso) - 1 if ref_iso else 0)
    seen: dict[tuple, int] = {}
    for ci, child in enumerate(root.iterfind("Children/Child"), start=1):
        where = f"Child {ci}"
        lid = _text(child, "ChildIdentifiers/LAchildID")
        if not lid:
            problems.append(ReturnProblem(name, "no ChildIdentifiers/LAchildID", child.sourceline,
                                          "LAchildID", where))
            continue
        for ei, cin in enumerate(child.iterfind("CINdetails"), start=1):
            ewhere = f"{where} / CINdetails {ei}"
            org = Origin(name, cin.sourceline, ewhere, (
                ("CINreferralDate", "CINreferralDate"), ("ReferralNFA", "ReferralNFA"),
                ("CINclosureDate", "CINclosureDate"), ("ReasonForClosure", "ReasonForClosure"),
                ("DateOfInitialCPC", "DateOfInitialCPC"), ("LAchildID", "LAchildID")))
            n0 = len(problems)
            ref = parse_date(_text(cin, "CINreferralDate"), org, "CINreferralDate", problems,
                             required=True)
            if not ref:
                continue
            ep = EpisodeRecord(lid, ref, org, year=out.year)
            ep.nfa = parse_flag(_text(cin, "ReferralNFA"), org, "ReferralNFA", problems)
            ep.closure = parse_date(_text(cin, "CINclosureDate"), org, "CINclosureDate", problems)
            reason = _text(cin, "ReasonForClosure").upper()
            if reason and reason not in CLOSURE_REASONS:
                problems.append(ReturnProblem(name, "unknown code (expected RC1 to RC9)",
                                              cin.sourceline, "ReasonForClosure", ewhere))
            ep.reason = reason if reason in CLOSURE_REASONS else ""
            if len(problems) > n0:
                continue
            key = (lid, ref)
            if key in seen:
                out.duplicates += 1      # the same episode twice: merged by the combiner
            seen[key] = ei
            out.episodes.append(ep)
            icpc_in_s47 = False
            for mod, (stage, f0, f1) in MODULES.items():
                for mi, m in enumerate(cin.iterfind(mod), start=1):
                    mo = Origin(name, m.sourceline, f"{ewhere} / {mod} {mi}",
                                tuple((c, c) for c in (f0, f1, "DateOfInitialCPC") if c))
                    start = parse_date(_text(m, f0), mo, f0, problems, required=True)
                    end = parse_date(_text(m, f1), mo, f1, problems) if f1 else ""
                    if not start:
                        continue
                    out.stages.append(StageRecord(lid, stage, start, end, mo, ref, out.year))
                    if stage == "s47":
                        icpc = parse_date(_text(m, "DateOfInitialCPC"), mo, "DateOfInitialCPC",
                                          problems)
                        if icpc:
                            icpc_in_s47 = True
                            out.stages.append(StageRecord(lid, "icpc", "", icpc, mo, ref, out.year))
            # an ICPC whose s47 enquiry fell in an earlier year is recorded on the episode
            icpc = parse_date(_text(cin, "DateOfInitialCPC"), org, "DateOfInitialCPC", problems)
            if icpc and not icpc_in_s47:
                out.stages.append(StageRecord(lid, "icpc", "", icpc, org, ref, out.year))
    if out.duplicates:
        out.notes.append(f"{name}: {out.duplicates} episode(s) given twice (same child and "
                         "referral date) were merged")
    return out
