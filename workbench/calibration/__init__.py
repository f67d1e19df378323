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

import importlib
from typing import TYPE_CHECKING

#: Where each name lives: loaded when first asked for (PEP 562), so that reading and checking
#: extracts (and refusing them) does not wait for the statistics and the model to load.
_WHERE = {
    "BacktestResult": "backtest", "backtest": "backtest",
    "plot_backtest": "charts", "plot_referrals": "charts",
    "DemandFit": "estimators", "LognormalFit": "estimators", "bootstrap_interval": "estimators",
    "fit_lognormal": "estimators", "fit_referrals": "estimators", "poisson_rate": "estimators",
    "wilson": "estimators",
    "CASE_COLUMNS": "extracts", "WORKFORCE_COLUMNS": "extracts", "CaseData": "extracts",
    "ExtractError": "extracts", "Problem": "extracts", "Roster": "extracts",
    "layout_markdown": "extracts", "read_cases": "extracts", "read_extracts": "extracts",
    "read_workforce": "extracts", "validate_cases_frame": "extracts",
    "validate_workforce_frame": "extracts",
    "Calibration": "fit", "calibrate": "fit", "default_window": "fit",
    "open_cases_at": "observe", "stage_sequence": "observe",
    "fictional_scenario": "synthetic", "generate_extracts": "synthetic",
    "write_sample": "synthetic",
    "scenario_yaml": "yaml_out",
}


def __getattr__(name: str):
    if name in _WHERE:
        value = getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


if TYPE_CHECKING:  # for type checkers and editors: the names as plain imports
    from .backtest import BacktestResult, backtest  # noqa: F401
    from .charts import plot_backtest, plot_referrals  # noqa: F401
    from .estimators import (DemandFit, LognormalFit, bootstrap_interval,  # noqa: F401
                             fit_lognormal, fit_referrals, poisson_rate, wilson)
    from .extracts import (CASE_COLUMNS, WORKFORCE_COLUMNS, CaseData, ExtractError,  # noqa: F401
                           Problem, Roster, layout_markdown, read_cases, read_extracts,
                           read_workforce, validate_cases_frame, validate_workforce_frame)
    from .fit import Calibration, calibrate, default_window  # noqa: F401
    from .observe import open_cases_at, stage_sequence  # noqa: F401
    from .synthetic import fictional_scenario, generate_extracts, write_sample  # noqa: F401
    from .yaml_out import scenario_yaml  # noqa: F401

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
