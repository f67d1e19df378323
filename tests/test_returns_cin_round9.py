"""Audit 9b of the CIN census reader: what it read past, merged or named wrongly.

- A field in the wrong place (a closure date under the Child, in ChildIdentifiers or in an
  Assessments module, every closure wrapped in a <Closure>), or misspelt (<CINclosureDte>,
  <Assessment>), was skipped without a word and the fit changed (17 fit rows).
- One episode given twice in one census with other dates was merged, one value kept at random.
- A census without a header, its year from its name or folder, had its dates after that year
  never checked (315 referrals of another year dropped unsaid).
- A second CollectionDetails gave 401 problems, none saying so.

No message may hold a child's identifier.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from lxml import etree

from workbench.calibration.extracts import ExtractError
from workbench.calibration.returns.cin_census import read_cin_census
from workbench.calibration.returns.combine import read_returns

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "data" / "returns"
C21, C22, C23 = "cin_census_2021.xml", "cin_census_2022.xml", "cin_census_2023.xml"


def ids_of(path: Path) -> set[str]:
    return set(re.findall(r"<LAchildID>([^<]+)<", path.read_text()))


def census(tmp_path: Path, name: str = C22) -> tuple[Path, etree._ElementTree]:
    p = tmp_path / name
    shutil.copy(BUNDLED / name, p)
    return p, etree.parse(str(p))


def save(t, p: Path) -> None:
    t.write(str(p), xml_declaration=True, encoding="UTF-8")


def read(p: Path) -> tuple[list[str], object]:
    problems: list = []
    recs = read_cin_census(p, problems)
    text = [str(x) for x in problems]
    joined = "\n".join(text + recs.notes)
    assert not [i for i in ids_of(p) if i in joined], "an identifier is shown"
    return text, recs


def first_closed(t):
    """The first CINdetails with a closure date, and its Child's number."""
    kids = list(t.getroot().find("Children"))
    for ci, child in enumerate(kids, start=1):
        for cin in child.iterfind("CINdetails"):
            if cin.find("CINclosureDate") is not None and cin.find("Assessments") is not None:
                return ci, child, cin
    raise AssertionError("no closed episode")


# --------------------------------------------------------------------------------------------
# 1. A field in the wrong place, or misspelt
# --------------------------------------------------------------------------------------------

def test_the_bundled_censuses_raise_no_structure_problem_nor_note():
    for name in (C21, C22, C23):
        problems: list = []
        recs = read_cin_census(BUNDLED / name, problems)
        assert problems == []
        assert not [n for n in recs.notes if "schema" in n]


def test_every_closure_wrapped_in_an_extra_element_is_refused_once_at_the_first(tmp_path):
    # before: 284 closures read past, 17 fit rows changed, no note
    p, t = census(tmp_path)
    n = 0
    for cin in t.getroot().iter("CINdetails"):
        c, r = cin.find("CINclosureDate"), cin.find("ReasonForClosure")
        if c is not None:
            wrap = etree.Element("Closure")
            cin.insert(list(cin).index(c), wrap)
            wrap.append(c)
            if r is not None:
                wrap.append(r)
            n += 1
    save(t, p)
    problems, _ = read(p)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{C22}, element Child 1 / CINdetails 1 / Closure (line ")
    assert f"<Closure> (and {n - 1:,} more like it) inside CINdetails" in problems[0]
    assert "CINclosureDate, ReasonForClosure" in problems[0]


@pytest.mark.parametrize("into, home", [
    ("Child", "CINdetails"), ("ChildIdentifiers", "CINdetails"), ("Assessments", "CINdetails"),
])
def test_a_closure_moved_out_of_its_cindetails_is_refused_at_its_element(tmp_path, into, home):
    p, t = census(tmp_path)
    ci, child, cin = first_closed(t)
    closure = cin.find("CINclosureDate")
    target = {"Child": child, "ChildIdentifiers": child.find("ChildIdentifiers"),
              "Assessments": cin.find("Assessments")}[into]
    target.append(closure)
    save(t, p)
    problems, _ = read(p)
    line = closure.sourceline
    hit = [x for x in problems if "field" not in x and "CINclosureDate is read inside" in x]
    assert len(hit) == 1, problems
    assert f"{C22}, element Child {ci} / " in hit[0]
    assert f"CINclosureDate (line " in hit[0]
    assert (f"CINclosureDate is read inside {home}; here it is inside {into}: move it, or the "
            "episode's closure is lost") in hit[0]
    assert line is None or "(line " in hit[0]


@pytest.mark.parametrize("field, module, into", [
    ("AssessmentAuthorisationDate", "Assessments", "CINdetails"),
    ("CPPendDate", "ChildProtectionPlans", "CINdetails"),
])
def test_a_module_field_moved_into_its_cindetails_is_refused(tmp_path, field, module, into):
    p, t = census(tmp_path, C23)
    kids = list(t.getroot().find("Children"))
    for ci, child in enumerate(kids, start=1):
        el = child.find(f"CINdetails/{module}/{field}")
        if el is not None:
            cin = el.getparent().getparent()
            cin.append(el)
            break
    save(t, p)
    problems, _ = read(p)
    hit = [x for x in problems if "is read inside" in x]
    assert len(hit) == 1, problems
    assert hit[0].startswith(f"{C23}, element Child {ci} / CINdetails ")
    assert f"/ {field} (line " in hit[0]
    assert f"{field} is read inside {module}; here it is inside {into}: move it" in hit[0]
    assert all("is read inside" in x for x in problems), problems


@pytest.mark.parametrize("wrong, right", [
    ("CINclosureDte", "CINclosureDate"), ("Assessment", "Assessments"),
    ("CINPlanDate", "CINPlanDates"), ("ReasonForClosur", "ReasonForClosure"),
])
def test_a_misspelt_field_or_module_is_refused_with_did_you_mean(tmp_path, wrong, right):
    # before: <CINPlanDate>, <Assessment>: a whole plan and assessment lost, 11 fit rows changed
    p, t = census(tmp_path)
    els = list(t.getroot().iter(right))
    el = els[len(els) // 2]
    el.tag = wrong
    save(t, p)
    problems, _ = read(p)
    assert len(problems) == 1, problems
    assert f"/ {wrong} (line {el.sourceline})" in problems[0]
    assert f"the element <{wrong}> is not an element of DfE's CIN census: did you mean " \
           f"{right}?" in problems[0]


def full_dfe(t) -> None:
    """Every element of DfE's 2023-24 schema the reader does not use, in its place."""
    def add(parent, tag, text=None, at=None):
        el = etree.Element(tag)
        el.text = text
        parent.insert(len(parent) if at is None else at, el)
        return el
    hdr = t.getroot().find("Header")      # its CollectionDetails has DfE's three already
    src = hdr.find("Source")
    for tag, v in (("SoftwareCode", "Local"), ("Release", "1"), ("SerialNo", "001"),
                   ("DateTime", "2023-04-01T10:00:00")):
        add(src, tag, v)
    for child in t.getroot().find("Children"):
        ids = child.find("ChildIdentifiers")
        for tag, v in (("UPN", "A123456789012"), ("FormerUPN", "A123456789013"),
                       ("UPNunknown", "UN1"), ("PersonBirthDate", "2010-01-01"),
                       ("ExpectedPersonBirthDate", "2010-01-01"), ("GenderCurrent", "1"),
                       ("PersonDeathDate", "2020-01-01")):
            add(ids, tag, v)
        ch = add(child, "ChildCharacteristics", at=1)
        add(ch, "Ethnicity", "WBRI")
        add(add(ch, "Disabilities"), "Disability", "NONE")
        for cin in child.iterfind("CINdetails"):
            add(cin, "ReferralSource", "1A", 1)
            add(cin, "PrimaryNeedCode", "N1", 2)
            for a in cin.iterfind("Assessments"):
                add(a, "AssessmentInternalReviewDate", "2019-01-01", 1)
                add(add(a, "FactorsIdentifiedAtAssessment"), "AssessmentFactors", "1A")
            for s in cin.iterfind("Section47"):
                add(s, "InitialCPCtarget", "2019-01-01", 1)
                add(s, "ICPCnotRequired", "false")
            for c in cin.iterfind("ChildProtectionPlans"):
                for tag, v in (("InitialCategoryOfAbuse", "NEG"), ("LatestCategoryOfAbuse", "NEG"),
                               ("NumberOfPreviousCPP", "1")):
                    add(c, tag, v)
                add(add(c, "Reviews"), "CPPreviewDate", "2019-01-01")


def test_dfe_elements_the_reader_does_not_use_are_read_past_without_a_word(tmp_path):
    p, t = census(tmp_path, C23)
    full_dfe(t)
    save(t, p)
    problems, recs = read(p)
    assert problems == []
    assert not [n for n in recs.notes if "schema" in n]
    _, before = read(BUNDLED / C23)
    assert len(recs.episodes) == len(before.episodes)
    assert [(s.stage, s.start, s.end) for s in recs.stages] == \
        [(s.stage, s.start, s.end) for s in before.stages]


def test_an_unknown_element_holding_nothing_read_is_said_in_a_note(tmp_path):
    p, t = census(tmp_path)
    cin = next(t.getroot().iter("CINdetails"))
    etree.SubElement(cin, "LocalWorkflowStatus").text = "done"
    save(t, p)
    problems, recs = read(p)
    assert problems == []
    assert [n for n in recs.notes if "<LocalWorkflowStatus> (1, the first on line" in n]


# --------------------------------------------------------------------------------------------
# 2. One episode given twice in one census with other dates
# --------------------------------------------------------------------------------------------

def closed_with_plan(t):
    kids = list(t.getroot().find("Children"))
    for ci, child in enumerate(kids, start=1):
        cins = list(child.iterfind("CINdetails"))
        for ei, cin in enumerate(cins, start=1):
            if cin.find("CINclosureDate") is not None and cin.find("CINPlanDates/CINPlanEndDate") \
                    is not None and len(cins) == 1:
                return ci, child, cin
    raise AssertionError("no closed episode with a plan")


@pytest.mark.parametrize("where", ["CINdetails", "Child"])
def test_an_episode_given_twice_with_another_closure_is_refused_at_both(tmp_path, where):
    # before: merged, one closure kept at random ("11 episode(s) given twice ... were merged")
    import copy
    p, t = census(tmp_path)
    ci, child, cin = closed_with_plan(t)
    if where == "CINdetails":
        twin = copy.deepcopy(cin)
        cin.addnext(twin)
        second = f"Child {ci} / CINdetails 2"
        first = f"Child {ci} / CINdetails 1"
    else:
        twin_child = copy.deepcopy(child)
        child.addnext(twin_child)
        twin = twin_child.find("CINdetails")
        second = f"Child {ci + 1} / CINdetails 1"
        first = f"Child {ci} / CINdetails 1"
    twin.find("CINclosureDate").text = "2021-03-30"
    twin.find("CINPlanDates/CINPlanEndDate").text = "2021-03-30"
    save(t, p)
    problems, _ = read(p)
    assert len(problems) == 2, problems
    for here, there in ((first, second), (second, first)):
        hit = [x for x in problems if x.startswith(f"{C22}, element {here} (line ")]
        assert len(hit) == 1, problems
        assert f"the same referral episode (child and CINreferralDate) as element {there}" in hit[0]
        assert "with another CINclosureDate, CINPlanDates / CINPlanEndDate:" in hit[0]
        assert "2021-03-30" not in hit[0]


def test_an_episode_repeated_exactly_is_merged_with_a_note(tmp_path):
    import copy
    p, t = census(tmp_path)
    _, child, cin = closed_with_plan(t)
    cin.addnext(copy.deepcopy(cin))
    save(t, p)
    problems, recs = read(p)
    _, before = read(BUNDLED / C22)
    assert problems == []
    assert recs.duplicates == before.duplicates + 1
    assert [n for n in recs.notes if f"{before.duplicates + 1} episode(s) given twice" in n]


# --------------------------------------------------------------------------------------------
# 3. A census without a header: its dates after the end of the year of its name or folder
# --------------------------------------------------------------------------------------------

def headerless(tmp_path: Path, source: str, name: str) -> Path:
    t = etree.parse(str(BUNDLED / source))
    t.getroot().remove(t.getroot().find("Header"))
    p = tmp_path / name
    p.parent.mkdir(parents=True, exist_ok=True)
    save(t, p)
    return p


@pytest.mark.parametrize("name, said", [
    ("2022/cin_census.xml", "the year of its folder (2022/)"),
    ("cin_census_2022.xml", "the year in the file's name"),
])
def test_a_headerless_census_of_a_later_year_is_refused_at_its_dates(tmp_path, name, said):
    # before: 2023's census in 2022/ was read as 2022's, its later referrals dropped unsaid
    p = headerless(tmp_path, C23, name)
    problems: list = []
    read_cin_census(p, problems, name=name)
    text = [str(x) for x in problems]
    assert text, "accepted"
    late = [x for x in text if f"is after the end of census year 2022, {said} (2022-03-31)" in x]
    assert late and all(x.startswith(f"{name}, element Child ") for x in late), text[:3]
    assert [x for x in late if ", field CINreferralDate: 2022-" in x]
    assert [x for x in late if ", field CINclosureDate: 2022-" in x]
    assert not [i for i in ids_of(p) if i in "\n".join(text)]


def test_a_headerless_census_in_its_own_years_folder_is_read(tmp_path):
    p = headerless(tmp_path, C23, "2023/cin_census.xml")
    problems: list = []
    recs = read_cin_census(p, problems, name="2023/cin_census.xml")
    assert problems == [] and recs.year == 2023
    _, before = read(BUNDLED / C23)
    assert len(recs.episodes) == len(before.episodes)


# --------------------------------------------------------------------------------------------
# 5. A second CollectionDetails
# --------------------------------------------------------------------------------------------

def test_a_second_collectiondetails_is_refused_once_at_it(tmp_path):
    # before: 401 problems (a year clash, 400 dates "after the ReferenceDate"), none saying so
    p, t = census(tmp_path, C23)
    hdr = t.getroot().find("Header")
    first = hdr.find("CollectionDetails")
    other = etree.Element("CollectionDetails")
    for tag, v in (("Year", "2022"), ("ReferenceDate", "2022-03-31")):
        etree.SubElement(other, tag).text = v
    first.addnext(other)
    save(t, p)
    line = etree.parse(str(p)).getroot().find("Header")[1].sourceline
    problems, _ = read(p)
    assert problems == [f"{C23}, element Header / CollectionDetails 2 (line {line}): a second "
                        "CollectionDetails in Header (only the first is read): DfE's census gives "
                        "one; give it once"], problems


@pytest.mark.parametrize("name, said", [
    ("1999/cin_census.xml", "the year 1999 in the name of its folder 1999/ is outside the census "
                            "years read, 2000 to 2099"),
    ("cin_census_2123.xml", "the year 2123 in the file's name is outside the census years read, "
                            "2000 to 2099"),
])
def test_a_headerless_census_with_a_year_out_of_range_says_which_year_and_the_range(
        tmp_path, name, said):
    # before: "no census year ... nor a year in the file's name or its folder's", when its
    # folder or name plainly held one (out of range)
    p = headerless(tmp_path, C23, name)
    problems: list = []
    read_cin_census(p, problems, name=name)
    text = [str(x) for x in problems]
    assert len(text) == 1 and "no census year" in text[0] and f"({said})" in text[0], text
    assert text[0].startswith(name)


def test_a_headerless_census_with_no_year_anywhere_keeps_the_plain_message(tmp_path):
    p = headerless(tmp_path, C23, "cin/census.xml")
    problems: list = []
    read_cin_census(p, problems, name="cin/census.xml")
    text = [str(x) for x in problems]
    assert len(text) == 1 and "no census year" in text[0] and "outside" not in text[0], text
