"""The two extract layouts, column by column: the single source of truth for validation, the
synthetic generator and the documentation (``docs/calibration.md`` lists the same columns)."""

from __future__ import annotations

from dataclasses import dataclass

from ...scenario import WORKER_TYPES


@dataclass(frozen=True)
class Column:
    """One column of an extract layout.

    ``required``: the column must be present; ``values``: every row must give a value ("all"),
    or only some rows ("some"). ``kind``: id, text, date, flag (yes/no), int, number, code.
    ``low``/``high``: the bounds of a number; ``least`` and ``most``: a smallest and a largest
    sensible value within them and the reason for each (checked once the value is within its
    bounds).
    """

    name: str
    kind: str
    required: bool
    meaning: str
    standard: str
    values: str = "some"
    codes: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    low: float | None = None
    high: float | None = None
    low_inclusive: bool = True
    least: tuple[float, str] | None = None
    #: a largest sensible value within the bounds, and the reason for it (like ``least``)
    most: tuple[float, str] | None = None

    @property
    def type_label(self) -> str:
        return {"id": "text (identifier)", "text": "text", "date": "date (YYYY-MM-DD or DD/MM/YYYY)",
                "flag": "flag (1/0, Y/N, true/false)", "int": "whole number",
                "number": "number", "code": "code"}[self.kind]


CLOSURE_REASONS = ("RC1", "RC2", "RC3", "RC4", "RC5", "RC6", "RC7", "RC8", "RC9")
LEAVE_REASONS = ("RES", "RET", "DIS", "RED", "END", "CON", "TRN", "OTH", "UNK")
ORG_ROLES = ("1", "2", "3", "4", "5", "6")
CASE_HOLDER_ROLE = 5  # domain.md: OrgRole 5 = case holder

CASE_COLUMNS: tuple[Column, ...] = (
    Column("LAchildID", "id", True, "The child's identifier in the council's system. Never "
           "copied into any output.", "CIN census LAchildID; Annex A child ID", values="all",
           aliases=("ChildID", "child_id", "CHILD")),
    Column("CINreferralDate", "date", True, "Date of the referral that opened this episode. "
           "With LAchildID it identifies the episode.", "CIN census CINreferralDate; Annex A "
           "list 3 date of referral", values="all", aliases=("ReferralDate",)),
    Column("ReferralNFA", "flag", True, "1 if the referral was closed with no further action at "
           "the front door (no assessment). Give it on at least one row of the episode.",
           "CIN census ReferralNFA; Annex A list 3 NFA flag"),
    Column("AssessmentActualStartDate", "date", False, "Start of the single assessment.",
           "CIN census AssessmentActualStartDate; Annex A list 4"),
    Column("AssessmentAuthorisationDate", "date", False, "Date the assessment was completed "
           "(authorised). Blank while the assessment is open.",
           "CIN census AssessmentAuthorisationDate; Annex A list 4"),
    Column("S47ActualStartDate", "date", False, "Start of the section 47 enquiry (strategy "
           "discussion).", "CIN census S47ActualStartDate; Annex A list 5"),
    Column("S47EndDate", "date", False, "Date the s47 enquiry's outcome was decided. Optional: "
           "when missing, the enquiry is taken to end when the next step starts.",
           "local field (no census equivalent)"),
    Column("DateOfInitialCPC", "date", False, "Date of the initial child protection conference.",
           "CIN census DateOfInitialCPC; Annex A list 5"),
    Column("CINPlanStartDate", "date", False, "Start of a child in need plan.",
           "CIN census CINPlanStartDate; Annex A list 6"),
    Column("CINPlanEndDate", "date", False, "End of the child in need plan. Blank while open.",
           "CIN census CINPlanEndDate; Annex A list 6"),
    Column("CINPlanDisability", "flag", False, "1 if the CIN plan on this row is held by a "
           "disability team (the model's cin_disability stage). Blank means 0.",
           "local field (the census records Disabilities codes, not the team)"),
    Column("CPPstartDate", "date", False, "Start of a child protection plan.",
           "CIN census CPPstartDate; Annex A list 7"),
    Column("CPPendDate", "date", False, "End of the child protection plan. Blank while open.",
           "CIN census CPPendDate; Annex A list 7"),
    Column("CourtStartDate", "date", False, "Start of pre-proceedings (PLO letter before "
           "proceedings) or, without them, of care proceedings.",
           "local field (Annex A list 8 records legal status only)"),
    Column("CourtEndDate", "date", False, "End of pre-proceedings and proceedings. Blank while "
           "open.", "local field"),
    Column("PeriodOfCareStartDate", "date", False, "Start of a period of care (the DECOM of its "
           "first SSDA903 episode; do not split a period of care at placement changes).",
           "SSDA903 DECOM; Annex A list 8 date started to be looked after",
           aliases=("DECOM",)),
    Column("PeriodOfCareEndDate", "date", False, "End of the period of care (the DEC of its last "
           "episode). Blank while looked after.", "SSDA903 DEC; Annex A list 8 date ceased",
           aliases=("DEC",)),
    Column("CareLeaverStartDate", "date", False, "Start of support from the young people's "
           "(leaving care) service.", "local field"),
    Column("CareLeaverEndDate", "date", False, "End of leaving-care support. Blank while open.",
           "local field"),
    Column("CINclosureDate", "date", False, "Date the episode closed. Blank while open.",
           "CIN census CINclosureDate; Annex A list 6 closure date"),
    Column("ReasonForClosure", "code", False, "Why the episode closed (RC1-RC9 as in the CIN "
           "census; e.g. RC8 closed after assessment, no further action).",
           "CIN census ReasonForClosure", codes=CLOSURE_REASONS),
    Column("Team", "text", False, "Team holding the case at closure or at the extract date "
           "(ideally the scenario's team names).", "Annex A allocated team"),
    Column("AllocatedWorker", "id", False, "Worker holding the case at closure or at the "
           "extract date (the roster's WorkerID); blank if unallocated.",
           "Annex A allocated worker"),
)

WORKFORCE_COLUMNS: tuple[Column, ...] = (
    Column("WorkerID", "id", True, "The worker's identifier. A worker with roles one after "
           "another (she left and came back; an agency worker took a permanent post) has a row "
           "for each with the same identifier; one worker's rows may not overlap in time.",
           "workforce census SWENo (Social Work England number) or staff ID", values="all",
           aliases=("SWENo", "StaffID")),
    Column("AgencyWorker", "flag", True, "1 for an agency worker, 0 for an employee.",
           "workforce census AgencyWorker", values="all"),
    Column("FTE", "number", True, "Full-time equivalent (at least 0.01, at most 1).",
           "workforce census FTE (FTE30)", values="all", low=0.0, high=1.0,
           low_inclusive=False, aliases=("FTE30",),
           # an FTE of 1e-300 passes 'above 0' and then breaks the fit's averages
           least=(0.01, "a worker's FTE: under half an hour a week is not a post")),
    Column("OrgRole", "code", True, "Organisational role, 1-6 as in the census; 5 = case "
           "holder. Caseload figures use case holders only.", "workforce census OrgRole",
           values="all", codes=ORG_ROLES),
    Column("RoleStartDate", "date", True, "First day in this role.",
           "workforce census RoleStartDate", values="all"),
    Column("RoleEndDate", "date", False, "Leaving date. Blank while in post.",
           "workforce census RoleEndDate"),
    Column("ReasonLeave", "code", False, "Why the worker left: RES resigned, RET retired, DIS "
           "dismissed, RED redundancy, END end of agency assignment or contract, CON agency worker "
           "took a permanent post here (she starts a new row), TRN moved to a "
           "non-social-work role in the council, OTH other, UNK not known. Recode the census "
           "ReasonLeave values to these.", "workforce census ReasonLeave (recoded)",
           codes=LEAVE_REASONS),
    Column("Cases30", "int", False, "Cases held at the census date (the extract date; at most 1000).",
           "workforce census Cases30", low=0, high=1000),
    Column("WorkingDaysLost", "number", False, "Working days lost to sickness absence in the "
           "12 months to the census date (at most 262, the weekdays in 12 months).",
           "workforce census WorkingDaysLost", low=0,
           # one bound, said one way for any value above it (a huge one was 'at most 366', 300
           # 'at most 262'). 300 'working days' lost is calendar days (or a typing slip): read as
           # they are, one such worker moved the fitted absence from 3% to 12%
           most=(262, "12 months hold at most 262 working days, Monday to Friday: are these "
                      "calendar days?")),
    Column("Team", "text", False, "Team (ideally the scenario's team names): needed for staff "
           "in post by team and for the gap between a leaver and the next starter.",
           "local field"),
    Column("WorkerType", "code", False, "How the worker started in this role, in the model's "
           "types: experienced, nqsw (newly qualified, in the ASYE year), academy (academy "
           "trainee) or agency. NQSWs and trainees are taken to become experienced after their "
           "first year. When missing: agency if AgencyWorker is 1, else experienced.",
           "local field (the census has no NQSW/academy flag)", codes=WORKER_TYPES),
)

# stage instances: (stage, start column, end column); icpc is a point event (its date ends it)
STAGE_COLUMNS = (
    ("assessment", "AssessmentActualStartDate", "AssessmentAuthorisationDate"),
    ("s47", "S47ActualStartDate", "S47EndDate"),
    ("icpc", None, "DateOfInitialCPC"),
    ("cin", "CINPlanStartDate", "CINPlanEndDate"),
    ("cp", "CPPstartDate", "CPPendDate"),
    ("court", "CourtStartDate", "CourtEndDate"),
    ("lac", "PeriodOfCareStartDate", "PeriodOfCareEndDate"),
    ("care_leaver", "CareLeaverStartDate", "CareLeaverEndDate"),
)
PLAN_STAGE_COLUMNS = {"cin", "cp", "court", "lac", "care_leaver"}
EPISODE_FIELDS = ("ReferralNFA", "CINclosureDate", "ReasonForClosure", "Team", "AllocatedWorker")


_IN_WORDS = ("a case extract's columns (LAchildID, CINreferralDate, ReferralNFA)",
             "a workforce roster's columns (WorkerID, AgencyWorker, FTE, OrgRole, RoleStartDate)")


def other_layout(names: set[str], layout: tuple[Column, ...], norm) -> str:
    """What a file whose headers are ``names`` (each as ``norm`` makes it) holds, when it has
    every required column of the other layout than ``layout`` (the roster given as the cases,
    say), as a message; "" when it has not."""
    other = WORKFORCE_COLUMNS if layout is CASE_COLUMNS else CASE_COLUMNS
    for col in other:
        if col.required and not names & {norm(n) for n in (col.name,) + col.aliases}:
            return ""
    mine, theirs = _IN_WORDS if other is CASE_COLUMNS else _IN_WORDS[::-1]
    return (f"holds {mine}, not {theirs}: were the two files given the other way round, or one "
            "file for both? Give the case extract as the cases and the workforce roster as the "
            "workforce")


def layout_markdown(layout: tuple[Column, ...]) -> str:
    """The layout as a Markdown table (column, type, required, meaning, standard field)."""
    lines = ["| column | type | required | meaning | mirrors |", "|---|---|---|---|---|"]
    for c in layout:
        req = "yes, every row" if c.values == "all" else ("yes (column)" if c.required else "no")
        typ = c.type_label
        if c.codes:
            typ += ": " + ", ".join(c.codes)
        alias = f" Also accepted as: {', '.join(c.aliases)}." if c.aliases else ""
        lines.append(f"| `{c.name}` | {typ} | {req} | {c.meaning}{alias} | {c.standard} |")
    return "\n".join(lines)
