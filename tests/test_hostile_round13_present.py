"""Round 13 of the pages' audit: do the words, the tables, the charts and the files agree, and
does the page say which settings its figures are for?

E1. The explorer (and the app) said "(The results below are for earlier settings: press Run.)"
when a lever or the starting scenario moved, but not when the manager moved Years to simulate,
Runs of each scenario or the Random seed: the page went on showing last run's figures under the
new settings with nothing to say they were for other ones. It says so now, and stops saying it
when the boxes are put back.
"""

from __future__ import annotations

import pytest

from workbench.present.explorer import Explorer

STALE = "(The results below are for earlier settings: press Run.)"


@pytest.fixture(scope="module")
def explorer():
    e = Explorer(executor="serial", replications=2, years=0.05, seed=1)
    e.run()
    yield e
    e.close()


# ------------------------------------------------------------------------------ E1
@pytest.mark.parametrize("box, other", [("years", 1.0), ("seed", 5), ("replications", 3)])
def test_moving_a_run_setting_after_a_run_says_the_results_are_for_earlier_settings(
        explorer, box, other):
    assert STALE not in explorer.changes_note.value
    widget = getattr(explorer, box)
    before = widget.value
    widget.value = other
    try:
        assert STALE in explorer.changes_note.value
    finally:
        widget.value = before
    assert STALE not in explorer.changes_note.value
