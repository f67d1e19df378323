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

import datetime as dt
import re
from pathlib import Path

from lxml import etree

from ..extracts.read import MAX_BYTES

from .cin_structure import given_twice, misplaced
from .common import (EpisodeRecord, Origin, ReturnProblem, ReturnRecords, StageRecord,
                     authority_code, collection_year, parse_date, parse_flag)

# module element -> (stage, start field, end field)
MODULES = {
    "Assessments": ("assessment", "AssessmentActualStartDate", "AssessmentAuthorisationDate"),
    "CINPlanDates": ("cin", "CINPlanStartDate", "CINPlanEndDate"),
    "Section47": ("s47", "S47ActualStartDate", None),
    "ChildProtectionPlans": ("cp", "CPPstartDate", "CPPendDate"),
}
CLOSURE_REASONS = {f"RC{i}" for i in range(1, 10)}
#: The fields read from a CINdetails or a module, each given once there (a second copy, say a
#: closure date, would be read past unseen)
_FIELDS = ("LAchildID", "CINreferralDate", "ReferralNFA", "CINclosureDate", "ReasonForClosure",
           "DateOfInitialCPC", *(f for _, f0, f1 in MODULES.values() for f in (f0, f1) if f))
#: Every element name the reader looks for. XML names are case-sensitive: an element named in
#: another case (<CINClosureDate>, <assessments>) was read past, and its values silently lost
_READ = {n.lower(): n for n in ("Message", "Header", "CollectionDetails", "Year",
                                 "ReferenceDate", "Source", "LEA", "Children", "Child",
                                 "ChildIdentifiers", "CINdetails", *MODULES, *_FIELDS)}


def is_cin_census(root) -> bool:
    return _local(root.tag) == "Message" and root.find(".//Children") is not None


def is_ssda903_xml(root) -> bool:
    """An SSDA903 return written as XML (its ``Child`` elements hold ``CHILDID`` and
    ``EPISODE``, or its header names the collection SSDA903) rather than a CIN census: under a
    ``Message`` root it was read as a census, and refused with a line a child saying it had no
    ChildIdentifiers."""
    if root.find(".//ChildIdentifiers") is not None:
        return False
    collection = _text(root, "Header/CollectionDetails/Collection").upper()
    return ("903" in collection or root.find(".//Child/CHILDID") is not None
            or root.find(".//Child/EPISODE") is not None)


def _local(tag) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def parse_xml(path: Path, problems: list, name: str | None = None) -> etree._Element | None:
    """The file's root element, namespaces dropped; None with a problem if it is not XML
    (``name``: the file as messages name it, its path below the folder of returns).

    Entities are never expanded nor fetched (no DTD is loaded, no network): an entity reference
    where a value should be (``&x;``, an XXE attempt or a template's placeholder) is reported at
    its element, as the value is not in the file."""
    # comments and processing instructions are dropped and the text around them joined: one
    # inside a value (<CINclosureDate><?x?>2022-05-01</...>) left only the text before it, and
    # the closure date read as blank
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=True, remove_comments=True, remove_pis=True)
    name = name or path.name
    try:
        size = path.stat().st_size
        if size == 0:
            problems.append(ReturnProblem(name, "the file is empty (expected an XML return)"))
            return None
        if size > MAX_BYTES:
            problems.append(ReturnProblem(name, f"{size / 1e9:.1f} GB, larger than any one "
                                                f"authority's return (at most {MAX_BYTES / 1e9:g} "
                                                "GB); is it one authority's file?"))
            return None
        root = etree.parse(str(path), parser).getroot()
    except etree.XMLSyntaxError as exc:
        if "amplification" in str(exc.msg):
            # libxml2's words ('see xmlCtxtSetMaxAmplification.') said nothing to an analyst
            problems.append(ReturnProblem(name, "not well-formed XML (its entities would expand "
                                                "to far more text than the file holds): a return "
                                                "declares no entities (is it an entity expansion "
                                                "attack?)"))
            return None
        problems.append(ReturnProblem(name, f"not well-formed XML ({exc.msg})"))
        return None
    except OSError as exc:
        # lxml raises OSError for bytes its encoding cannot decode (a file saved as Latin-1 that
        # says UTF-8), and for a file it cannot open
        what = str(exc).rsplit(": ", 1)[-1] if ": " in str(exc) else type(exc).__name__
        hint = ""
        if "encoding" in what.lower():
            hint = f"{_first_bad_utf8(path)}: save it as UTF-8 (or declare its real encoding)"
        problems.append(ReturnProblem(name, f"could not be read as XML ({what}){hint}"))
        return None
    for el in root.iter():
        if isinstance(el.tag, str) and "}" in el.tag:
            el.tag = _local(el.tag)
    entities = [el for el in root.iter(etree.Entity)]
    for el in entities[:MAX_ENTITY_PROBLEMS]:
        parent = el.getparent()
        where = _path_of(parent) if parent is not None else None
        problems.append(ReturnProblem(
            name, f"an entity reference ({_shown_entity(el.text)}) where a value should be: "
                  "entities are not expanded or fetched (a return holds its values as text)",
            el.sourceline, parent.tag if parent is not None else None, where))
    if len(entities) > MAX_ENTITY_PROBLEMS:
        problems.append(ReturnProblem(name, f"... and {len(entities) - MAX_ENTITY_PROBLEMS:,} more "
                                            "entity references"))
    return None if entities else root


MAX_ENTITY_PROBLEMS = 20


def _first_bad_utf8(path: Path) -> str:
    """' (first on line N)' for the first byte that is not UTF-8, or ''."""
    try:
        data = path.read_bytes()
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        return f" (first on line {line})"
    except OSError:
        pass
    return ""


def _shown_entity(text) -> str:
    s = str(text or "")
    return s if len(s) <= 20 and s.replace("&", "").replace(";", "").replace("#", "").isalnum() \
        else "not shown"


def _path_of(el) -> str:
    """An element's path by tag and position among its like-named siblings
    (``Children 1 / Child 12 / CINdetails 1``), from below the root."""
    parts = []
    while el is not None and el.getparent() is not None:
        parent = el.getparent()
        same = [c for c in parent if c.tag == el.tag]
        parts.append(f"{el.tag} {same.index(el) + 1}" if len(same) > 1 else str(el.tag))
        el = parent
    return " / ".join(reversed(parts)) or "the root"


def _reader_path(el) -> str:
    """An element's place as the reader names it (``Child 12 / CINdetails 1 / Assessments 2``,
    numbered among its like-named siblings), from below ``Children``; elsewhere its full path."""
    parts = []
    node = el
    while node is not None and node.getparent() is not None and node.tag != "Children":
        parent = node.getparent()
        if node.tag in ("Child", "CINdetails", *MODULES):
            same = [c for c in parent if c.tag == node.tag]
            parts.append(f"{node.tag} {same.index(node) + 1}")
        else:
            parts.append(str(node.tag))
        node = parent
    if node is None or node.tag != "Children":
        return _path_of(el)
    return " / ".join(reversed(parts))


def _text(el, name: str) -> str:
    child = el.find(name)
    return (child.text or "").strip() if child is not None and child.text else ""


def read_cin_census(path: str | Path, problems: list, root=None,
                    name: str | None = None) -> ReturnRecords:
    """Episodes and stages from one CIN census file; problems appended to ``problems``
    (``name``: the file as messages name it, its path below the folder of returns)."""
    path = Path(path)
    name = name or path.name
    root = parse_xml(path, problems, name) if root is None else root
    out = ReturnRecords("cin", name)
    if root is None:
        return out
    if not is_cin_census(root):
        problems.append(ReturnProblem(name, "not a CIN census file (expected a Message element "
                                            "with Children inside)", root.sourceline))
        return out
    _misnamed(root, name, problems)
    misplaced(root, name, problems, out.notes, _reader_path)
    if given_twice(root, name, problems, _path_of) & {"Header", "CollectionDetails", "Year",
                                                        "ReferenceDate"}:
        # which year is the census's is not known: its dates cannot be checked against it (a
        # second CollectionDetails gave 400 problems of dates "after the ReferenceDate")
        return out
    out.authority = authority_code(_text(root, "Header/Source/LEA"))
    out.authority_at = "Header / Source / LEA"
    out.year, by = _census_year(root, path, problems, name)
    seen: dict[tuple, tuple] = {}
    # Children is the Message's child in DfE's schema; under a wrapper element it was read as a
    # census of no children, and the other years' returns were blamed for what it held
    kids = root.find("Children")
    kids = root.find(".//Children") if kids is None else kids
    children = list(kids.iterfind("Child")) if kids is not None else []
    for extra in root.iter("Children"):
        if extra is not kids:
            # DfE's schema gives a Message one Children (it holds every Child): a census split
            # across two had the second's children read past, and their referrals lost unsaid
            n = sum(1 for c in extra.iter("Child"))
            problems.append(ReturnProblem(
                name, f"a second Children element ({n:,} Child element(s)) is not read: DfE's "
                      "census holds every Child in one Children; move them into the first",
                extra.sourceline, None, _path_of(extra)))
    if not children:
        problems.append(ReturnProblem(name, "no Child elements in Children: a census of no "
                                            "children?", kids.sourceline if kids is not None
                                      else root.sourceline))
    for ci, child in enumerate(children, start=1):
        where = f"Child {ci}"
        lid = _text(child, "ChildIdentifiers/LAchildID")
        if not lid:
            problems.append(ReturnProblem(name, "no ChildIdentifiers/LAchildID", child.sourceline,
                                          "LAchildID", where))
            continue
        if child.find("CINdetails") is None:
            # DfE's census gives every child at least one referral episode; one without was
            # read past, and her episode missing from the fit without a word
            problems.append(ReturnProblem(name, "a Child with no CINdetails (referral episode): "
                                                "the census gives each child's referrals; is "
                                                "the export cut short?", child.sourceline, None,
                                          where))
        for ei, cin in enumerate(child.iterfind("CINdetails"), start=1):
            ewhere = f"{where} / CINdetails {ei}"
            org = Origin(name, cin.sourceline, ewhere, (
                ("CINreferralDate", "CINreferralDate"), ("ReferralNFA", "ReferralNFA"),
                ("CINclosureDate", "CINclosureDate"), ("ReasonForClosure", "ReasonForClosure"),
                ("DateOfInitialCPC", "DateOfInitialCPC"), ("LAchildID", "LAchildID")))
            n0 = len(problems)
            ref = parse_date(_text(cin, "CINreferralDate"), org, "CINreferralDate", problems,
                             required=True, by=by)
            if not ref:
                continue
            ep = EpisodeRecord(lid, ref, org, year=out.year)
            # DfE's rule 8568: every referral says whether it ended in no further action. A blank
            # was read as "no", which sends an NFA referral on to assessment in the fit
            ep.nfa = parse_flag(_text(cin, "ReferralNFA"), org, "ReferralNFA", problems,
                                required="the CIN census gives it for every referral, DfE "
                                         "validation rule 8568")
            ep.closure = parse_date(_text(cin, "CINclosureDate"), org, "CINclosureDate", problems,
                                    by=by)
            reason = _text(cin, "ReasonForClosure").upper()
            if reason and reason not in CLOSURE_REASONS:
                problems.append(ReturnProblem(name, "unknown code (expected RC1 to RC9)",
                                              cin.sourceline, "ReasonForClosure", ewhere))
            ep.reason = reason if reason in CLOSURE_REASONS else ""
            if len(problems) > n0:
                continue
            out.episodes.append(ep)
            st0 = len(out.stages)
            icpc_in_s47 = False
            modules: dict[tuple, tuple] = {}
            for mod, (stage, f0, f1) in MODULES.items():
                for mi, m in enumerate(cin.iterfind(mod), start=1):
                    mo = Origin(name, m.sourceline, f"{ewhere} / {mod} {mi}",
                                tuple((c, c) for c in (f0, f1, "DateOfInitialCPC") if c))
                    start = parse_date(_text(m, f0), mo, f0, problems, required=True, by=by)
                    end = parse_date(_text(m, f1), mo, f1, problems, by=by) if f1 else ""
                    if not start or _module_twice(modules, (mod, start), (
                            (f1, end), ("DateOfInitialCPC", _text(m, "DateOfInitialCPC"))),
                            f"{mod} {mi}", f0, mo, problems):
                        continue
                    out.stages.append(StageRecord(lid, stage, start, end, mo, ref, out.year))
                    if stage == "s47":
                        icpc = parse_date(_text(m, "DateOfInitialCPC"), mo, "DateOfInitialCPC",
                                          problems, by=by)
                        if icpc and icpc < start:
                            # placed on a row of its own, it escaped the check of its order
                            problems.append(ReturnProblem(
                                name, "before the s47 enquiry started (S47ActualStartDate)",
                                m.sourceline, "DateOfInitialCPC", mo.element))
                        elif icpc:
                            icpc_in_s47 = True
                            out.stages.append(StageRecord(lid, "icpc", "", icpc, mo, ref, out.year))
            # an ICPC whose s47 enquiry fell in an earlier year is recorded on the episode
            icpc = parse_date(_text(cin, "DateOfInitialCPC"), org, "DateOfInitialCPC", problems,
                              by=by)
            if icpc and not icpc_in_s47:
                out.stages.append(StageRecord(lid, "icpc", "", icpc, org, ref, out.year))
            said = _said_of(ep, out.stages[st0:])
            first = seen.get((lid, ref))
            if first is None:
                seen[(lid, ref)] = (ewhere, cin.sourceline, said)
            elif first[2] == said:
                out.duplicates += 1      # the same episode twice, alike: merged by the combiner
            else:
                _given_twice(name, first, (ewhere, cin.sourceline, said), problems)
    if out.duplicates:
        out.notes.append(f"{name}: {out.duplicates} episode(s) given twice (same child and "
                         "referral date) were merged")
    _another_year(out, problems)
    return out


def _module_twice(seen: dict, key: tuple, said: tuple, where: str, f0: str, mo: Origin,
                  problems: list) -> bool:
    """Whether a module repeats one of its CINdetails (the same start): alike, it is read past
    (the combiner kept one anyway); with another end or ICPC date, a problem naming the first,
    as for a CINdetails given twice: one of the two was kept without a word (an assessment's
    authorisation date, or a second ICPC counted)."""
    first = seen.setdefault(key, (where, said))
    if first[0] == where:
        return False
    differ = [f for (f, a), (_, b) in zip(first[1], said) if f and a != b]
    if differ:
        problems.append(ReturnProblem(mo.file, f"the same {key[0]} ({f0}) as {first[0]} of this "
                                               f"CINdetails, with another {' and '.join(differ)}: "
                                               "give each once (which of the two is right cannot "
                                               "be told)", mo.row, differ[0], mo.element))
    return True


def _said_of(ep: EpisodeRecord, stages: list) -> dict:
    """What a CINdetails says, by the census's field names: the episode's values and each
    module's records (its start with its end)."""
    said = {"ReferralNFA": ep.nfa, "CINclosureDate": ep.closure, "ReasonForClosure": ep.reason}
    for s in stages:
        said.setdefault(s.stage, []).append((s.start, s.end))
    return {k: sorted(v) if isinstance(v, list) else v for k, v in said.items()}


_STAGE_FIELDS = {stage: (mod, f0, f1) for mod, (stage, f0, f1) in MODULES.items()}
_STAGE_FIELDS["icpc"] = ("", None, "DateOfInitialCPC")


def _differ(a: dict, b: dict) -> list[str]:
    """The census's fields two CINdetails of one episode give differently."""
    out = []
    for k in dict.fromkeys([*a, *b]):
        va, vb = a.get(k, []), b.get(k, [])
        if va == vb:
            continue
        if k not in _STAGE_FIELDS:
            out.append(k)
            continue
        mod, f0, f1 = _STAGE_FIELDS[k]
        ends_a: dict[str, list] = {}
        ends_b: dict[str, list] = {}
        for ends, v in ((ends_a, va), (ends_b, vb)):
            for start, end in v:
                ends.setdefault(start, []).append(end)
        names = [f0] if f0 and set(ends_a) != set(ends_b) else []
        if not f0 or any(sorted(ends_a[x]) != sorted(ends_b[x]) for x in set(ends_a) & set(ends_b)):
            names.append(f1)
        out.extend([f"{mod} / {n}" if mod else n for n in names if n] or [mod])
    return list(dict.fromkeys(out))


def _given_twice(name: str, first: tuple, second: tuple, problems: list) -> None:
    """One episode (child and referral date) given twice in one census with other values:
    merged, one of them was kept at random. Refused at both elements, naming the fields."""
    fields = ", ".join(_differ(first[2], second[2]))
    for (here, line, _), (there, tline, _) in ((second, first), (first, second)):
        problems.append(ReturnProblem(
            name, f"the same referral episode (child and CINreferralDate) as element {there} "
                  f"(line {tline}), with another {fields}: a census gives each episode once; "
                  "keep the CINdetails with the right dates and delete the other (the values "
                  "are not shown)", line, None, here))


def _another_year(out: ReturnRecords, problems: list) -> None:
    """A census whose name says one year and its header another (the 2022 return saved as
    cin_census_2023.xml: read as 2022, while the 2023 census was missing unsaid), or whose
    referrals all came before its year (the header and name changed together)."""
    from .ssda903 import MIN_RECORDS_FOR_YEAR, year_of_path
    where = year_of_path(out.file)
    named = where.year
    if named and out.year and named != out.year:
        said = "the file's name" if where.from_name else where.said
        problems.append(ReturnProblem(out.file, f"{said} says {named}, its header "
                                                f"(Year, ReferenceDate) {out.year}: is it the "
                                                f"{out.year} census saved as {named}'s? "
                                                "Give each year's census under its own year",
                                      None, "Year", "Header / CollectionDetails"))
        return
    refs = [e.referral for e in out.episodes]
    if len(refs) >= MIN_RECORDS_FOR_YEAR and out.year:
        latest = collection_year(max(refs))
        if latest < out.year:
            problems.append(ReturnProblem(out.file, f"no referral (CINreferralDate) in the "
                                                    f"census year {out.year} (1 April "
                                                    f"{out.year - 1} to 31 March {out.year}): the "
                                                    f"latest is in {latest}'s. Is it the {latest} "
                                                    f"census under {out.year}'s name and header?"))


def _misnamed(root, name: str, problems: list) -> None:
    """Elements the reader would read past unseen: one named as a field or module it reads but
    in another case (``CINClosureDate``: every closure date in the file lost, the episodes left
    open), said once a name with how many and the first; and a field given twice in one place
    (only the first would be read)."""
    wrong: dict[str, list] = {}
    outside: list = []
    for el in root.iter():
        tag = el.tag
        if not isinstance(tag, str):
            continue
        right = _READ.get(tag.lower())
        if right is not None and right != tag:
            wrong.setdefault(tag, []).append(el)
        parent = el.getparent()
        if tag in MODULES and parent is not None and parent.tag != "CINdetails":
            # a module outside its referral episode is read past with its dates
            problems.append(ReturnProblem(
                name, f"a {tag} module outside a CINdetails is not read: DfE's census holds each "
                      "module in the CINdetails (referral episode) it belongs to; move it there",
                el.sourceline, None, _reader_path(el)))
        if tag == "Child" and (parent is None or parent.tag != "Children"):
            # a Child elsewhere (directly under Message, under a wrapper) was read past with
            # its referrals
            outside.append(el)
        if tag == "Child":
            ids = [c for c in el if c.tag == "ChildIdentifiers"]
            for k, c in enumerate(ids[1:], start=2):
                # only the first was read: a second child's identifiers (two records merged
                # by a system) were lost unsaid
                problems.append(ReturnProblem(
                    name, "a second ChildIdentifiers in one Child (only the first is read): a "
                          "Child is one child, with one ChildIdentifiers; give each child her "
                          "own Child", c.sourceline, None,
                    f"{_reader_path(el)} / ChildIdentifiers {k}"))
        if tag in ("CINdetails", *MODULES, "ChildIdentifiers"):
            seen: set[str] = set()
            for c in el:
                if isinstance(c.tag, str) and c.tag in _FIELDS:
                    if c.tag in seen:
                        problems.append(ReturnProblem(
                            name, f"given twice in one {tag} (only one is read): give it once",
                            c.sourceline, c.tag, _reader_path(el)))
                    seen.add(c.tag)
    if outside:
        more = f" (and {len(outside) - 1:,} more like it)" if len(outside) > 1 else ""
        problems.append(ReturnProblem(
            name, f"a Child outside Children{more} is not read: DfE's census holds every Child "
                  "in Message / Children; move it there", outside[0].sourceline, None,
            _path_of(outside[0])))
    for tag, els in wrong.items():
        shown = tag if len(tag) <= 40 and tag.replace("_", "").isalnum() else "(not shown)"
        more = f" (and {len(els) - 1:,} more like it)" if len(els) > 1 else ""
        problems.append(ReturnProblem(
            name, f"the element <{shown}>{more} is not read: DfE's name is {_READ[tag.lower()]} "
                  "(XML names are case-sensitive), and its values would be silently missing from "
                  "the fit; rename it", els[0].sourceline, None, _reader_path(els[0])))


def _census_year(root, path: Path, problems: list, name: str) -> tuple[int, tuple | None]:
    """The census's year (the year its collection ends, 31 March) and its reference date as
    the latest date its records may hold: from the header's ``ReferenceDate`` and ``Year``,
    which must agree, else from a year in the file's name. A header year that is not a year, or
    no year at all, is a problem (the years' order decides which return wins)."""
    from .ssda903 import YEARS_READ, year_from_path, year_of_path
    hdr = Origin(name, root.sourceline, "Header / CollectionDetails")
    ref_text = _text(root, "Header/CollectionDetails/ReferenceDate")
    year_text = _text(root, "Header/CollectionDetails/Year")
    n0 = len(problems)
    ref_iso = parse_date(ref_text, hdr, "ReferenceDate", problems) if ref_text else ""
    year = 0
    if year_text:
        if len(year_text) == 4 and year_text.isdigit() and year_text >= "1950":
            year = int(year_text)
        else:
            # DfE's CIN schema types Year as xs:gYear (a year alone, as Social Finance's copies
            # of the CIN_schema_2016 to 2024 .xsd in liia-tools show): a span is refused, and
            # the year it ends in suggested
            m = re.fullmatch(r"(\d{4})\s*[-/\u2013]\s*(\d{2}|\d{4})", year_text)
            ends = (int(m[1]) + 1 if m and int(m[2]) % 100 == (int(m[1]) + 1) % 100 else 0)
            hint = (f": the census of {m[1]}/{str(ends)[2:]} is the year it ends in, {ends}"
                    if ends else "")
            problems.append(ReturnProblem(name, "not a year (expected the four-digit year the "
                                                "collection ends in, e.g. 2023, as DfE's schema "
                                                f"has it{hint})", root.sourceline,
                                          "Year", "Header / CollectionDetails"))
    if ref_iso:
        ref_year = collection_year(ref_iso)
        if year and year != ref_year:
            problems.append(ReturnProblem(name, f"{year} disagrees with the ReferenceDate "
                                                f"{ref_iso} (a census's year is the year its "
                                                f"collection ends: {ref_year})", root.sourceline,
                                          "Year", "Header / CollectionDetails"))
        year = year or ref_year
    year = year or year_from_path(name)
    if not year and len(problems) == n0:
        outside = year_of_path(name).outside
        found = (f" ({outside} is outside the census years read, {YEARS_READ[0]} to "
                 f"{YEARS_READ[1]})" if outside else "")
        problems.append(ReturnProblem(name, "no census year: neither a Header / CollectionDetails "
                                            "with ReferenceDate or Year nor a year in the file's "
                                            f"name or its folder's{found} (e.g. "
                                            "cin_census_2023.xml, or "
                                            "2023/cin_census.xml); the year orders "
                                            "several returns (the latest wins where they "
                                            "disagree)", root.sourceline))
    if ref_iso:
        return year, (dt.date.fromisoformat(ref_iso), "the census's ReferenceDate")
    # without a ReferenceDate its year's end is the latest date it may hold: a census without a
    # header in the folder of the year before had its later dates read unchecked (2023's in
    # 2022/: 315 referrals dropped as after the data window, 64 fit rows changed, notes only)
    return year, (_year_end(year, year_text, name) if year else None)


def _year_end(year: int, year_text: str, name: str) -> tuple[dt.date, str]:
    """31 March of the census's year, and where the year came from, as a message says it."""
    from .ssda903 import year_of_path
    said = "its header's Year" if year_text else year_of_path(name).said
    return dt.date(year, 3, 31), f"the end of census year {year}, {said}"
