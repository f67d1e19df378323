"""Issue 18: an authority against its neighbours and England (workbench/present/neighbours.py),
in the comparison notebook and as a report section.

Runs on the fixture files in tests/data/published (the published layout, invented figures) and
on hand-made figures for the sentences; no model numbers are asserted. The view in the comparison
notebook is test_notebooks_explore.py's test_compare_notebook_shows_the_neighbour_view, on the run
of the notebook that module makes.
"""
from __future__ import annotations

import math
import re
import shutil
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from workbench.errors import UserError
from workbench.present import neighbours as nv
from workbench.published import PublishedError
from workbench.published.neighbours import MEASURES

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "published"
NE = ["Sunderland", "Gateshead", "Northumberland"]


@pytest.fixture(scope="module")
def view():
    return nv.neighbour_view("Durham", NE)


def made(values: dict, authority="Ours", neighbours=("A", "B", "C"), year=2024, years=None):
    """A view of hand-made figures: {measure label: [ours, A, B, C, England]}."""
    years = years or {}
    names = [authority, *neighbours, "England"]
    rows = []
    for measure, vals in values.items():
        for who, v in zip(names, vals):
            rows.append({"measure": measure, "authority": who,
                         "year": years.get((measure, who), year) if not math.isnan(v) else None,
                         "value": v})
    numbers = pd.DataFrame(rows)
    table = pd.DataFrame([{"Measure": m, **{who: f"{v:g}" for who, v in zip(names, vals)}}
                          for m, vals in values.items()])
    return nv.NeighbourView(authority, tuple(neighbours), table, numbers, "made")


CASELOAD = "Average caseload (cases per case-holding FTE)"
VACANCY = "Vacancies (% of posts)"
REREF = "Re-referrals within 12 months (%)"


# --- the view from the published files --------------------------------------------------------

def test_view_from_the_example_files(view):
    assert view.authority == "County Durham" and view.neighbours == tuple(NE)
    assert view.example and Path(view.folder) == DATA
    assert list(view.table.columns) == ["Measure", "County Durham", *NE, "England"]
    assert list(view.table.Measure) == [m[0] for m in MEASURES]
    assert any(f.startswith("c1_") for f in view.files)
    v, y = view.value(REREF, "County Durham")
    assert not math.isnan(v) and y == 2024


def test_view_from_a_folder_of_downloads(tmp_path):
    shutil.copytree(DATA, tmp_path / "downloads")
    v = nv.neighbour_view("840", ["Gateshead"], data=tmp_path / "downloads")
    assert v.authority == "County Durham" and not v.example
    page = nv.view_section(v)
    assert "invented" not in page and "downloads/" in page


def test_wrong_names_and_repeats_are_clear_errors():
    with pytest.raises(PublishedError, match="close matches: Sunderland") as e:
        nv.neighbour_view("Durham", ["Sunderlnd"])
    assert isinstance(e.value, UserError)
    with pytest.raises(PublishedError, match="same authority"):
        nv.neighbour_view("Durham", ["Gateshead", "E06000047"])


def test_counts_stay_in_the_table_only():
    compared = nv.compared_measures()
    assert "Children referred a year" not in compared
    assert compared == [m for m, _s, fmt in MEASURES if fmt != "count"]


# --- the sentences ----------------------------------------------------------------------------

def test_above_all_neighbours_and_england():
    v = made({CASELOAD: [22.1, 17.0, 18.0, 19.5, 16.2]}, authority="Durham")
    assert nv.differences(v) == ["Durham's average caseload of 22.1 (30 September 2024) is "
                                 "higher than all 3 neighbours' and England's 16.2."]


def test_below_all_neighbours_but_above_england():
    v = made({VACANCY: [10.0, 12.0, 15.0, 11.0, 8.0]})
    (s,) = nv.differences(v)
    assert "lower than all 3 neighbours' but higher than England's 8.0%" in s


def test_away_from_england_only_gives_the_neighbours_range():
    v = made({REREF: [30.0, 25.0, 33.0, 29.0, 24.9]})
    (s,) = nv.differences(v)
    assert s == ("Ours's re-referral rate of 30.0% (year to 31 March 2024) is higher than "
                 "England's 24.9% (its 3 neighbours: 25.0% to 33.0%).")


def test_nothing_notable_says_nothing():
    v = made({REREF: [25.0, 24.0, 26.0, 25.5, 24.9]})
    assert nv.differences(v) == []
    assert "stands out" in nv.view_section(v)


def test_one_neighbour_is_named_and_is_not_a_group():
    v = made({REREF: [30.0, 20.0, 24.9], VACANCY: [9.0, 7.0, 8.5]}, neighbours=("Ash",))
    assert nv.differences(v) == ["Ours's re-referral rate of 30.0% (year to 31 March 2024) is "
                                 "higher than England's 24.9% (Ash: 20.0%)."]


def test_only_figures_of_the_same_year_are_compared():
    v = made({CASELOAD: [22.0, 17.0, 18.0, 19.0, 21.0]},
             years={(CASELOAD, "A"): 2023, (CASELOAD, "England"): 2023})
    (s,) = nv.differences(v)
    assert "all 2 neighbours'" in s and "England" not in s


def test_a_missing_figure_is_skipped_and_said_in_the_alt_text():
    v = made({CASELOAD: [math.nan, 17.0, 18.0, 19.0, 21.0], VACANCY: [20.0, 12.0, 15.0, 11.0, 8.0]})
    said = nv.differences(v)
    assert len(said) == 1 and "vacancy rate" in said[0]
    alt = nv.alt_neighbours(v)
    missing = alt.split("Not given for Ours: ")[1]
    assert CASELOAD in missing and VACANCY not in missing
    assert "highest of the group on 1 measure: Vacancies" in alt


# --- the chart, the table and the section -----------------------------------------------------

def test_chart_has_a_panel_per_measure_with_england_and_the_authority(view):
    fig = nv.plot_neighbours(view)
    try:
        panels = [ax for ax in fig.axes if ax.get_visible()]
        assert len(panels) == len(nv.compared_measures())
        for ax in panels:
            assert any(line.get_label() == "England" for line in ax.get_lines())
        ax = fig.axes[0]
        rows = dict(zip(ax.get_yticks(), (t.get_text() for t in ax.get_yticklabels())))
        assert rows[max(rows)] == "County Durham" and set(rows.values()) == {"County Durham", *NE}
        assert "Invented figures" in fig.get_supxlabel()
    finally:
        plt.close(fig)


def test_table_is_accessible_and_escaped():
    v = made({REREF: [30.0, 25.0, 33.0, 29.0, 24.9]}, authority='<script>"x"</script>',
             neighbours=("A & B", "C", "D"))
    page = nv.table_html(v)
    assert "<script>" not in page and "&lt;script&gt;" in page and "A &amp; B" in page
    assert page.count("<caption") == 1
    assert page.count('scope="col"') == 6 and page.count('scope="row"') == 1
    section = nv.view_section(v)
    assert "<script>" not in section


def test_section_has_heading_sentences_table_and_chart_with_alt(view):
    page = nv.neighbours_section("Durham", NE, level=3, anchor="ne")
    assert page.startswith("<section>") and page.endswith("</section>")
    assert '<h3 id="ne">County Durham against its neighbours and England</h3>' in page
    assert page.count("<li>") == len(nv.differences(view)) > 0
    assert "<table" in page and "<caption" in page
    img = re.search(r'<img src="data:image/png;base64,[A-Za-z0-9+/=]+" alt="([^"]+)"', page)
    assert img and img.group(1).startswith("Dot plot in 11 panels")
    assert "invented" in page          # the example files say so
