"""Calibration: from a council's own extracts to a fitted scenario, with a back-test.

    from workbench.calibration.extracts import read_extracts
    from workbench.calibration.fit import calibrate
    from workbench.calibration.backtest import backtest
    cases, roster = read_extracts("cases.csv", "workforce.csv")
    cal = calibrate(cases, roster, template)          # fitted scenario + fit table
    bt = backtest(cal, cases, roster, reps=5)          # simulated vs observed, with verdicts

Only aggregates leave this package: child identifiers are dropped as the extracts are read.
See docs/calibration.md for the extract layouts and the methods.
"""

from .extracts import (CASE_COLUMNS, WORKFORCE_COLUMNS, CaseData, ExtractError, Problem, Roster,
                       read_cases, read_extracts, read_workforce, validate_cases_frame,
                       validate_workforce_frame)

__all__ = [
    "CASE_COLUMNS", "WORKFORCE_COLUMNS", "CaseData", "ExtractError", "Problem", "Roster",
    "read_cases", "read_extracts", "read_workforce", "validate_cases_frame",
    "validate_workforce_frame",
]

