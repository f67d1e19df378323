"""Session 21 (H93's audit): the report's "Average caseload against the aim" chart draws the
measure its text gives, the cases held over the FTE holding them, not the weekly mean over
workers of each one's cases per FTE (higher where many work part time: 22.8 against 22.0 for a
team with 80 half-time workers)."""

from __future__ import annotations

import numpy as np


def test_the_average_caseload_chart_draws_cases_over_fte():
    import matplotlib.pyplot as plt

    from test_hostile_round14_present import experiment
    from workbench.present import plots
    from workbench.scenario import load_scenario
    from conftest import SCENARIOS

    exp = experiment({"Baseline": load_scenario(SCENARIOS / "baseline.yaml"),
                      "Plan B": load_scenario(SCENARIOS / "baseline.yaml")})
    ts = exp.timeseries.copy()
    ts["caseload_per_fte"] = ts["caseload_mean"] - 1.5     # the measure's definition, lower
    exp = type(exp)(**{**exp.__dict__, "timeseries": ts})
    fig = plots.plot_caseloads(exp, aim=20, spread=False)
    ax = fig.axes[0]
    line = [ln for ln in ax.get_lines() if ln.get_label() == "Baseline"][0]
    assert np.allclose(np.asarray(line.get_ydata(), float), 21.1 - 1.5)
    plt.close(fig)
