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
``yaml_out`` (the commented scenario file), ``backtest`` (its measures in
``backtest_measures``), ``charts``, and ``synthetic`` (extracts for a fictional authority).

Only aggregates leave this package: child identifiers are dropped as the extracts are read.
See docs/calibration.md for the extract layouts and the methods.
"""

from .backtest import BacktestResult, backtest
from .charts import plot_backtest, plot_referrals
from .estimators import (DemandFit, LognormalFit, bootstrap_interval, fit_lognormal, fit_referrals,
                         poisson_rate, wilson)
from .extracts import (CASE_COLUMNS, WORKFORCE_COLUMNS, CaseData, ExtractError, Problem, Roster,
                       layout_markdown, read_cases, read_extracts, read_workforce,
                       validate_cases_frame, validate_workforce_frame)
from .fit import Calibration, calibrate, default_window
from .observe import open_cases_at, stage_sequence
from .synthetic import fictional_scenario, generate_extracts, write_sample
from .yaml_out import scenario_yaml

__all__ = [
    "CASE_COLUMNS", "WORKFORCE_COLUMNS", "BacktestResult", "Calibration", "CaseData",
    "DemandFit", "ExtractError", "LognormalFit", "Problem", "Roster", "backtest",
    "bootstrap_interval", "calibrate", "default_window", "fictional_scenario", "fit_lognormal",
    "fit_referrals", "generate_extracts", "layout_markdown", "open_cases_at", "plot_backtest",
    "plot_referrals",
    "poisson_rate", "read_cases", "read_extracts", "read_workforce", "scenario_yaml",
    "stage_sequence", "validate_cases_frame", "validate_workforce_frame", "wilson",
    "write_sample",
]
