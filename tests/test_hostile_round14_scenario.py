"""Round 14's audit of scenario files as a careless user writes them, and of the provenance of
every value in the bundled scenarios. Each test of a defect failed before its fix."""
from __future__ import annotations

import re

import pytest

from workbench.cli import main

from conftest import ROOT

BASE = str(ROOT / "scenarios" / "baseline.yaml")


def _file(tmp_path, body: str, name: str = "s.yaml", head: str = f"base: {BASE}\nname: s\n"):
    p = tmp_path / name
    p.write_text(head + body, encoding="utf-8")
    return p


# ============================================================================================
# A percentage written as a fraction (0.05 for 5%), a surge written as the rise alone
# ============================================================================================

@pytest.mark.parametrize("body, says", [
    # agency capped at 0.05% of the workforce (no agency at all), not 5%: validated, run, and
    # reported as a cap of 5% in a reader's mind, with no word
    ("agency: {cap_share_pct: 0.05}\n",
     "agency.cap_share_pct: 0.05 reads as less than 1% (0.05%, not 5%): percentages are "
     "written out of 100 (5 for 5%)"),
    ("demand: {rereferral_pct: 0.226}\n",
     "demand.rereferral_pct: 0.226 reads as less than 1% (0.226%, not 22.6%)"),
    ("workforce:\n  turnover_pct_per_year: {experienced: 0.15, nqsw: 0.18, academy: 0.08, "
     "agency: 0}\n",
     "workforce.turnover_pct_per_year: experienced 0.15, nqsw 0.18, academy 0.08 read as less "
     "than 1% (0.15%, not 15%)"),
    # +35% written as 0.35: referrals fell to 35% of the usual
    ("demand:\n  surges:\n    - {start_date: 2018-04-01, multiplier: 0.35}\n",
     "demand.surges.0.multiplier: 0.35 cuts referrals to 35% of the usual from 2018-04-01; a "
     "rise of 35% is written 1.35"),
])
def test_a_percentage_written_as_a_fraction_is_noted(tmp_path, capsys, body, says):
    p = _file(tmp_path, body)
    assert main(["validate", str(p)]) == 0
    out = capsys.readouterr().out
    assert f"note: {says}" in out


def test_a_percentage_range_written_as_fractions_is_noted(tmp_path, capsys):
    # every run drew re-referrals of 0.2-0.25%; only "the scenario's own value lies outside its
    # range" was said, not why
    p = _file(tmp_path, "uncertain:\n  demand.rereferral_pct: {dist: uniform, low: 0.2, "
                        "high: 0.25}\n")
    assert main(["validate", str(p)]) == 0
    assert ("note: uncertain.demand.rereferral_pct: its range (0.2 to 0.25) lies under 1%: "
            "percentages are written out of 100 (20 to 25 for 20% to 25%)") \
        in capsys.readouterr().out
    p = _file(tmp_path, "uncertain:\n  demand.rereferral_pct: {dist: uniform, low: 20, "
                        "high: 25}\n")
    assert main(["validate", str(p)]) == 0
    assert "under 1%" not in capsys.readouterr().out


def test_percentages_of_one_or_more_and_rises_are_not_noted(tmp_path, capsys):
    p = _file(tmp_path, "agency: {cap_share_pct: 5}\ndemand:\n  rereferral_pct: 1\n"
                        "  surges:\n    - {start_date: 2018-04-01, multiplier: 0.8}\n")
    assert main(["validate", str(p)]) == 0
    assert "note:" not in capsys.readouterr().out


# ============================================================================================
# A number typed as a person writes it
# ============================================================================================

def test_a_share_typed_as_a_percentage_is_not_told_to_drop_the_sign_alone(tmp_path, capsys):
    # fte: 50% was told "write the number alone, without a % sign (a _pct field is already a
    # percentage): 50", which is then refused (at most 1)
    p = _file(tmp_path, "teams:\n  cp_court:\n    establishment_fte: 14\n    staff:\n"
                        "      - {type: experienced, count: 11, fte: 50%}\n")
    assert main(["validate", str(p)]) == 2
    assert ("teams.cp_court.staff.0.fte: expected a number; write the number alone, without a % "
            "sign: fte is not a percentage (its name has no _pct), so 50% is written 0.5") \
        in capsys.readouterr().err


@pytest.mark.parametrize("field, typed, says", [
    ("demand.referrals_per_year", "6,250", "write the number without thousands separators: 6250"),
    ("demand.referrals_per_year", "6 250", "write the number without thousands separators: 6250"),
    ("demand.referrals_per_year", "6k", "write the number in full: 6000"),
    ("demand.rereferral_pct", "22.6%", "write the number alone, without a % sign (a _pct field "
                                       "is already a percentage): 22.6"),
    ("demand.rereferral_pct", "'22,6'", "write a decimal point, not a comma: 22.6"),
    ("recruitment.cost_per_hire_gbp", "£3,000", "write the number without thousands "
                                                "separators: 3000"),
    ("demand.referrals_per_year", "6250# a year", "a comment starts at a # after a space; "
                                                  "write 6250 #..., not 6250#..."),
    # 3 months is not 3 days: the number is not offered, only the unit to write it in
    ("horizon_years", "5 years", "write a number alone, without 'years', in the unit the "
                                 "field's name gives (_days, _weeks, _hours, _pct, _gbp, "
                                 "_years, per_year ...)"),
])
def test_a_number_typed_with_separators_says_what_to_write(tmp_path, capsys, field, typed, says):
    # before: "Input should be a valid number, unable to parse string as a number"
    block, _, key = field.rpartition(".")
    p = _file(tmp_path, f"{block}:\n  {key}: {typed}\n" if block else f"{key}: {typed}\n")
    assert main(["validate", str(p)]) == 2
    err = capsys.readouterr().err
    assert f"- {field}: expected a number; {says} (got " in err
    assert "unable to parse" not in err and "Traceback" not in err


# ============================================================================================
# Provenance: every value of the bundled scenarios says where it came from
# ============================================================================================

#: What a comment giving a value's source says (the house rule for model inputs); a comment
#: without one of these ("# England and Wales bank holidays") does not say where a value came from.
_TAGS = re.compile(r"domain\.md|assumption|calibrated to|Care Planning Regs", re.I)
#: Values that are names, switches or the journey's shape, not figures: a team, a stage's kind,
#: a distribution's name, the file's identity.
_NOT_FIGURES = re.compile(r"^\s*(?:-\s*)?(?:base|name|description|authority|team|to_team|kind|"
                          r"dist|enabled|country|subdivision|case_holding|count_waiting_work|"
                          r"shortens_under_pressure|no_vacancy|unqualified_stages|campaigns|"
                          r"unallocated|start)\s*:")


def _commented_values(path):
    """(line number, the line, the comments that cover it) for each line of ``path`` that gives
    a value: its own comment, the comment lines right above it, and those of the blocks it is
    in (a comment on a block's key covers the block)."""
    out, blocks, above, folded, skip = [], [], [], None, False
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip():
            above = []
            continue
        indent = len(raw) - len(raw.lstrip())
        if folded is not None and indent > folded:
            continue   # a line of a folded text (description: >-)
        folded = None
        if raw.lstrip().startswith("#"):
            above.append(raw.strip())
            continue
        code, _, comment = raw.partition(" #")
        if raw.lstrip().startswith(("}", "probs:")) or (blocks and blocks[-1][2] and
                                                        indent > blocks[-1][0]):
            # a flow mapping or list carried onto a second line: part of the line above
            own = blocks[-1][1] if blocks else []
            blocks[-1] = (blocks[-1][0], own + above + ([comment] if comment else []), True)
            above = []
            continue
        while blocks and blocks[-1][0] >= indent:
            blocks.pop()
        if indent == 0:
            skip = code.startswith("sources:")   # the sources cited: not values
        if skip:
            continue
        mine = above + ([comment] if comment else [])
        covered = [c for _, cs, _ in blocks for c in cs] + mine
        value = code.split(":", 1)[1].strip() if ":" in code else code.strip()
        unclosed = value.count("{") + value.count("[") > value.count("}") + value.count("]")
        blocks.append((indent, mine, unclosed))
        if value in (">-", ">", "|"):
            folded = indent
        elif value and not _NOT_FIGURES.match(code):
            out.append((n, code.strip(), covered))
        above = []
    return out


@pytest.mark.parametrize("path", sorted((ROOT / "scenarios").glob("*.yaml")), ids=lambda p: p.stem)
def test_every_value_of_a_bundled_scenario_says_where_it_came_from(path):
    """Each figure has a ``domain.md:``, ``assumption:`` or ``calibrated to:`` comment on its
    line, right above it, or on a block it is in (tests/test_validation.py checks only that the
    England-average file has some comment near each value). CI has no copy of domain.md, so the
    figures themselves are checked against it by hand (round 14)."""
    values = _commented_values(path)
    assert values
    missing = [f"{path.name}:{n}: {code}" for n, code, comments in values
               if not any(_TAGS.search(c) for c in comments)]
    assert missing == []


@pytest.mark.parametrize("path", sorted((ROOT / "scenarios").glob("*.yaml")), ids=lambda p: p.stem)
def test_no_assumption_in_a_bundled_scenario_is_bare(path):
    """An ``assumption`` comment gives its reasoning: a bare "# assumption" (five in the
    baseline before round 14) told the report's reader nothing."""
    bare = [f"{path.name}:{n}: {line.strip()}"
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
            if re.search(r"#\s*assumption\s*:?\s*$", line, re.I)]
    assert bare == []


# ============================================================================================
# A thousands point (6.250 for 6,250): YAML reads a number, six and a quarter
# ============================================================================================

def test_a_count_or_an_amount_written_with_a_thousands_point_is_noted(tmp_path, capsys):
    # referrals of 6.25 a year and pay of GBP 1.28 a week validated and ran with no word
    p = _file(tmp_path, "demand:\n  referrals_per_year: 6.250\nrecruitment:\n"
                        "  cost_per_hire_gbp: '3.000'\ncosts:\n  gbp_per_fte_week: {experienced: "
                        "1.280, nqsw: 1050, academy: 1150, agency: 1800}\n")
    assert main(["validate", str(p)]) == 0
    out = capsys.readouterr().out
    assert ("note: demand.referrals_per_year: 6.250 (s.yaml, line 4) reads as 6.25, not 6,250; "
            "if 6,250 is meant, write 6250 (a scenario file writes numbers without thousands "
            "separators)") in out
    assert "note: recruitment.cost_per_hire_gbp: 3.000 (s.yaml, line 6) reads as 3, not 3,000" \
        in out
    assert "note: costs.gbp_per_fte_week.experienced: 1.280 (s.yaml, line 8)" in out
    assert out.count("note:") == 3


def test_a_point_in_other_fields_or_with_other_decimals_is_not_noted(tmp_path, capsys):
    p = _file(tmp_path, "demand:\n  referrals_per_year: 6250.5\n  rereferral_pct: 22.600\n"
                        "stages:\n  s47:\n    work_hours: {dist: lognormal, mean: 5.125, cv: 0.6}\n")
    assert main(["validate", str(p)]) == 0
    assert "note:" not in capsys.readouterr().out


def test_a_number_with_two_thousands_points_says_what_to_write(tmp_path, capsys):
    p = _file(tmp_path, "demand:\n  referrals_per_year: 6.250.000\n")
    assert main(["validate", str(p)]) == 2
    assert ("demand.referrals_per_year: expected a number; write the number without thousands "
            "separators: 6250000 (got '6.250.000')") in capsys.readouterr().err


# ============================================================================================
# A template's block uncommented without its fields, a number where a distribution goes, a
# capital letter or a slip in a field's name
# ============================================================================================

@pytest.mark.parametrize("body, says", [
    # `workbench new` writes the fields commented out; uncommenting only the block's name gave
    # "demand: Input should be a valid dictionary or instance of Demand (got None)"
    ("demand:\n", "- demand: is empty (nothing after its name, or under it): give its value, "
                  "or remove the line\n"),
    ("teams:\n  cp_court:\n    staff:\n", "- teams.cp_court.staff: is empty"),
    ("demand:\n  referrals_per_year:\n", "- demand.referrals_per_year: is empty"),
    ("demand: 6250\n", "- demand: expected a block (a dictionary) of fields under it: indented "
                       "lines of field: value (got 6250)"),
    # was: "Input should be a valid tuple"
    ("demand:\n  surges: {start_date: 2018-04-01, multiplier: 1.35}\n",
     "- demand.surges: expected a list: [a, b, ...] or one entry a line, each starting with '- '"),
    # was: "Input should be a valid dictionary or object to extract fields from (got 4)"
    ("stages:\n  icpc:\n    work_hours: 4\n",
     "- stages.icpc.work_hours: expected a distribution, not a single number: {dist: fixed, "
     "value: 4} for always 4, or one that varies, e.g. {dist: lognormal, mean: 4, cv: 0.5}"),
    ("Demand:\n  referrals_per_year: 7000\n",
     "- Demand: unknown field; did you mean 'demand'? (field names are lower case)"),
    ("demand:\n  referals_per_year: 7000\n",
     "- demand.referals_per_year: unknown field; did you mean 'referrals_per_year'?"),
])
def test_a_careless_block_is_said_in_words_not_pythons(tmp_path, capsys, body, says):
    p = _file(tmp_path, body)
    assert main(["validate", str(p)]) == 2
    err = capsys.readouterr().err
    assert says in err
    for python in ("instance of", "valid tuple", "valid dictionary", "(got None)", "Traceback"):
        assert python not in err


# ============================================================================================
# The wrong file, and a base named almost right
# ============================================================================================

@pytest.mark.parametrize("text, says", [
    ("a,b,c\n1,2,3\n", "got text with no field in it (a table, a web page or notes?); give a "
                       "scenario file (YAML)"),
    ("<html><body>hi</body></html>\n", "got text with no field in it"),
    ("42\n", "got a single value (42); give a scenario file (YAML)"),
    ("- name: x\n- name: y\n", "got a list, not fields"),
])
def test_a_file_that_is_not_a_scenario_is_said_in_words(tmp_path, capsys, text, says):
    # was: "expected a mapping of fields at the top level, got str" (Python's name for text)
    p = tmp_path / "t.csv"
    p.write_text(text, encoding="utf-8")
    assert main(["validate", str(p)]) == 2
    err = capsys.readouterr().err
    assert "expected a mapping of fields at the top level (lines of field: value" in err
    assert says in err and "got str" not in err and "got int" not in err


@pytest.mark.parametrize("base", ["baseline", "Baseline.yaml", "baseline.yml"])
def test_a_base_named_almost_right_names_the_file_meant(tmp_path, capsys, base):
    (tmp_path / "baseline.yaml").write_text((ROOT / "scenarios" / "baseline.yaml").read_text())
    p = _file(tmp_path, "", head=f"base: {base}\nname: s\n")
    assert main(["validate", str(p)]) == 2
    err = capsys.readouterr().err
    assert f"base: file '{base}' not found (looked in {tmp_path}); did you mean 'baseline.yaml'?" \
        in err


# ============================================================================================
# A variant's list of surges or campaigns replaces its base's
# ============================================================================================

def test_a_variant_adding_a_campaign_is_told_the_bases_is_dropped(tmp_path, capsys):
    # a variant of the recruitment drive "adding" a local drive ran without the international
    # one (a list is stated whole), with nothing said
    drive = str(ROOT / "scenarios" / "recruitment_drive.yaml")
    p = _file(tmp_path, "recruitment:\n  campaigns:\n    - {name: Local drive, start_date: "
                        "2019-04-01, end_date: 2020-03-31, hires: 10, cost_gbp: 50000}\n",
              head=f"base: {drive}\nname: s\n")
    assert main(["validate", str(p)]) == 0
    assert ("note: recruitment.campaigns: s.yaml gives a list of its own, which replaces its "
            "base's whole, so the base's campaign 'International recruitment drive' does not "
            "run; to keep it, list it here too") in capsys.readouterr().out


def test_a_variant_keeping_the_bases_surge_is_not_noted(tmp_path, capsys):
    surge = str(ROOT / "scenarios" / "demand_surge.yaml")
    p = _file(tmp_path, "demand:\n  surges:\n    - {start_date: 2020-04-01, multiplier: 1.2}\n",
              head=f"base: {surge}\nname: s\n")
    assert main(["validate", str(p)]) == 0
    assert ("note: demand.surges: s.yaml gives a list of its own, which replaces its base's "
            "whole, so the base's surge from 2018-04-01 does not run") in capsys.readouterr().out
    p = _file(tmp_path, "demand:\n  surges:\n    - {start_date: 2018-04-01, multiplier: 1.35}\n"
                        "    - {start_date: 2020-04-01, multiplier: 1.2}\n",
              head=f"base: {surge}\nname: s\n")
    assert main(["validate", str(p)]) == 0
    assert "note:" not in capsys.readouterr().out


# ============================================================================================
# A wildcard a Windows command prompt passes as typed
# ============================================================================================

def test_validate_expands_a_wildcard_the_shell_passed_as_typed(tmp_path, capsys):
    # `workbench validate scenarios\*.yaml` in a Windows command prompt: "scenario file not found"
    for n in ("a", "b"):
        _file(tmp_path, "", name=f"{n}.yaml", head=f"base: {BASE}\nname: {n}\n")
    assert main(["validate", str(tmp_path / "*.yaml")]) == 0
    out = capsys.readouterr().out
    assert f"{tmp_path / 'a.yaml'}: OK (a:" in out and f"{tmp_path / 'b.yaml'}: OK (b:" in out
    assert main(["validate", str(tmp_path / "z*.yaml")]) == 2
    assert "scenario file not found (it is a pattern, and no file matches it)" \
        in capsys.readouterr().err


def test_a_wildcard_given_to_a_command_of_one_file_says_what_it_matches(tmp_path, capsys):
    for n in ("a", "b"):
        _file(tmp_path, "", name=f"{n}.yaml", head=f"base: {BASE}\nname: {n}\n")
    assert main(["run", str(tmp_path / "*.yaml"), "--out", str(tmp_path / "o")]) == 2
    assert ("scenario file not found (it is a pattern, which this command does not expand: it "
            f"matches 2 file(s); give them by name, e.g. {tmp_path / 'a.yaml'})") \
        in capsys.readouterr().err


# ============================================================================================
# Tags: a set keeps no order
# ============================================================================================

@pytest.mark.parametrize("body, says", [
    # sibling groups !!set {0.7, 0.2, 0.1} ran as (0.7, 0.1, 0.2), with no word
    ("demand:\n  sibling_group_probs: !!set {0.7, 0.2, 0.1}\n",
     "a YAML set (!!set) is not read in scenario files (a set keeps no order); write a list "
     "[a, b, ...]"),
    ("pressure:\n  unqualified_stages: !!set {lac, cin}\n", "a YAML set (!!set)"),
    ("demand:\n  referrals_per_year: !!omap [a: 1]\n",
     "a YAML omap (!!omap) is not read in scenario files (it reads as a list of pairs)"),
    # was: "could not determine a constructor for the tag 'tag:yaml.org,2002:python/object:...'"
    ("demand:\n  referrals_per_year: !!python/object:os.system ['echo hi']\n",
     "the tag !!python/object:os.system is not read in scenario files, which hold numbers, "
     "dates, text, lists and blocks; write the value itself, without the tag"),
    ("demand:\n  referrals_per_year: !custom 6250\n", "the tag !custom is not read"),
])
def test_a_set_or_an_unknown_tag_is_refused_in_words(tmp_path, capsys, body, says):
    p = _file(tmp_path, body)
    assert main(["validate", str(p)]) == 2
    err = capsys.readouterr().err
    assert says in err and "constructor" not in err and "Traceback" not in err


def test_a_name_with_a_comment_written_without_a_space_is_noted(tmp_path, capsys):
    # every table and heading said 'Plan A# tested in May', with no word
    p = _file(tmp_path, "", head=f"base: {BASE}\nname: Plan A# tested in May\n")
    assert main(["validate", str(p)]) == 0
    assert ("note: name: 'Plan A# tested in May' holds a # with no space before it, which YAML "
            "reads as part of the name, not as a comment") in capsys.readouterr().out
    p = _file(tmp_path, "", head=f"base: {BASE}\nname: 'Plan #2'\n")
    assert main(["validate", str(p)]) == 0
    assert "note:" not in capsys.readouterr().out


@pytest.mark.parametrize("argv, says", [
    (["--years", "0,5"], "--years: must be a number, got '0,5'; write a decimal point, not a "
                         "comma: 0.5"),
    (["--years", "1,5"], "write a decimal point, not a comma: 1.5"),
    (["--seed", "1,000"], "--seed: must be a whole number, got '1,000'; write the number without "
                          "thousands separators: 1000"),
])
def test_an_option_typed_with_a_decimal_comma_says_what_to_type(tmp_path, capsys, argv, says):
    # was: "must be a number, got '0,5'" (a decimal comma, as typed across much of Europe)
    with pytest.raises(SystemExit) as stop:
        main(["run", BASE, "--out", str(tmp_path / "o"), *argv])
    assert stop.value.code == 2
    assert says in capsys.readouterr().err


@pytest.mark.parametrize("body, says", [
    ("stages:\n  icpc:\n    next: {cp: 86, cin: 14}\n",
     "- stages.icpc.next: outcome 'cp' must be between 0 and 1 (got 86.0); these are shares of "
     "1, not percentages: write 0.86 for 86%"),
    ("demand:\n  sibling_group_probs: [55, 27, 12, 6]\n",
     "sibling group '1 child' must be between 0 and 1 (got 55.0); these are shares of 1, not "
     "percentages: write 0.55 for 55%"),
    ("stages:\n  s47:\n    elapsed_wd: {dist: histogram, edges: [1, 4, 8], probs: [50, 50]}\n",
     "probabilities must sum to 1 (they sum to 100); these are shares of 1, not percentages: "
     "write 0.5 for 50%"),
])
def test_shares_written_as_percentages_say_how_to_write_them(tmp_path, capsys, body, says):
    # was: "must be between 0 and 1 (got 86.0)", "sibling group '1 children'"
    p = _file(tmp_path, body)
    assert main(["validate", str(p)]) == 2
    assert says in capsys.readouterr().err


# ============================================================================================
# A workbench new template: a field uncommented without its block's name
# ============================================================================================

def test_a_template_field_uncommented_without_its_block_names_the_block(tmp_path, capsys):
    # the template's own instruction is to uncomment both; uncommenting only the field gave
    # "expected <block end>, but found '<block mapping start>'"
    out = tmp_path / "t.yaml"
    assert main(["new", "T", "--from", BASE, "--out", str(out)]) == 0
    capsys.readouterr()
    lines = out.read_text(encoding="utf-8").splitlines()
    i = next(n for n, line in enumerate(lines) if line.startswith("#   referrals_per_year:"))
    lines[i] = "  referrals_per_year: 7000"
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["validate", str(out)]) == 2
    err = capsys.readouterr().err
    assert (f"at line {i + 1}, column 3: this line is indented under 'demand:', which is still "
            f"commented out (line {i}, '# demand:'): remove the '# ' in front of 'demand:' too"
            ) in err
    assert "block mapping start" not in err


def test_a_colon_yaml_cannot_read_is_said_in_words(tmp_path, capsys):
    # was: "mapping values are not allowed here"
    p = _file(tmp_path, "", head=f"base: {BASE}\nname: Plan: A\n")
    assert main(["validate", str(p)]) == 2
    assert ("at line 2, column 11: a ': ' that YAML cannot read here: if the line is a field, "
            "indent it as the fields beside it (two spaces in under its block's name), and check "
            "the line before has its ':'; if it is text holding ': ', put the text in quotes") \
        in capsys.readouterr().err


@pytest.mark.parametrize("body, says", [
    ("demand:\n\treferrals_per_year: 5\n",
     "line 4, column 1: a tab character: YAML indents with spaces only; replace the tab with "
     "spaces"),                                        # was: "found character '\t' that cannot
    ("demand:\n  trend_pct_per_year: 1\nauthority: 'Northmoor\n",   # start any token"
     "a quote opened at line 5 is never closed; close it on the same line (name: 'Plan A') or "
     "remove it"),                                     # was: "found unexpected end of stream"
    ("demand: {referrals_per_year: 5\n",
     "a '{' opened at line 3 is never closed: write { ... }"),   # "expected ',' or '}', but got
    ("demand:\n  seasonality: [1, 1, 1\n",                        # '<stream end>'"
     "a '[' opened at line 4 is never closed: write [ ... ]"),
    ("demand\n  referrals_per_year: 5\n",              # was: "could not find expected ':'"
     "line 3 has no ':' after its name; write name: value (or name: with its fields under it)"),
])
def test_the_commonest_yaml_slips_are_said_in_words(tmp_path, capsys, body, says):
    p = _file(tmp_path, body)
    assert main(["validate", str(p)]) == 2
    err = capsys.readouterr().err
    assert "not valid YAML at line" in err and says in err
