"""Where each element of a CIN census belongs, after DfE's schema (the 2023-24 specification's
``Message / Header / Children / Child`` tree), and the elements the reader would read past.

The reader looks for each field it uses in one place (``CINclosureDate`` inside a
``CINdetails``). A field anywhere else (under the ``Child``, in ``ChildIdentifiers``, in a wrapper
the exporting system added) was read past without a word and the fit changed: such an element
is a problem at its element and line. So is an element whose name is a near miss of one the
reader reads (``CINclosureDte``, ``Assessment``). Elements of DfE's schema the reader does not
use (``ReferralSource``, ``Disabilities``, ``Reviews``, ...) are read past, as before; any other
element is said in a note, as it was not read.
"""

from __future__ import annotations

import difflib

from ..extracts.cells import may_identify

from .common import ReturnProblem

#: DfE's CIN census schema (2023-24, the same names since 2017-18 save CINPlanDates): each
#: element's children
SCHEMA: dict[str, frozenset] = {k: frozenset(v) for k, v in {
    "Message": ("Header", "Children"),
    "Header": ("CollectionDetails", "Source"),
    "CollectionDetails": ("Collection", "Year", "ReferenceDate"),
    "Source": ("SourceLevel", "LEA", "SoftwareCode", "Release", "SerialNo", "DateTime"),
    "Children": ("Child",),
    "Child": ("ChildIdentifiers", "ChildCharacteristics", "CINdetails"),
    "ChildIdentifiers": ("LAchildID", "UPN", "FormerUPN", "UPNunknown", "PersonBirthDate",
                         "ExpectedPersonBirthDate", "GenderCurrent", "PersonDeathDate"),
    "ChildCharacteristics": ("Ethnicity", "Disabilities"),
    "Disabilities": ("Disability",),
    "CINdetails": ("CINreferralDate", "ReferralSource", "PrimaryNeedCode", "CINclosureDate",
                   "ReasonForClosure", "DateOfInitialCPC", "Assessments", "CINPlanDates",
                   "Section47", "ReferralNFA", "ChildProtectionPlans"),
    "Assessments": ("AssessmentActualStartDate", "AssessmentInternalReviewDate",
                    "AssessmentAuthorisationDate", "FactorsIdentifiedAtAssessment"),
    "FactorsIdentifiedAtAssessment": ("AssessmentFactors",),
    "CINPlanDates": ("CINPlanStartDate", "CINPlanEndDate"),
    "Section47": ("S47ActualStartDate", "InitialCPCtarget", "DateOfInitialCPC",
                  "ICPCnotRequired"),
    "ChildProtectionPlans": ("CPPstartDate", "CPPendDate", "InitialCategoryOfAbuse",
                             "LatestCategoryOfAbuse", "NumberOfPreviousCPP", "Reviews"),
    "Reviews": ("CPPreviewDate",),
}.items()}
#: Every element name of the schema
KNOWN = frozenset(SCHEMA) | frozenset(n for v in SCHEMA.values() for n in v)
_KNOWN_LOWER = {n.lower() for n in KNOWN}

#: The elements the reader reads, each with the parents it is read in and what is lost when it
#: is elsewhere (Message, Children, Child and the modules have checks of their own)
READ_IN: dict[str, tuple[tuple[str, ...], str]] = {
    "Header": (("Message",), "the census's year and authority"),
    "CollectionDetails": (("Header",), "the census's year"),
    "Source": (("Header",), "the census's authority (LEA)"),
    "Year": (("CollectionDetails",), "the census's year"),
    "ReferenceDate": (("CollectionDetails",), "the census's reference date"),
    "LEA": (("Source",), "the census's authority"),
    "ChildIdentifiers": (("Child",), "the child's identifier"),
    "LAchildID": (("ChildIdentifiers",), "the child's identifier"),
    "CINdetails": (("Child",), "the referral episode"),
    "CINreferralDate": (("CINdetails",), "the referral"),
    "ReferralNFA": (("CINdetails",), "whether the referral ended in no further action"),
    "CINclosureDate": (("CINdetails",), "the episode's closure"),
    "ReasonForClosure": (("CINdetails",), "the reason the episode closed"),
    "DateOfInitialCPC": (("CINdetails", "Section47"), "the initial child protection conference"),
    "AssessmentActualStartDate": (("Assessments",), "the assessment's start"),
    "AssessmentAuthorisationDate": (("Assessments",), "the assessment's end (authorisation)"),
    "CINPlanStartDate": (("CINPlanDates",), "the CIN plan's start"),
    "CINPlanEndDate": (("CINPlanDates",), "the CIN plan's end"),
    "S47ActualStartDate": (("Section47",), "the s47 enquiry"),
    "CPPstartDate": (("ChildProtectionPlans",), "the child protection plan's start"),
    "CPPendDate": (("ChildProtectionPlans",), "the child protection plan's end"),
}
_MODULES = ("Assessments", "CINPlanDates", "Section47", "ChildProtectionPlans")
#: Names a near miss is compared with: what the reader reads
_TARGETS = tuple(READ_IN) + _MODULES + ("Child", "Children")
#: How alike (difflib's ratio, letters' case set aside) a name must be to one the reader reads to
#: be taken for a misspelling of it
NEAR = 0.8


def _near(tag: str) -> str | None:
    low = tag.lower().replace("_", "").replace("-", "")
    best, score = None, 0.0
    for t in _TARGETS:
        r = difflib.SequenceMatcher(None, low, t.lower()).ratio()
        if r > score:
            best, score = t, r
    return best if score >= NEAR else None


def _shown(tag: str) -> str:
    plain = tag.replace("_", "").replace("-", "").isalnum()
    return tag if plain and len(tag) <= 40 and not may_identify(tag) else "(not shown)"


#: Elements DfE's schema gives once in their parent (the header's; ChildIdentifiers and
#: Children have checks of their own): a second is read past, and the first's values taken
ONCE = {"Message": ("Header",), "Header": ("CollectionDetails",),
        "CollectionDetails": ("Collection", "Year", "ReferenceDate"), "Source": ("LEA",)}


def given_twice(root, name: str, problems: list, where) -> set:
    """A header element given twice (a second CollectionDetails): said once, at the second.
    Returned: the names given twice."""
    twice = set()
    for parent in root.iter(*ONCE):
        for tag in ONCE[parent.tag]:
            els = parent.findall(tag)
            if len(els) > 1:
                problems.append(ReturnProblem(
                    name, f"a second {tag} in {parent.tag} (only the first is read): DfE's "
                          f"census gives one; give it once", els[1].sourceline, None,
                    where(els[1])))
                twice.add(tag)
    return twice


def misplaced(root, name: str, problems: list, notes: list, where) -> None:
    """Problems for the elements the reader would read past though they hold what it reads
    (``where``: an element's place as messages name it); a note for other unknown elements.

    Said once a kind (the element's name and its parent's) with how many and the first."""
    found: dict[tuple, list] = {}
    other: dict[str, list] = {}
    for el in root.iter():
        tag = el.tag
        parent = el.getparent()
        if not isinstance(tag, str) or parent is None:
            continue
        ptag = parent.tag if isinstance(parent.tag, str) else ""
        if tag in READ_IN:
            homes, _ = READ_IN[tag]
            if ptag not in homes and ptag in KNOWN:
                found.setdefault(("placed", tag, ptag), []).append(el)
            continue
        if tag in KNOWN or tag.lower() in _KNOWN_LOWER:
            continue     # DfE's (the case of a read name is checked by the reader)
        if ptag not in KNOWN and ptag.lower() in _KNOWN_LOWER:
            continue     # inside an element named in another case: said there
        near = _near(tag)
        held = sorted({d.tag for d in el.iterdescendants() if isinstance(d.tag, str)
                       and (d.tag in READ_IN or d.tag in _MODULES)})
        if near is not None:
            found.setdefault(("near", tag, near), []).append(el)
        elif held and el.find(".//Children") is None and not any(
                isinstance(a.tag, str) and a.tag not in KNOWN for a in el.iterancestors()):
            found.setdefault(("wrapper", tag, ptag, tuple(held)), []).append(el)
        elif not any(isinstance(a.tag, str) and a.tag not in KNOWN for a in el.iterancestors()):
            other.setdefault(tag, []).append(el)
    for key, els in found.items():
        el = els[0]
        more = f" (and {len(els) - 1:,} more like it)" if len(els) > 1 else ""
        kind, tag = key[0], key[1]
        if kind == "placed":
            homes, lost = READ_IN[tag]
            msg = (f"{tag} is read inside {' or '.join(homes)}; here it is inside {key[2]}"
                   f"{more}: move it, or {lost} is lost (the reader looks for it nowhere else)")
        elif kind == "near":
            msg = (f"the element <{_shown(tag)}>{more} is not an element of DfE's CIN census: did "
                   f"you mean {key[2]}? As it is, it is not read and {_what(key[2])} would be "
                   "silently missing from the fit; rename it")
        else:
            msg = (f"the element <{_shown(tag)}>{more} inside {key[2] or 'the root'} is not an "
                   f"element of DfE's CIN census, and it holds {', '.join(key[3])}, which the "
                   "reader reads only in their own places (as in DfE's schema): they would be "
                   "lost; take them out of it")
        problems.append(ReturnProblem(name, msg, el.sourceline, None, where(el)))
    if other:
        tags = sorted(other, key=lambda t: other[t][0].sourceline or 0)
        shown = ", ".join(f"<{_shown(t)}> ({len(other[t]):,}, the first on line "
                          f"{other[t][0].sourceline})" for t in tags[:5])
        notes.append(f"{name}: element(s) not in DfE's CIN census schema were read past "
                     f"(none holds a field the reader uses): {shown}"
                     + (f" and {len(tags) - 5} more" if len(tags) > 5 else ""))


def _what(target: str) -> str:
    if target in READ_IN:
        return READ_IN[target][1]
    return {"Assessments": "the assessment", "CINPlanDates": "the CIN plan",
            "Section47": "the s47 enquiry", "ChildProtectionPlans": "the child protection plan",
            "Child": "the child", "Children": "the children"}[target]
