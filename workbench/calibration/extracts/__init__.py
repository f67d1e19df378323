"""The two extracts a council brings to calibration, their layouts, and their validation.

Two CSV files (layouts documented in ``docs/calibration.md``, generated from :data:`CASE_COLUMNS`
and :data:`WORKFORCE_COLUMNS` below, which are the single source of truth):

``cases.csv``
    One row per child per referral (a children in need episode), with the dates of what happened
    to the child in that episode: the children in need census fields (``CINreferralDate``,
    ``ReferralNFA``, ``AssessmentActualStartDate``, ``AssessmentAuthorisationDate``,
    ``S47ActualStartDate``, ``DateOfInitialCPC``, ``CINPlanStartDate``, ``CPPstartDate``...), the
    start and end of a period of care (SSDA903 ``DECOM`` / ``DEC``), and the allocated team and
    worker of the Ofsted Annex A lists. A second CIN plan, CP plan, s47 enquiry or period of care
    in the same episode goes on a continuation row that repeats ``LAchildID`` and
    ``CINreferralDate`` (the census's repeating modules, flattened).

``workforce.csv``
    One row per social worker in post at any time in the window, after the social work
    workforce census (``AgencyWorker``, ``FTE``, ``OrgRole``, ``RoleStartDate``, ``RoleEndDate``,
    ``ReasonLeave``, ``Cases30``, ``WorkingDaysLost``).

Validation lists every problem at once, each with its file, row and column, and loads nothing
unless the files are clean: :func:`read_extracts` either returns both extracts or raises one
:class:`ExtractError`. Row numbers are spreadsheet rows (the header is row 1).

Child identifiers never leave this module: they are replaced by integer codes as the extract is
read, and no message quotes one (messages name rows, never identifiers).
"""

from .cases import CaseData, validate_cases_frame
from .cells import ExtractError, Problem, day_number, to_date
from .layouts import (CASE_COLUMNS, CASE_HOLDER_ROLE, STAGE_COLUMNS, WORKFORCE_COLUMNS, Column,
                      layout_markdown)
from .read import read_cases, read_extracts, read_workforce
from .workforce import Roster, validate_workforce_frame

__all__ = [
    "CASE_COLUMNS", "CASE_HOLDER_ROLE", "STAGE_COLUMNS", "WORKFORCE_COLUMNS", "CaseData", "Column",
    "ExtractError", "Problem", "Roster", "day_number", "layout_markdown", "read_cases",
    "read_extracts", "read_workforce", "to_date", "validate_cases_frame",
    "validate_workforce_frame",
]
