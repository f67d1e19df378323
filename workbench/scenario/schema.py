"""The scenario schema: every block of a scenario file as a frozen pydantic model.

A scenario describes one authority under one policy. It is validated once, at the boundary, into
an immutable :class:`Scenario`; variants are derived by copying with changes
(:meth:`Scenario.replace`), never by mutating a shared object.

Units are carried in field names: ``_days`` calendar days, ``_wd`` working days, ``_hours`` hours
of a worker's time, ``_fte`` full-time equivalents, ``_pct`` percentages (0-100), ``_gbp`` pounds.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any, Literal

import yaml
from pydantic import Field, ValidationError, field_validator, model_validator

from .basics import Dist, OutcomeName, StageName, WorkerType, _check_per_type, _check_probabilities, _Model
from .derive import set_dotted
from .errors import ScenarioError
from .policies import Academy, Agency, Recruitment, Retention, Workforce


# --------------------------------------------------------------------------------------------
# Scenario blocks
# --------------------------------------------------------------------------------------------

class Calendar(_Model):
    """Working-day calendar. England's bank holidays come from the `holidays` package."""

    working_days: bool = True   # false: every day counts (used by analytic tests)
    country: str = "GB"
    subdivision: str = "ENG"


class Surge(_Model):
    """A step change in demand: referrals multiplied by ``multiplier`` from start_date to end_date."""

    start_date: dt.date
    end_date: dt.date | None = None
    multiplier: float = Field(gt=0, le=10)


class Demand(_Model):
    """Referral demand: a non-homogeneous Poisson process of families."""

    referrals_per_year: float = Field(gt=0, description="children referred a year, incl. re-referrals")
    trend_pct_per_year: float = Field(default=0.0, ge=-50, le=100)
    seasonality: tuple[float, ...] = Field(
        default=(1.0,) * 12, description="Jan..Dec multipliers; normalised to mean 1")
    surges: tuple[Surge, ...] = ()
    sibling_group_probs: tuple[float, ...] = Field(
        default=(1.0,), description="P(1 child), P(2 children), ... in a referred family")
    rereferral_pct: float = Field(
        default=0.0, ge=0, lt=100,
        description="share of referrals that are re-referrals within 12 months of a closure")

    @field_validator("seasonality")
    @classmethod
    def _season(cls, v):
        if len(v) != 12:
            raise ValueError(f"needs 12 monthly values, Jan..Dec (got {len(v)})")
        if any(x <= 0 for x in v):
            raise ValueError("monthly multipliers must be > 0")
        return v

    @field_validator("sibling_group_probs")
    @classmethod
    def _siblings(cls, v):
        if not v:
            raise ValueError("needs at least one probability")
        _check_probabilities({f"{i + 1} children": p for i, p in enumerate(v)}, "sibling group")
        return v


class Visits(_Model):
    """Statutory visits on a plan: one every ``interval_wd`` working days at most.

    The work for a visit (``hours``: visit, travel, recording) becomes due ``window_wd`` working
    days before the visit deadline; whether it is done in time depends on the worker's load.
    """

    interval_wd: int = Field(gt=0, le=260)
    window_wd: int = Field(gt=0, le=260)
    hours: Dist
    later_interval_wd: int | None = Field(
        default=None, gt=0, le=260,
        description="interval once the plan has lasted later_after_days (e.g. 3-monthly LAC visits after year 1)")
    later_after_days: float = Field(default=365.25, gt=0)

    @model_validator(mode="after")
    def _window(self):
        if self.window_wd > self.interval_wd:
            raise ValueError(
                f"window_wd ({self.window_wd}) cannot exceed interval_wd ({self.interval_wd})")
        if self.later_interval_wd is not None and self.window_wd > self.later_interval_wd:
            raise ValueError(
                f"window_wd ({self.window_wd}) cannot exceed later_interval_wd ({self.later_interval_wd})")
        return self


class Clock(_Model):
    """A statutory timescale on a task stage."""

    start: Literal["referral", "stage", "previous"] = "stage"  # previous: start of the stage before
    target_wd: int = Field(gt=0, le=520)


class Transfer(_Model):
    """Move the case to another team part-way through a stage (e.g. LAC -> permanence team)."""

    after_days: float = Field(gt=0)
    to_team: str


class Stage(_Model):
    """One stage of the child's journey, held by one team.

    A ``task`` stage ends when its work (``work_hours``) is done: its duration emerges from the
    worker's load. A ``plan`` stage lasts ``duration_days`` and needs statutory visits.
    """

    team: str
    kind: Literal["task", "plan"]
    work_hours: Dist | None = None
    clock: Clock | None = None
    duration_days: Dist | None = None
    visits: Visits | None = None
    ongoing_hours_per_week: float = Field(default=0.0, ge=0, le=40)
    cap_weight: float = Field(default=1.0, gt=0, le=10)
    priority: float = Field(default=1.0, gt=0, le=100)
    nqsw_allowed: bool = True
    transfer: Transfer | None = None
    next: dict[OutcomeName, float]

    @field_validator("next")
    @classmethod
    def _next(cls, v):
        if not v:
            raise ValueError("needs at least one outcome")
        return _check_probabilities(v, "outcome")

    @model_validator(mode="after")
    def _kind(self):
        if self.kind == "task":
            if self.work_hours is None:
                raise ValueError("a task stage needs work_hours")
            if self.duration_days is not None or self.visits is not None:
                raise ValueError("a task stage takes work_hours, not duration_days or visits")
        else:
            if self.duration_days is None:
                raise ValueError("a plan stage needs duration_days")
            if self.work_hours is not None or self.clock is not None:
                raise ValueError("a plan stage takes duration_days and visits, not work_hours or clock")
        return self


class StaffGroup(_Model):
    """Workers of one type in post at the start, e.g. ``{type: experienced, count: 20, fte: 1.0}``."""

    type: WorkerType
    count: int = Field(ge=0, le=10000)
    fte: float = Field(default=1.0, gt=0, le=1.0)
    months_qualified: float = Field(
        default=36.0, ge=0, le=600, description="post-qualifying experience at the start")


class Team(_Model):
    """A team: its funded posts (establishment) and the staff in post at the start."""

    establishment_fte: float = Field(ge=0)
    staff: tuple[StaffGroup, ...] = ()
    caps: dict[WorkerType, float] | None = Field(
        default=None, description="per-FTE caseload caps overriding caseload.caps for this team")
    case_holding: bool = True


class FrontDoor(_Model):
    """The front door (MASH / First Contact): decides on every referral."""

    team: str
    decision_hours: Dist
    nfa_pct: float = Field(ge=0, le=100, description="referrals closed with no further action")


class WorkingTime(_Model):
    hours_per_fte_week: float = Field(default=37.0, gt=0, le=60)
    case_time_pct: float = Field(
        default=70.0, gt=0, le=100,
        description="share of hours left for casework after supervision, training, admin")
    absence_pct: float = Field(default=3.2, ge=0, lt=100)
    min_task_time_pct: float = Field(
        default=10.0, gt=0, le=100,
        description="floor on time left for tasks and visits however much ongoing work a caseload brings")
    completion_step_hours: float = Field(
        default=1.0, ge=0, le=24,
        description="finished work is recorded at the end of the step (hours) it is finished in; "
                    "0 records the exact moment (slower: one event per piece of work)")


class Balancing(_Model):
    """Caseload balancing: managers move cases from overloaded workers to colleagues with room.

    Each week, in each team, a worker above ``trigger_pct`` of her cap gives cases (newest plan
    cases first, never a task in progress) to the colleague with most room under her cap, until
    she is back at ``target_pct`` or nobody has room. Each move is a change of social worker.
    """

    enabled: bool = False
    trigger_pct: float = Field(default=120, ge=100, le=400)
    target_pct: float = Field(default=105, ge=50, le=400)
    max_moves_per_week: int = Field(default=20, ge=0, le=10000, description="in each team")

    @model_validator(mode="after")
    def _order(self):
        if self.target_pct > self.trigger_pct:
            raise ValueError(f"target_pct ({self.target_pct}) cannot exceed trigger_pct ({self.trigger_pct})")
        return self


class Caseload(_Model):
    caps: dict[WorkerType, float] = Field(description="cases per FTE (the aim), by worker type")
    hard_limit_pct: float = Field(
        default=100.0, ge=100, le=400,
        description="when no worker has room, allocate above the cap up to this % of it")
    balancing: Balancing = Balancing()

    @field_validator("caps")
    @classmethod
    def _caps(cls, v):
        return _check_per_type(v, "a cap")


class Costs(_Model):
    """Weekly cost of one FTE, by worker type (salary and on-costs, or agency charge)."""

    gbp_per_fte_week: dict[WorkerType, float]

    @field_validator("gbp_per_fte_week")
    @classmethod
    def _costs(cls, v):
        return _check_per_type(v, "a weekly cost")


class InitialState(_Model):
    """The warm start: open cases by stage at the start date, and children waiting unallocated."""

    open_cases: dict[StageName, int]
    unallocated: dict[StageName, int] = {}

    @field_validator("open_cases", "unallocated")
    @classmethod
    def _nonneg(cls, v):
        for k, n in v.items():
            if n < 0:
                raise ValueError(f"count for {k} must be >= 0 (got {n})")
        return v


class Scenario(_Model):
    """One authority under one policy: validated and immutable."""

    name: str
    description: str = ""
    authority: str = "Illustrative authority"
    start_date: dt.date
    horizon_years: float = Field(gt=0, le=30)
    calendar: Calendar = Calendar()
    working_time: WorkingTime = WorkingTime()
    demand: Demand
    front_door: FrontDoor
    stages: dict[StageName, Stage]
    teams: dict[str, Team]
    caseload: Caseload
    costs: Costs
    initial: InitialState
    workforce: Workforce = Workforce()
    recruitment: Recruitment = Recruitment()
    academy: Academy = Academy()
    agency: Agency = Agency()
    retention: Retention = Retention()
    sources: dict[str, str] = Field(default={}, description="where each default came from")

    @model_validator(mode="after")
    def _references(self):
        problems = []
        for name, stage in self.stages.items():
            if stage.team not in self.teams:
                problems.append(
                    f"stages.{name}.team: '{stage.team}' is not a team (teams: {sorted(self.teams)})")
            elif not self.teams[stage.team].case_holding:
                problems.append(f"stages.{name}.team: '{stage.team}' does not hold cases")
            for out in stage.next:
                if out != "close" and out not in self.stages:
                    problems.append(f"stages.{name}.next: outcome '{out}' is not a stage defined here")
            if stage.transfer and stage.transfer.to_team not in self.teams:
                problems.append(f"stages.{name}.transfer.to_team: '{stage.transfer.to_team}' is not a team")
        if self.front_door.team not in self.teams:
            problems.append(f"front_door.team: '{self.front_door.team}' is not a team")
        if self.academy.intake_per_year and self.academy.team not in self.teams:
            problems.append(f"academy.team: '{self.academy.team}' is not a team")
        for i, c in enumerate(self.recruitment.campaigns):
            if c.team is not None and c.team not in self.teams:
                problems.append(f"recruitment.campaigns.{i}.team: '{c.team}' is not a team")
        if "assessment" not in self.stages:
            problems.append("stages: an 'assessment' stage is required (every accepted referral starts one)")
        for where, counts in (("initial.open_cases", self.initial.open_cases),
                              ("initial.unallocated", self.initial.unallocated)):
            for st in counts:
                if st not in self.stages:
                    problems.append(f"{where}.{st}: not a stage defined in this scenario")
        for st, n in self.initial.unallocated.items():
            if n > self.initial.open_cases.get(st, 0):
                problems.append(
                    f"initial.unallocated.{st}: {n} exceeds the {self.initial.open_cases.get(st, 0)} open cases")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    # ----------------------------------------------------------------------------------------
    @property
    def horizon_days(self) -> float:
        return self.horizon_years * 365.25

    def to_dict(self) -> dict[str, Any]:
        """Plain data (dates as ISO strings), suitable for YAML."""
        return self.model_dump(mode="json")

    def replace(self, changes: dict[str, Any] | None = None, **kwargs: Any) -> "Scenario":
        """A copy with changes at dotted paths, validated again.

        >>> s2 = s.replace({"demand.referrals_per_year": 7000, "name": "More demand"})
        """
        changes = dict(changes or {}, **kwargs)
        data = self.model_dump(mode="python")
        for path, value in changes.items():
            set_dotted(data, path, value)
        return validate_scenario(data, source="<derived scenario>")

    def digest(self) -> str:
        """A short hash of the scenario's content, for run details."""
        text = yaml.safe_dump(self.to_dict(), sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:12]


def _format_errors(err: ValidationError, source: str) -> str:
    lines = [f"{source}: {err.error_count()} problem(s) in the scenario:"]
    for e in err.errors(include_url=False):
        loc = ".".join(str(p) for p in e["loc"] if not str(p).startswith("function-after"))
        # drop discriminator tags such as 'lognormal' that pydantic inserts in union paths
        msg = e["msg"].removeprefix("Value error, ")
        typ = e["type"]
        if typ == "extra_forbidden":
            msg = "unknown field (check the spelling; unknown fields are not allowed)"
        elif typ == "missing":
            msg = "required field is missing"
        value = e.get("input")
        shown = ""
        if typ not in ("missing",) and not isinstance(value, (dict, list)):
            shown = f" (got {value!r})"
        lines.append(f"  - {loc or '(top level)'}: {msg}{shown}")
    return "\n".join(lines)


def validate_scenario(data: dict[str, Any], source: str = "<scenario>") -> Scenario:
    """Validate plain data into a Scenario, raising :class:`ScenarioError` with readable messages."""
    if not isinstance(data, dict):
        raise ScenarioError(f"{source}: expected a mapping of fields at the top level, got {type(data).__name__}")
    try:
        return Scenario.model_validate(data)
    except ValidationError as err:
        raise ScenarioError(_format_errors(err, source)) from None

