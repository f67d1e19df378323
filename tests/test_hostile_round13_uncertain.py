"""Audit round 13: inputs given as ranges (``uncertain:``), end to end: what run, compare and
sensitivity do and say with them."""

from __future__ import annotations

import pytest

from workbench.scenario.catalog import PACKAGE_ROOT
from workbench.scenario.errors import ScenarioError
from workbench.scenario.load import load_scenario

BASE = PACKAGE_ROOT / "scenarios" / "baseline.yaml"


def _write(tmp_path, name: str, body: str):
    f = tmp_path / name
    f.write_text(body, encoding="utf-8")
    return f


@pytest.mark.parametrize("line, parent, total, others, given", [
    ("workforce.leaver_destinations_pct.agency: {dist: uniform, low: 10, high: 20}",
     "workforce.leaver_destinations_pct", "100", "another_council, out_of_sector", "17"),
    ("stages.s47.next.icpc: {dist: uniform, low: 0.3, high: 0.4}",
     "stages.s47.next", "1", "cin, close, lac", "0.35"),
])
def test_a_share_that_must_sum_with_others_is_told_it_cannot_be_a_range(
        tmp_path, line, parent, total, others, given):
    """A range on one leaver destination (or one next: outcome) was told to 'narrow it to the
    input's range', which no narrowing can do: any value but the one given breaks the sum."""
    f = _write(tmp_path, "share.yaml", f"base: {BASE}\nname: S\nuncertain:\n  {line}\n")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(f)
    said = str(caught.value)
    path = line.split(":")[0]
    assert (f"uncertain.{path}: is one of the shares in {parent}, which must sum to {total} "
            f"with {others}; drawn on its own, any value but the {given} given breaks that "
            f"sum, so a share cannot be given a range; take it out of the uncertain: block") \
        in said, said
    assert "narrow it" not in said
