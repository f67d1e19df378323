"""Wide tables print in parts (tables.table_html): the parts are built from the table's own
data, hidden everywhere but the printed report, each fits the A4 column by the estimate, and
together they hold every column once with the row headings repeated."""

from __future__ import annotations

import re

import pandas as pd

from workbench.present.bidi import FSI, PDI, unbreakable_length
from workbench.present.report_page import REPORT_STYLE
from workbench.present.tables import PRINT_WIDTH_PX, print_groups, scroll_table, table_html


def _wide(n: int = 13) -> pd.DataFrame:
    cols = ["Measure"] + [f"Option number {k}" for k in range(1, n + 1)]
    rows = [["Assessments finished within 45 working days"] + [f"{80 + k / 10:.1f}%"
                                                               for k in range(n)],
            ["Cost a year <script>alert(1)</script>"] + [f"£{k}.0m" for k in range(n)]]
    return pd.DataFrame(rows, columns=cols)


def test_a_table_that_fits_is_left_whole():
    df = pd.DataFrame([["Cost a year", "£1", "£2"]], columns=["Measure", "Baseline", "Option"])
    block = table_html(df, "Small")
    assert print_groups(df) == [[1, 2]]
    assert "wb-print-parts" not in block and "wb-wide" not in block
    assert block.startswith('<div class="wb-scroll" role="region"') and block.count("<table") == 1


def test_a_wide_table_carries_hidden_parts_that_each_fit_and_hold_every_column_once():
    df = _wide()
    groups = print_groups(df)
    assert len(groups) >= 2
    assert sorted(c for g in groups for c in g) == list(range(1, len(df.columns)))
    sizes = [len(g) for g in groups]
    assert max(sizes) - min(sizes) <= 1  # shared out evenly
    block = table_html(df, "All the measures")
    screen, _, parts = block.partition('<div class="wb-print-parts" style="display:none">')
    assert 'class="wb-scroll wb-wide"' in screen and screen.count("<table") == 1
    tables = re.findall(r"<table.*?</table>", parts, re.S)
    assert len(tables) == len(groups)
    for k, (table, cols) in enumerate(zip(tables, groups), 1):
        assert f"All the measures (part {k} of {len(groups)})</caption>" in table
        heads = re.findall(r'<th scope="col"[^>]*>(.*?)</th>', table)  # (rows have headers too)
        assert heads == ["Measure"] + [f"Option number {c}" for c in cols]
        # the estimate of each part's narrowest width fits the A4 column
        width = sum(max(unbreakable_length(h) * 0.62 * 12.3,
                        *(unbreakable_length(v) * 0.56 * 12.3 for v in df.iloc[:, c])) + 21
                    for c, h in zip([0, *cols], heads))
        assert width <= PRINT_WIDTH_PX
        assert "&lt;script&gt;" in table and "<script>" not in table  # escaped in parts too
    untitled = table_html(df)
    assert "<caption>Part 1 of" in untitled and f"Part {len(groups)} of {len(groups)}" in untitled


def test_the_parts_show_only_in_print_of_the_report():
    """Hidden by their own style (a notebook or the explorer has no report style); the report's
    print style overrides it and hides the whole table instead."""
    screen = REPORT_STYLE.split("@media print")[0]
    printed = REPORT_STYLE.split("@media print")[1]
    assert "wb-print-parts" not in screen
    assert ".wb-print-parts { display: block !important; }" in printed
    assert ".wb-wide { display: none !important; }" in printed


def test_the_unbreakable_piece_follows_the_wrap_rule():
    assert unbreakable_length("Cost a year") == 4
    assert unbreakable_length("x" * 24) == 24  # 24 characters never break
    assert unbreakable_length("y" * 25) == 16  # longer ones break every 16
    assert unbreakable_length(f"{FSI}Plan{PDI} B") == 4  # directional controls take no room
    assert unbreakable_length("") == 0


def test_a_long_name_gives_a_narrower_estimate_than_its_length():
    df = pd.DataFrame([["Cost", "£1", "£2"]],
                      columns=["Measure", "Baseline", "A" * 170])
    assert print_groups(df) == [[1, 2]]  # 170 characters break into pieces of 16
    assert scroll_table("<table></table>", "x").count("wb-wide") == 0
