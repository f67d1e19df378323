"""A fifth hostile pass over calibration's inputs (issue 13): returns that were read, but read
wrong. Each case was accepted before its fix; each is now refused with status 2, no traceback,
a message naming the file and the element, row or field, and no identifier from the data.
"""

from __future__ import annotations

import re

from conftest import refused_returns as refused


def test_a_referral_without_its_nfa_flag_is_refused_not_read_as_no(returns, tmp_path, capsys):
    # before: a missing ReferralNFA was read as "no further action: no", sending a referral that
    # ended at the front door on to assessment in the fit (DfE's rule 8568 requires the flag)
    p = returns / "cin_census_2023.xml"
    text = p.read_text()
    first = re.search(r"\s*<ReferralNFA>[^<]*</ReferralNFA>", text).group(0)
    p.write_text(text.replace(first, "", 1))
    refused(returns, tmp_path, capsys, "cin_census_2023.xml, element Child 1 / "
            "CINdetails 1", "field ReferralNFA: a yes/no value is required here",
            "rule 8568")


def test_a_blank_nfa_flag_is_refused_too(returns, tmp_path, capsys):
    p = returns / "cin_census_2022.xml"
    text = p.read_text()
    p.write_text(text.replace("<ReferralNFA>false</ReferralNFA>", "<ReferralNFA> </ReferralNFA>", 1))
    refused(returns, tmp_path, capsys, "cin_census_2022.xml, element Child 1 / "
            "CINdetails 1", "field ReferralNFA: a yes/no value is required here")


def test_a_caseload_beyond_any_social_workers_is_noted(returns, tmp_path, capsys):
    # Cases30 of 500 is within the hard limit (1,000) and was read without a word, though it
    # moved the fitted mean caseload from about 16 to about 65 and the pressure fitted from it
    from conftest import calibrate_returns

    p = returns / "workforce_census_2023.csv"
    lines = p.read_text().splitlines()
    head = lines[0].split(",")
    row = next(i for i, line in enumerate(lines[1:], 1)
               if line.split(",")[head.index("Cases30")].strip() not in ("", "0"))
    cells = lines[row].split(",")
    cells[head.index("Cases30")] = "500"
    lines[row] = ",".join(cells)
    p.write_text("\n".join(lines) + "\n")
    code, out, err = calibrate_returns(returns, tmp_path, capsys)
    assert code == 0, err
    assert "1 case holder(s) hold more than 60 cases per FTE at the census date (the most 500)" \
        in out + err


def test_managers_in_the_census_are_left_out_of_staff_with_a_note(returns, tmp_path, capsys):
    # the independent audit: first-line managers (OrgRole 3) were counted as case-holding staff,
    # one more worker in a team and turnover from 11% to 7%, without a word
    import yaml

    from conftest import calibrate_returns

    (tmp_path / "a").mkdir()
    code, out, err = calibrate_returns(returns, tmp_path / "a", capsys)
    assert code == 0, err
    plain = yaml.safe_load((tmp_path / "a" / "out.yaml").read_text())
    p = returns / "workforce_census_2023.csv"
    lines = p.read_text().splitlines()
    head = lines[0].split(",")
    for k in range(3):
        row = dict.fromkeys(head, "")
        row.update(SWENo=f"M00000{k}", AgencyWorker="0", FTE="1", OrgRole="3",
                   RoleStartDate="2015-01-01", Team="families_first", WorkerType="experienced")
        lines.append(",".join(row[h] for h in head))
    p.write_text("\n".join(lines) + "\n")
    (tmp_path / "b").mkdir()
    code, out, err = calibrate_returns(returns, tmp_path / "b", capsys)
    assert code == 0, err
    assert "3 manager role(s) (OrgRole 1-3" in out + err
    with_managers = yaml.safe_load((tmp_path / "b" / "out.yaml").read_text())
    assert with_managers["teams"] == plain["teams"]
    assert with_managers["workforce"] == plain["workforce"]


def test_swenos_filled_with_childrens_ids_are_refused(returns, tmp_path, capsys):
    # the independent audit: the 2023 census's SWENo filled with that year's LAchildIDs was read
    # as twice the staff, turnover halved, without a word
    ids = re.findall(r"<LAchildID>([^<]+)</LAchildID>", (returns / "cin_census_2023.xml").read_text())
    p = returns / "workforce_census_2023.csv"
    lines = p.read_text().splitlines()
    head = lines[0].split(",")
    j = head.index("SWENo")
    for k in range(1, len(lines)):
        cells = lines[k].split(",")
        cells[j] = ids[k]
        lines[k] = ",".join(cells)
    p.write_text("\n".join(lines) + "\n")
    refused(returns, tmp_path, capsys, "workforce_census_2023.csv, row 2, field SWENo: the value "
            "(not shown) is a child's identifier from the case returns, not a social worker's "
            "SWENo")


def test_a_window_moved_by_late_closures_names_the_closure_column(tmp_path, capsys):
    # the independent audit: the refusal blamed the referrals (and a roster) when closures a
    # year late had moved the window's end
    import shutil

    import pandas as pd

    from conftest import ROOT
    from workbench.cli import main

    d = tmp_path / "ext"
    shutil.copytree(ROOT / "data" / "sample", d)
    cases = pd.read_csv(d / "cases.csv", dtype=str, keep_default_na=False)
    late = pd.to_datetime(cases.CINclosureDate, errors="coerce") + pd.DateOffset(years=1)
    cases["CINclosureDate"] = late.dt.strftime("%Y-%m-%d").fillna("")
    cases.to_csv(d / "cases.csv", index=False)
    code = main(["calibrate", "--cases", str(d / "cases.csv"), "--workforce",
                 str(d / "workforce.csv"), "--out", str(tmp_path / "x.yaml"), "--report-dir",
                 str(tmp_path / "rep"), "--no-backtest"])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert "no referral (CINreferralDate) in" in err
    assert "a closure (CINclosureDate), after the last referral" in err
