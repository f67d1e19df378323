"""The scenario schema: every block of a scenario file as a frozen pydantic model.

A scenario describes one authority under one policy. It is validated once, at the boundary, into
an immutable :class:`Scenario`; variants are derived by copying with changes
(:meth:`Scenario.replace`), never by mutating a shared object.

Units are carried in field names: ``_days`` calendar days, ``_wd`` working days, ``_hours`` hours
of a worker's time, ``_fte`` full-time equivalents, ``_pct`` percentages (0-100), ``_gbp`` pounds.
"""

from __future__ import annotations

import functools
import hashlib
from typing import Annotated, Any, Literal

import yaml
from pydantic import Field, ValidationError, field_validator, model_validator

from .basics import (MAX_GBP, MAX_NAME_CHARS, MAX_OPEN_CASES, MAX_REFERRALS_PER_YEAR,
                     MAX_TEAM_FTE, MEMORY_NOTE, MONEY_NOTE, Date, Dist, Fixed, OutcomeName,
                     PositiveTime, StageName, WorkerType,
                     _check_per_type, _check_probabilities, _Model, at_most, one_line_text)
from .checks import whole_scenario_problems
from .derive import set_dotted
from .errors import ScenarioError, format_errors
from .policies import Academy, Agency, Recruitment, Retention, Workforce
from .uncertain import uncertain_problems


# --------------------------------------------------------------------------------------------
# Scenario blocks
# --------------------------------------------------------------------------------------------

class Calendar(_Model):
    """Working-day calendar. England's bank holidays come from the `holidays` package."""

    working_days: bool = True   # false: every day counts (used by analytic tests)
    country: str = "GB"
    subdivision: str = "ENG"

    @model_validator(mode="after")
    def _known(self):
        # the run asks the `holidays` package for this calendar; an unknown country or
        # subdivision would otherwise fail there, after validation said OK
        import holidays

        try:
            holidays.country_holidays(self.country, subdiv=self.subdivision or None, years=[2020])
        except (NotImplementedError, KeyError, AttributeError):
            raise ValueError(
                f"country '{self.country}' with subdivision '{self.subdivision}' is not a "
                f"calendar the `holidays` package knows (England: country GB, subdivision ENG)") from None
        return self


class Surge(_Model):
    """A step change in demand: referrals multiplied by ``multiplier`` from start_date to end_date."""

    start_date: Date
    end_date: Date | None = None
    multiplier: float = Field(gt=0, le=10)

    @model_validator(mode="after")
    def _dates(self):
        if self.end_date is not None and self.end_date <= self.start_date:
            raise ValueError(f"end_date ({self.end_date}) must be after start_date ({self.start_date})")
        return self


class Demand(_Model):
    """Referral demand: a non-homogeneous Poisson process of families."""

    referrals_per_year: Annotated[float, at_most(
        MAX_REFERRALS_PER_YEAR, f"about 8 times the largest English authority; {MEMORY_NOTE}")] = Field(
        gt=0, description="children referred a year, incl. re-referrals")
    trend_pct_per_year: float = Field(default=0.0, ge=-50, le=100)
    seasonality: tuple[float, ...] = Field(
        default=(1.0,) * 12, description="Jan..Dec multipliers; normalised to mean 1 (each above 0, at most 1000)")
    surges: tuple[Surge, ...] = ()
    sibling_group_probs: tuple[float, ...] = Field(
        default=(1.0,), description="P(1 child), P(2 children), ... in a newly referred "
                                    "family (a re-referred child comes back alone)")
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
        if any(x > 1000 for x in v):
            raise ValueError(f"monthly multipliers must be at most 1000 (they are relative to each "
                             f"other; got {max(v):g})")
        return v

    @field_validator("sibling_group_probs")
    @classmethod
    def _siblings(cls, v):
        if not v:
            raise ValueError("needs at least one probability")
        _check_probabilities({f"{i + 1} child{'ren' if i else ''}": p
                              for i, p in enumerate(v)}, "sibling group")
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
    later_after_days: PositiveTime = 365.25
    booked_lead_wd: int | None = Field(
        default=None, ge=0, le=260,
        description="visits are arranged for a date: the visit takes place at midday of the "
                    "working day this many working days before its deadline, or as soon after as "
                    "the worker has done its hours (none: as soon as the hours are done)")

    @model_validator(mode="after")
    def _window(self):
        if self.booked_lead_wd is not None:
            for field in ("interval_wd", "later_interval_wd"):
                interval = getattr(self, field)
                if interval is not None and self.booked_lead_wd >= interval:
                    # the visit would be arranged for a day before the visit it follows: with no
                    # hours to do, one visit follows another at one instant without end
                    raise ValueError(
                        f"booked_lead_wd ({self.booked_lead_wd}) must be less than {field} "
                        f"({interval}): a visit is arranged for a day after the visit before it")
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

    after_days: PositiveTime
    to_team: str


#: Managers' checkpoints a task stage may have (the bundled scenarios have three).
MAX_CHECKPOINTS = 20


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
    # a task's share of its worker's hours is its priority over the sum of hers: a priority of
    # 1e-15 beside 10 rounded to nothing and the run spun for ever; with the checkpoints'
    # factors the whole spread is checked too (checks.priority_spread)
    priority: float = Field(default=1.0, ge=0.01, le=100,
                            description="share of a worker's time the stage's tasks get against "
                                        "her others' (0.01 to 100)")
    nqsw_allowed: bool = True
    transfer: Transfer | None = None
    elapsed_wd: Dist | None = Field(
        default=None,
        description="working days that must pass from the stage's start before its task can "
                    "finish, whatever the hours (checks with police, health and schools; arranging "
                    "to see the child and family): the task ends when its work is done and this "
                    "time has passed")
    booked: bool = Field(
        default=False,
        description="a conference booked for a date (see `conferences`): the task ends on the "
                    "booked date, or at the next free slot once its work is done if it was not "
                    "ready")
    checkpoints_wd: tuple[Annotated[int, Field(ge=1, le=520)], ...] = Field(
        default=(),
        description="working days on the stage's clock at which managers check a task still "
                    "open (a tracker): its share of the worker's time is multiplied by "
                    "checkpoint_priority_factor at each, so work nearest its deadline gets time "
                    "first")
    checkpoint_priority_factor: float = Field(
        default=1.0, ge=1, le=10,
        description="how much more of her time a task gets at each checkpoint")
    shortens_under_pressure: bool = Field(
        default=False,
        description="a plan that closes or steps down sooner when the service is under pressure "
                    "(see `pressure.plan_shortening_pct`)")
    next: dict[OutcomeName, float]

    @field_validator("next")
    @classmethod
    def _next(cls, v):
        if not v:
            raise ValueError("needs at least one outcome")
        return _check_probabilities(v, "outcome")

    @field_validator("checkpoints_wd")
    @classmethod
    def _checkpoints(cls, v):
        # each checkpoint multiplies the task's priority by the factor: 2,000 checkpoints on one
        # day overflowed it to inf, and the run failed on NaN
        if any(b <= a for a, b in zip(v, v[1:])):
            raise ValueError(f"checkpoints must be distinct working days in increasing order "
                             f"(got {list(v)[:10]}{'...' if len(v) > 10 else ''})")
        if len(v) > MAX_CHECKPOINTS:
            raise ValueError(f"at most {MAX_CHECKPOINTS} checkpoints (got {len(v)})")
        return v

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
            if self.elapsed_wd is not None or self.booked or self.checkpoints_wd:
                raise ValueError("elapsed_wd, booked and checkpoints_wd are for task stages "
                                 "(a plan has duration_days)")
            if isinstance(self.duration_days, Fixed) and self.duration_days.value == 0:
                # a plan of no length ends as it starts, and the warm start cannot draw the
                # remaining time of plans open at the start date from it
                raise ValueError("duration_days: a plan must last some time (got a fixed value of 0); "
                                 "give a value above 0")
        return self

    def timescale_wd(self, default: int) -> int:
        """Working days its clock allows (``default`` for a stage without a clock)."""
        return self.clock.target_wd if self.clock is not None else default

    @property
    def takes_no_time(self) -> bool:
        """A task stage with no work: a child can pass through it without time passing."""
        return self.kind == "task" and isinstance(self.work_hours, Fixed) and self.work_hours.value == 0


class StaffGroup(_Model):
    """Workers of one type in post at the start, e.g. ``{type: experienced, count: 20, fte: 1.0}``."""

    type: WorkerType
    count: int = Field(ge=0, le=10000)
    fte: float = Field(default=1.0, gt=0, le=1.0)
    months_qualified: float = Field(
        default=36.0, ge=0, le=600, description="post-qualifying experience at the start")


class Team(_Model):
    """A team: its funded posts (establishment) and the staff in post at the start."""

    establishment_fte: Annotated[float, at_most(
        MAX_TEAM_FTE, f"ten times the social workers of England's largest authority; {MEMORY_NOTE}")] = Field(ge=0)
    staff: tuple[StaffGroup, ...] = ()
    caps: dict[WorkerType, Annotated[float, Field(ge=0)]] | None = Field(
        default=None, description="per-FTE caseload caps overriding caseload.caps for this team")
    case_holding: bool = True


class FrontDoor(_Model):
    """The front door (MASH / First Contact): decides on every referral."""

    team: str
    decision_hours: Dist
    nfa_pct: float = Field(ge=0, le=100, description="referrals closed with no further action")


class WorkingTime(_Model):
    hours_per_fte_week: float = Field(
        default=37.0, ge=1, le=60,
        description="contracted hours of one full-time worker; at least 1 (and, with case time "
                    "and absence, at least 5 hours a week for cases)")
    case_time_pct: float = Field(
        default=70.0, ge=5, le=100,
        description="share of hours left for casework after supervision, training, admin; at "
                    "least 5")
    absence_pct: float = Field(
        default=3.2, ge=0, le=90,
        description="share of working time lost to short absence; at most 90")
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
        description="when no worker has room, allocate above the cap up to this % of it (a "
                    "protected caseload, NQSW in ASYE or academy trainee, never beyond it)")
    balancing: Balancing = Balancing()

    @field_validator("caps")
    @classmethod
    def _caps(cls, v):
        return _check_per_type(v, "a cap")


class Conferences(_Model):
    """Child protection conferences booked for a date, held by a limited number of chairs."""

    enabled: bool = False
    slots_per_working_day: float = Field(
        default=2.0, ge=1, le=1000,
        description="conferences the authority's chairs can hold in a working day (at least 1: "
                    "a day with room for less than one conference has room for none)")
    book_at_wd: int = Field(
        default=12, ge=1, le=260,
        description="working days after the stage's clock start that a conference is booked for "
                    "(inside the timescale), or the first day with a free slot after it")
    min_notice_wd: int = Field(
        default=3, ge=0, le=60,
        description="working days' notice a conference needs from the day it is booked")


class Pressure(_Model):
    """How the service bends under pressure (each response off at its default).

    ``level`` is the share of full pressure, from 0 to 1: children waiting unallocated per
    case-holding FTE, over ``queue_per_fte_at_full``. A worker's own *work pressure* is the work
    in front of her (a week of her caseload's routine hours, the hours left on her tasks spread
    over ``backlog_weeks``, and with ``count_waiting_work`` her share of her team's waiting
    children's work) over her contracted casework hours in a week, smoothed over
    ``smoothing_weeks``: it drives overtime, thinner routine work, sickness and leaving (see
    `workforce`).
    """

    queue_per_fte_at_full: float = Field(
        default=1.0, gt=0, le=1000,
        description="children waiting unallocated per case-holding FTE at which the service-level "
                    "responses reach their full size")
    front_door_nfa_extra_pct: float = Field(
        default=0.0, ge=0, le=100,
        description="extra % of referrals closed at the front door (no further action, step-down "
                    "to early help) at full pressure")
    plan_shortening_pct: float = Field(
        default=0.0, ge=0, le=90,
        description="plans (child in need, child protection) close or step down up to this % "
                    "sooner at full pressure")
    allocate_after_wait_days: float | None = Field(
        default=None, gt=0, le=365,
        description="managers allocate a child who has waited this long to the eligible worker "
                    "with most room, above the hard limit up to allocation_ceiling_pct of her cap")
    allocation_ceiling_pct: float = Field(
        default=250.0, ge=100, le=1000,
        description="the most a manager will load a worker, % of her cap: a child who has "
                    "waited, and at once a brother or sister joining her sibling's worker (not a "
                    "protected caseload: NQSW in ASYE, academy trainee)")
    overtime_max_pct: float = Field(
        default=0.0, ge=0, le=50,
        description="a worker whose work exceeds her hours works longer, by at most this %")
    sickness_effect: float = Field(
        default=0.0, ge=0, le=20,
        description="long-term absence hazard x (1 + effect x (work pressure - 1)) above 1, "
                    "the rise stopping at a work pressure of 3 (the most observed)")
    smoothing_weeks: float = Field(
        default=13.0, gt=0, le=260,
        description="weeks over which a worker's work pressure is averaged (exponentially)")
    backlog_weeks: float = Field(
        default=4.0, ge=0.5, le=52,
        description="weeks over which a worker counts the hours left on her tasks in her work "
                    "pressure (the work she would have to clear in that time)")
    count_waiting_work: bool = Field(
        default=False,
        description="a team's children waiting unallocated count in its workers' work pressure "
                    "(the work left on each, shared by FTE, over backlog_weeks)")
    unqualified_cases_max: int = Field(
        default=0, ge=0, le=100_000,
        description="stable cases (see unqualified_stages) that non-qualified staff (family "
                    "support workers, personal advisers) may hold at once, handed over by managers "
                    "from social workers above their cap under pressure (0: none)")
    unqualified_stages: list[StageName] = Field(
        default_factory=lambda: ["lac"],
        description="plan stages whose stable cases may go to non-qualified staff")
    unqualified_stable_after_days: float = Field(
        default=365.0, ge=0, le=3650,
        description="days in the stage after which a case counts as stable")
    unqualified_from_level: float = Field(
        default=0.5, ge=0, le=1,
        description="the service's pressure level (0-1, see queue_per_fte_at_full; smoothed over "
                    "smoothing_weeks) from which managers hand stable cases over")
    routine_work_floor_pct: float = Field(
        default=100.0, gt=0, le=100,
        description="under work pressure above 1 a worker gives her cases' routine work (recording, "
                    "meetings, reviews) 1 / pressure of its hours, but never less than this % "
                    "(100: never less)")



class Costs(_Model):
    """Weekly cost of one FTE, by worker type (salary and on-costs, or agency charge)."""

    gbp_per_fte_week: dict[WorkerType, Annotated[float, at_most(MAX_GBP, MONEY_NOTE)]]

    @field_validator("gbp_per_fte_week")
    @classmethod
    def _costs(cls, v):
        return _check_per_type(v, "a weekly cost")


_CaseCount = Annotated[int, Field(ge=0), at_most(
    MAX_OPEN_CASES, f"a quarter of all children in need in England; {MEMORY_NOTE}")]


class InitialState(_Model):
    """The warm start: open cases by stage at the start date, and children waiting unallocated."""

    open_cases: dict[StageName, _CaseCount]
    unallocated: dict[StageName, _CaseCount] = {}


class Scenario(_Model):
    """One authority under one policy: validated and immutable."""

    name: str = Field(max_length=MAX_NAME_CHARS)
    description: str = ""
    authority: str = Field(default="Illustrative authority", max_length=MAX_NAME_CHARS)
    start_date: Date
    horizon_years: float = Field(
        ge=0.02, le=30, description="years simulated: at least 0.02 (about a week: the KPIs are "
                                    "weekly series and yearly rates)")
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
    conferences: Conferences = Conferences()
    pressure: Pressure = Pressure()
    sources: dict[str, str] = Field(default={}, description="where each default came from")
    uncertain: dict[str, Dist] = Field(
        default={}, description="inputs not known exactly: the dotted path of a number (e.g. "
                                "stages.assessment.work_hours.mean) and its distribution, drawn "
                                "afresh for each replication (workbench.scenario.uncertain); not "
                                "horizon_years, start_date or calendar, which every replication "
                                "shares")

    @field_validator("name")
    @classmethod
    def _name(cls, v):
        if not v.strip():
            raise ValueError("must not be empty: the name labels the scenario in tables, charts and file names")
        if any(ch < " " for ch in v):
            raise ValueError("must be one line of text (no line breaks, tabs or control characters)")
        return one_line_text(v)

    @field_validator("authority")
    @classmethod
    def _authority(cls, v):
        return one_line_text(v)

    @field_validator("teams")
    @classmethod
    def _team_names(cls, v):
        for name in v:
            if not name.strip():
                raise ValueError("a team needs a name (got an empty one)")
            one_line_text(name, f" (team '{name}')")
            if "." in name:
                # fields are named by dotted paths (uncertain:, sensitivity, messages): a team
                # 'cp.court' validated, then 'teams.cp.court.establishment_fte' was "'teams.cp'
                # is not a field"
                raise ValueError(f"a team's name cannot hold a dot (team '{name}'): fields are "
                                 f"named by dotted paths (teams.NAME.caps), which a dot would "
                                 f"split; write it with '_' or '-' instead")
        return v

    @model_validator(mode="after")
    def _whole(self):
        # the uncertain inputs' draws are checked on a scenario that is otherwise valid: its own
        # problems would come back from every draw, said again under uncertain
        problems = whole_scenario_problems(self) or uncertain_problems(self)
        if problems:
            raise ValueError("\n".join(problems))
        return self

    # ----------------------------------------------------------------------------------------
    @property
    def horizon_days(self) -> float:
        return self.horizon_years * 365.25

    def to_dict(self) -> dict[str, Any]:
        """Plain data (dates as ISO strings), suitable for YAML."""
        return self.model_dump(mode="json")

    def replace(self, changes: dict[str, Any] | None = None, **kwargs: Any) -> "Scenario":
        """A copy with changes at dotted paths, validated again. An uncertain input that a
        change sets (or a block holding it) takes the value given: it is no longer uncertain,
        unless ``changes`` gives ``uncertain`` itself.

        >>> s2 = s.replace({"demand.referrals_per_year": 7000, "name": "More demand"})
        """
        changes = dict(changes or {}, **kwargs)
        data = self.model_dump(mode="python")
        if "uncertain" not in changes and data.get("uncertain"):
            # a change to an uncertain input (or to a block holding it) fixes it: each run's
            # draw would otherwise replace the value given (a control setting referrals or
            # academy places on a scenario with a range for them changed nothing)
            for path in [p for p in data["uncertain"]
                         if any(p == c or p.startswith(c + ".") for c in changes)]:
                del data["uncertain"][path]
        for path, value in changes.items():
            set_dotted(data, path, value)
        return validate_scenario(data, source="<derived scenario>")

    def digest(self) -> str:
        """A short hash of the scenario's content, for run details: with a seed it names one run.

        The order of a mapping's or list's entries (teams, ``next`` outcomes, staff, open cases)
        counts, because it decides which random draw goes where: the same file with its teams
        in another order runs differently, so it has another digest (it had the same one, keys
        being sorted, and the explorer reused one's runs for the other)."""
        data = self.to_dict()
        if not data.get("uncertain"):
            del data["uncertain"]
        text = yaml.safe_dump(data, sort_keys=False)
        return hashlib.sha256(text.encode()).hexdigest()[:12]


@functools.lru_cache(maxsize=1)
def field_names() -> tuple[str, ...]:
    """Every field name of the scenario schema (of every block): an unknown field is offered
    the closest (:func:`.errors.meant_field`)."""
    schema = Scenario.model_json_schema()
    names = set(schema.get("properties", {}))
    for block in schema.get("$defs", {}).values():
        names.update(block.get("properties", {}))
    return tuple(sorted(names))


def validate_scenario(data: dict[str, Any], source: str = "<scenario>") -> Scenario:
    """Validate plain data into a Scenario, raising :class:`ScenarioError` with readable messages."""
    if not isinstance(data, dict):
        raise ScenarioError(f"{source}: expected a mapping of fields at the top level, got {type(data).__name__}")
    try:
        return Scenario.model_validate(data)
    except ValidationError as err:
        raise ScenarioError(format_errors(err, source, field_names())) from None

