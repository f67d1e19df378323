"""Scenario files: loading, inheritance, validation and derivation.

A scenario describes one authority under one policy. It is validated once, at the boundary, into
an immutable :class:`Scenario`; variants are derived by copying with changes
(:meth:`Scenario.replace`), never by mutating a shared object.

A variant file names a base file and states only what differs (blocks are merged key by key,
except an outcome distribution ``next:`` and a distribution spec ``{dist: ...}``, which a variant
states whole)::

    base: baseline.yaml
    name: Academy expansion
    academy:
      intake_per_year: 24

Units are carried in field names: ``_days`` calendar days, ``_wd`` working days, ``_hours`` hours
of a worker's time, ``_fte`` full-time equivalents, ``_pct`` percentages (0-100), ``_gbp`` pounds.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
from pathlib import Path
from typing import Annotated, Any, Literal, Union

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

# The stages a child can be in, in the order of the journey. The engine is generic over stages
# (the pathway is data), but the names are a fixed vocabulary so that KPIs, charts and reports can
# rely on them.
STAGES = (
    "assessment",      # single assessment (Children Act s17), 45 working days from referral
    "s47",             # strategy discussion and s47 enquiry
    "icpc",            # preparing and holding the initial child protection conference
    "cin",             # child in need plan
    "cin_disability",  # child in need held by a disability team
    "cp",              # child protection plan
    "court",           # pre-proceedings (PLO) and care proceedings
    "lac",             # looked after
    "care_leaver",     # young people's service, 16+ and care leavers
)
OUTCOMES = STAGES + ("close",)
WORKER_TYPES = ("experienced", "nqsw", "academy", "agency")
StageName = Literal[
    "assessment", "s47", "icpc", "cin", "cin_disability", "cp", "court", "lac", "care_leaver"
]
OutcomeName = Literal[
    "assessment", "s47", "icpc", "cin", "cin_disability", "cp", "court", "lac", "care_leaver",
    "close",
]
WorkerType = Literal["experienced", "nqsw", "academy", "agency"]


class ScenarioError(ValueError):
    """A scenario file or parameter is not valid. The message names file, field and expectation."""


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True)


# --------------------------------------------------------------------------------------------
# Distributions
# --------------------------------------------------------------------------------------------

class Fixed(_Model):
    """Always the same value."""

    dist: Literal["fixed"]
    value: float = Field(ge=0)

    @property
    def mean_value(self) -> float:
        return self.value


class Exponential(_Model):
    """Exponential with the given mean."""

    dist: Literal["exponential"]
    mean: float = Field(gt=0)

    @property
    def mean_value(self) -> float:
        return self.mean


class LogNormal(_Model):
    """Log-normal given by its mean and coefficient of variation (sd / mean)."""

    dist: Literal["lognormal"]
    mean: float = Field(gt=0)
    cv: float = Field(gt=0, le=10)

    @property
    def mean_value(self) -> float:
        return self.mean


class Gamma(_Model):
    """Gamma given by its mean and coefficient of variation."""

    dist: Literal["gamma"]
    mean: float = Field(gt=0)
    cv: float = Field(gt=0, le=10)

    @property
    def mean_value(self) -> float:
        return self.mean


class Uniform(_Model):
    dist: Literal["uniform"]
    low: float = Field(ge=0)
    high: float = Field(gt=0)

    @model_validator(mode="after")
    def _order(self):
        if self.high <= self.low:
            raise ValueError(f"high ({self.high}) must be greater than low ({self.low})")
        return self

    @property
    def mean_value(self) -> float:
        return (self.low + self.high) / 2


class Histogram(_Model):
    """Piecewise uniform: probability ``probs[i]`` of a value between ``edges[i]`` and ``edges[i+1]``.

    Used for published banded distributions, e.g. the length of child protection plans.
    """

    dist: Literal["histogram"]
    edges: tuple[float, ...]
    probs: tuple[float, ...]

    @model_validator(mode="after")
    def _shape(self):
        if len(self.edges) != len(self.probs) + 1:
            raise ValueError(
                f"needs one more edge than probabilities (got {len(self.edges)} edges, "
                f"{len(self.probs)} probs)")
        if any(b <= a for a, b in zip(self.edges, self.edges[1:])):
            raise ValueError(f"edges must increase strictly (got {list(self.edges)})")
        if self.edges[0] < 0:
            raise ValueError("edges must be >= 0")
        if any(p < 0 for p in self.probs):
            raise ValueError(f"probabilities must be >= 0 (got {list(self.probs)})")
        total = sum(self.probs)
        if abs(total - 1) > 1e-6:
            raise ValueError(f"probabilities must sum to 1 (they sum to {total:.6g})")
        return self

    @property
    def mean_value(self) -> float:
        return sum(p * (a + b) / 2 for p, a, b in zip(self.probs, self.edges, self.edges[1:]))


Dist = Annotated[
    Union[Fixed, Exponential, LogNormal, Gamma, Uniform, Histogram], Field(discriminator="dist")
]


def _check_probabilities(probs: dict[str, float], what: str) -> dict[str, float]:
    for key, p in probs.items():
        if p < 0 or p > 1:
            raise ValueError(f"{what} '{key}' must be between 0 and 1 (got {p})")
    total = sum(probs.values())
    if abs(total - 1) > 1e-6:
        raise ValueError(f"{what} probabilities must sum to 1 (they sum to {total:.6g})")
    return probs


def _check_per_type(v: dict, what: str, high: float | None = None) -> dict:
    """A value for every worker type, each from 0 (to below ``high``, if given)."""
    missing = [t for t in WORKER_TYPES if t not in v]
    if missing:
        raise ValueError(f"needs {what} for every worker type; missing {missing}")
    for k, x in v.items():
        if x < 0 or (high is not None and x >= high):
            limit = f" and below {high:g}" if high is not None else ""
            raise ValueError(f"{what} for {k} must be 0 or more{limit} (got {x})")
    return v


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


class LongTermAbsence(_Model):
    """Long-term absence (sickness, other leave): the worker holds no new cases and does no work."""

    starts_pct_per_year: float = Field(
        default=0.0, ge=0, le=100, description="share of workers starting a long-term absence a year")
    duration_weeks: Dist = {"dist": "lognormal", "mean": 10, "cv": 0.8}
    reallocate_after_weeks: float = Field(
        default=4, ge=0, le=104, description="her cases are reallocated once she has been away this long")


class Workforce(_Model):
    """How staff leave, progress and are absent."""

    turnover_pct_per_year: dict[WorkerType, float] = Field(
        default={"experienced": 0, "nqsw": 0, "academy": 0, "agency": 0},
        description="leavers a year as a % of staff in post, by worker type (at caseload = cap)")
    pressure_turnover_effect: float = Field(
        default=0.0, ge=0, le=20,
        description="leaving hazard x (1 + effect x share above cap): a worker at 130% of her cap "
                    "with effect 2 is 1.6 times as likely to leave")
    leaver_destinations_pct: dict[Literal["another_council", "agency", "out_of_sector"], float] = Field(
        default={"another_council": 26, "agency": 17, "out_of_sector": 57})
    asye_months: float = Field(default=12, ge=0, le=36, description="the assessed and supported year")
    second_year_cap_pct: float = Field(
        default=100, gt=0, le=100,
        description="cap of a worker in her second year after qualifying, % of the experienced cap")
    long_term_absence: LongTermAbsence = LongTermAbsence()

    @field_validator("turnover_pct_per_year")
    @classmethod
    def _turnover(cls, v):
        return _check_per_type(v, "a turnover", high=100)

    @field_validator("leaver_destinations_pct")
    @classmethod
    def _dest(cls, v):
        total = sum(v.values())
        if abs(total - 100) > 1e-6:
            raise ValueError(f"destinations must sum to 100 (they sum to {total:g})")
        return v


class Campaign(_Model):
    """A recruitment campaign (e.g. an international drive): extra hires over a period, at a cost."""

    name: str = "campaign"
    start_date: dt.date
    end_date: dt.date
    hires: int = Field(ge=0, le=1000, description="experienced staff it brings in over the period")
    cost_gbp: float = Field(default=0, ge=0)
    team: str | None = Field(default=None, description="team the hires join (default: most vacancies)")

    @model_validator(mode="after")
    def _dates(self):
        if self.end_date <= self.start_date:
            raise ValueError(f"end_date ({self.end_date}) must be after start_date ({self.start_date})")
        return self


class Recruitment(_Model):
    """Advertising vacancies: each round, each vacant post is filled with some probability."""

    enabled: bool = False
    round_interval_weeks: float = Field(default=6, gt=0, le=52)
    success_pct: float = Field(default=40, ge=0, le=100, description="chance a vacant post is filled in a round")
    experienced_share_pct: float = Field(
        default=30, ge=0, le=100, description="share of appointments who are experienced (the rest newly qualified)")
    time_to_hire_weeks: Dist = Field(
        default={"dist": "lognormal", "mean": 12, "cv": 0.4},
        description="from a successful round to the first day in post (notice, checks)")
    cost_per_hire_gbp: float = Field(default=0, ge=0)
    campaigns: tuple[Campaign, ...] = ()


class Academy(_Model):
    """A 'grow your own' social work academy: cohorts of newly qualified staff over establishment."""

    intake_per_year: int = Field(default=0, ge=0, le=500)
    start_month: int = Field(default=9, ge=1, le=12, description="month each cohort starts")
    first_intake_date: dt.date | None = Field(default=None, description="default: the first start_month after the start date")
    team: str = "families_first"
    months: float = Field(default=12, gt=0, le=36, description="time in the academy before graduating")
    caseload_start_pct: float = Field(
        default=30, ge=0, le=100, description="protected caseload at the start, % of the academy cap; ramps to 100% by graduation")
    no_vacancy: Literal["over_establishment", "leave"] = Field(
        default="over_establishment",
        description="a graduate with no vacancy to go to stays over establishment, or leaves")
    graduate_turnover_pct_per_year: float | None = Field(
        default=None, ge=0, lt=100, description="turnover in the two years after graduating (default: experienced rate)")
    cost_per_place_gbp: float = Field(default=0, ge=0, description="extra cost per trainee (training, supervision), on top of pay")


class Agency(_Model):
    """Agency cover for vacancies."""

    enabled: bool = False
    cover_share_pct: float = Field(default=80, ge=0, le=100, description="share of vacant FTE covered by agency staff")
    lead_time_weeks: Dist = Field(default={"dist": "lognormal", "mean": 3, "cv": 0.5})
    cap_fte: float | None = Field(default=None, ge=0, description="most agency FTE in post at once")
    cap_share_pct: float | None = Field(
        default=None, ge=0, le=100, description="most agency FTE as a % of all case-holding FTE (national definition)")
    tenure_weeks: Dist = Field(
        default={"dist": "lognormal", "mean": 40, "cv": 0.8},
        description="how long an agency worker stays in a post (shorter than permanent staff)")
    min_experience_years: float = Field(
        default=0, ge=0, le=40, description="post-qualifying experience required (3 years in England from April 2025)")
    experience_rule_date: dt.date | None = Field(
        default=None, description="from this date agency workers need min_experience_years")
    experience_rule_fill_pct: float = Field(
        default=100, ge=0, le=100, description="share of agency requests still filled once the rule applies")
    conversion_pct_per_year: float = Field(
        default=0, ge=0, le=100, description="agency workers taking a permanent post a year (into a vacancy)")


class Retention(_Model):
    """A payment or pay change that reduces turnover of eligible staff."""

    enabled: bool = False
    start_date: dt.date | None = None
    payment_gbp_per_year: float = Field(default=0, ge=0)
    eligible_min_years: float = Field(default=2, ge=0, le=40, description="post-qualifying experience to qualify")
    turnover_reduction_pct: float = Field(default=0, ge=0, le=100, description="relative reduction in eligible staff's turnover")


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
            _set_dotted(data, path, value)
        return validate_scenario(data, source="<derived scenario>")

    def digest(self) -> str:
        """A short hash of the scenario's content, for run details."""
        text = yaml.safe_dump(self.to_dict(), sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:12]


def _set_dotted(data: dict, path: str, value: Any) -> None:
    keys = path.split(".")
    node = data
    for i, key in enumerate(keys[:-1]):
        if not isinstance(node, dict) or key not in node:
            raise ScenarioError(
                f"<derived scenario>: cannot change '{path}': '{'.'.join(keys[:i + 1])}' is not a field")
        node = node[key]
        if isinstance(node, BaseModel):
            node = node.model_dump(mode="python")
    if not isinstance(node, dict):
        raise ScenarioError(f"<derived scenario>: cannot change '{path}': its parent is not a block")
    node[keys[-1]] = value


# --------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------

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


# Blocks a variant states whole rather than merging into its base: a probability distribution over
# outcomes must sum to 1 by itself, and a distribution spec (``dist: ...``) is one unit.
_WHOLE_BLOCKS = {"next"}


def _deep_merge(base: dict, override: dict) -> dict:
    out = copy.deepcopy(base)
    for key, value in override.items():
        if (isinstance(value, dict) and isinstance(out.get(key), dict)
                and key not in _WHOLE_BLOCKS and "dist" not in value):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _read_yaml(path: Path) -> dict[str, Any]:
    if not path.exists():
        raise ScenarioError(f"{path}: scenario file not found")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ScenarioError(f"{path}: not valid YAML{where}: {getattr(exc, 'problem', exc)}") from None
    if data is None:
        raise ScenarioError(f"{path}: the file is empty")
    if not isinstance(data, dict):
        raise ScenarioError(f"{path}: expected a mapping of fields at the top level, got {type(data).__name__}")
    return data


def load_raw(path: str | Path, _seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    """The merged plain data of a scenario file, following ``base:`` links."""
    path = Path(path).resolve()
    if path in _seen:
        raise ScenarioError(f"{path}: 'base' links form a loop ({' -> '.join(p.name for p in _seen + (path,))})")
    data = _read_yaml(path)
    base = data.pop("base", None)
    if base is None:
        return data
    if not isinstance(base, str):
        raise ScenarioError(f"{path}: base: expected a file name, got {base!r}")
    base_path = (path.parent / base)
    if not base_path.exists():
        raise ScenarioError(f"{path}: base: file '{base}' not found (looked in {path.parent})")
    return _deep_merge(load_raw(base_path, _seen + (path,)), data)


def load_scenario(path: str | Path) -> Scenario:
    """Load and validate a scenario file (following ``base:`` links)."""
    data = load_raw(path)
    return validate_scenario(data, source=str(path))


def load_scenarios(paths) -> dict[str, tuple[Scenario, Path]]:
    """Load several scenario files, keyed by scenario name, in the order given.

    Every problem (a missing file, a bad file, two files with the same name) is collected and
    reported together in one :class:`ScenarioError`.
    """
    scenarios: dict[str, tuple[Scenario, Path]] = {}
    problems = []
    for p in map(Path, paths):
        if not p.exists():
            problems.append(f"{p}: scenario file not found")
            continue
        try:
            sc = load_scenario(p)
        except ScenarioError as exc:
            problems.append(str(exc))
            continue
        if sc.name in scenarios:
            problems.append(f"{p}: the name '{sc.name}' is also used by "
                            f"{scenarios[sc.name][1].name}; scenario names must differ")
            continue
        scenarios[sc.name] = (sc, p)
    if problems:
        raise ScenarioError("\n".join(problems))
    return scenarios


def file_digest(path: str | Path) -> str:
    """SHA-256 (first 12 hex digits) of a scenario file and its base chain, for run details."""
    h = hashlib.sha256()
    p = Path(path).resolve()
    seen = set()
    while p and p not in seen and p.exists():
        seen.add(p)
        text = p.read_bytes()
        h.update(text)
        base = (yaml.safe_load(text) or {}).get("base") if text else None
        p = (p.parent / base).resolve() if isinstance(base, str) else None
    return h.hexdigest()[:12]


def scale_authority(scenario: Scenario, factor: float) -> Scenario:
    """The same authority ``factor`` times the size: demand, staff, establishment, open cases,
    academy intake and campaign hires scaled; rates, durations and policies unchanged."""
    if not factor > 0:
        raise ScenarioError(f"<derived scenario>: scale factor must be > 0 (got {factor})")
    d = scenario.model_dump(mode="python")
    d["name"] = f"{scenario.name} (x{factor:g})"
    d["demand"]["referrals_per_year"] *= factor
    for team in d["teams"].values():
        team["establishment_fte"] *= factor
        for g in team["staff"]:
            g["count"] = int(round(g["count"] * factor))
    d["initial"]["open_cases"] = {k: int(round(v * factor)) for k, v in d["initial"]["open_cases"].items()}
    d["initial"]["unallocated"] = {k: int(round(v * factor)) for k, v in d["initial"]["unallocated"].items()}
    d["academy"]["intake_per_year"] = int(round(d["academy"]["intake_per_year"] * factor))
    for c in d["recruitment"]["campaigns"]:
        c["hires"] = int(round(c["hires"] * factor))
    if d["agency"]["cap_fte"] is not None:
        d["agency"]["cap_fte"] *= factor
    return validate_scenario(d, source="<scaled scenario>")
