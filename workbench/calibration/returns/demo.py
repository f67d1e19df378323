"""A folder of synthetic statutory returns for trying calibration: no real data, no model.

    from workbench.calibration.returns.demo import write_demo_returns
    write_demo_returns("returns/")         # three years of all four returns, a small authority

The cases come from :mod:`.independent` (a simple process with known parameters, not the model),
sized to a small authority, with staff in every team of the template in proportion to its
referrals, and assessments that take up to a little over the 45 working days, so that about one in
seven is late (a service that is not always on time, as most are). :func:`.write.write_returns`
then writes the four returns with the irregularities of real ones. The same function made the
bundled ``data/returns/`` (see its README).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ...scenario import Scenario, load_scenario
from ...scenario.catalog import PACKAGE_ROOT
from .independent import Truth, generate
from .write import Irregularities, write_returns

#: the data window of the demo returns: three collection years (April to March)
WINDOW = (dt.date(2020, 4, 1), dt.date(2023, 3, 31))
#: referrals begin a year earlier, so that cases are open when the returns begin
HISTORY_START = dt.date(2019, 4, 1)
#: working days an assessment takes, uniform (about 85% within 45 working days of referral)
ASSESSMENT_WD = (5.0, 52.0)


def demo_truth(referrals_per_year: float = 500.0, template: Scenario | None = None) -> Truth:
    """The independent process's parameters for an authority of this size: the template's staff
    per team scaled by its referrals (at least one worker a team)."""
    template = template or load_scenario(PACKAGE_ROOT / "scenarios" / "baseline.yaml")
    scale = referrals_per_year / template.demand.referrals_per_year
    staff = {name: max(1, round(sum(g.count for g in team.staff) * scale))
             for name, team in template.teams.items()}
    return Truth(referrals_per_year=referrals_per_year, assessment_wd=ASSESSMENT_WD, staff=staff)


def write_demo_returns(folder: str | Path, referrals_per_year: float = 500.0, seed: int = 1,
                       template: Scenario | None = None) -> list[Path]:
    """Write three years of synthetic returns (CIN census XML, SSDA903 header and episodes,
    Annex A workbook, workforce census) for a fictional small authority.

    Parameters
    ----------
    folder : str or Path
        Created if missing; the files are written into it.
    referrals_per_year : float
        The authority's size (500 is a small authority; England's average is about 4,000).
    seed : int
        Seed of the process and of the irregularities.
    template : Scenario, optional
        Whose team names the workforce census uses (default: the bundled baseline).

    Returns
    -------
    list of Path
        The files written.
    """
    truth = demo_truth(referrals_per_year, template)
    cases, workforce = generate(HISTORY_START, WINDOW[1], truth, seed=seed)
    return write_returns(folder, cases, workforce, *WINDOW, seed=seed,
                         irregular=Irregularities(duplicate=0.02, late=0.02, missing=0.02))
