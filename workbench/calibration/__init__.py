"""Calibration: from a council's own extracts to a fitted scenario, with a back-test.

    from workbench.calibration import read_extracts, calibrate, backtest
    cases, roster = read_extracts("cases.csv", "workforce.csv")
    cal = calibrate(cases, roster, template)          # fitted scenario + fit table
    bt = backtest(cal, cases, roster, reps=5)          # simulated vs observed, with verdicts

Modules, in the order data flows through them: ``extracts`` (layouts, reading, validation),
``observe`` (journeys, open cases, time in post), ``estimators`` (the statistics),
``staff_roster`` (the roster's social workers, in the template's teams), ``derive`` and
``derive_workforce`` (estimates -> scenario fields), ``plausibility`` (notes on an extract
that is well formed but likely wrong: a sample, another authority's roster, test records),
``fit`` (:func:`calibrate`),
``yaml_out`` (the commented scenario file), ``backtesting`` (:func:`backtest`; its measures in
``backtest_measures``), ``charts``, and ``synthetic`` (extracts for a fictional authority).

The names below load their module on first use (PEP 562), so that reading and checking an
extract does not wait for the statistics, the model and the charts: a refused ``workbench
calibrate`` answers in about a second. No name here is also the name of a submodule (the
back-test's module is ``backtesting``, not ``backtest``), so importing a submodule never
replaces a name of this package.

Only aggregates leave this package: child identifiers are dropped as the extracts are read.
See docs/calibration.md for the extract layouts and the methods.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_names

#: public name -> the submodule that defines it
_HOMES = {
    "BacktestResult": "backtesting", "backtest": "backtesting",
    "plot_backtest": "charts", "plot_referrals": "charts",
    **{name: "estimators" for name in (
        "DemandFit", "LognormalFit", "bootstrap_interval", "fit_lognormal", "fit_referrals",
        "poisson_rate", "wilson")},
    **{name: "extracts" for name in (
        "CASE_COLUMNS", "WORKFORCE_COLUMNS", "CaseData", "ExtractError", "Problem", "Roster",
        "layout_markdown", "read_cases", "read_extracts", "read_workforce",
        "validate_cases_frame", "validate_workforce_frame")},
    "Calibration": "fit", "calibrate": "fit", "default_window": "fit",
    "open_cases_at": "observe", "stage_sequence": "observe",
    "fictional_scenario": "synthetic", "generate_extracts": "synthetic",
    "write_sample": "synthetic",
    "scenario_yaml": "yaml_out",
}

__all__ = sorted(_HOMES)
__getattr__, __dir__ = lazy_names(__name__, globals(), _HOMES)


if TYPE_CHECKING:
    from .backtesting import BacktestResult, backtest
    from .charts import plot_backtest, plot_referrals
    from .estimators import (DemandFit, LognormalFit, bootstrap_interval, fit_lognormal,
                             fit_referrals, poisson_rate, wilson)
    from .extracts import (CASE_COLUMNS, WORKFORCE_COLUMNS, CaseData, ExtractError, Problem,
                           Roster, layout_markdown, read_cases, read_extracts, read_workforce,
                           validate_cases_frame, validate_workforce_frame)
    from .fit import Calibration, calibrate, default_window
    from .observe import open_cases_at, stage_sequence
    from .synthetic import fictional_scenario, generate_extracts, write_sample
    from .yaml_out import scenario_yaml
