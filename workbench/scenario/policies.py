"""The workforce blocks of a scenario: how staff leave and are absent, and the policy levers
(recruitment, a 'grow your own' academy, agency cover, a retention payment)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from .basics import MAX_GBP, MONEY_NOTE, Date, Dist, WorkerType, _check_per_type, _Model, at_most

#: A sum of money: 0 or more, and at most :data:`~workbench.scenario.basics.MAX_GBP`.
Money = Annotated[float, Field(ge=0), at_most(MAX_GBP, MONEY_NOTE)]


class LongTermAbsence(_Model):
    """Long-term absence (sickness, other leave): the worker holds no new cases and does no work."""

    starts_pct_per_year: float = Field(
        default=0.0, ge=0, lt=100, description="share of workers starting a long-term absence a "
                                               "year (below 100: a yearly rate is turned into a weekly hazard)")
    duration_weeks: Dist = {"dist": "lognormal", "mean": 10, "cv": 0.8}
    reallocate_after_weeks: float = Field(
        default=4, ge=0, le=104, description="her cases are reallocated once she has been away this long")


class Workforce(_Model):
    """How staff leave, progress and are absent."""

    turnover_pct_per_year: dict[WorkerType, float] = Field(
        default={"experienced": 0, "nqsw": 0, "academy": 0, "agency": 0},
        description="the chance that a worker in post leaves within a year, by worker type, when "
                    "her work fits her hours: the model leaves at the steady rate -ln(1 - p) a "
                    "year, so 15 gives 16.2 leavers a year per FTE in post (DfE's turnover "
                    "measure, which turnover_pct reports); agency workers leave at this rate "
                    "only with agency cover off (with it on, as their assignments end)")
    pressure_turnover_effect: float = Field(
        default=0.0, ge=0, le=20,
        description="leaving hazard x (1 + effect x (work pressure - 1)) where her work pressure "
                    "(the work in front of her over the hours she has, see pressure; smoothed "
                    "over pressure.smoothing_weeks) is above 1: a worker facing 30% more work "
                    "than her hours, with effect 2, is 1.6 times as likely to leave; the rise "
                    "stops at a work pressure of 3 (the most observed)")
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
        # each a share: -20 beside 120 summed to 100, and every leaver went to another council
        bad = {k: x for k, x in v.items() if not 0 <= x <= 100}
        if bad:
            k, x = next(iter(bad.items()))
            raise ValueError(f"{k}: each destination is a share of leavers, 0 to 100 (got {x:g})")
        total = sum(v.values())
        if abs(total - 100) > 1e-6:
            raise ValueError(f"destinations must sum to 100 (they sum to {total:g})")
        return v


class Campaign(_Model):
    """A recruitment campaign (e.g. an international drive): extra hires over a period, at a cost."""

    name: str = "campaign"
    start_date: Date
    end_date: Date
    hires: int = Field(ge=0, le=1000, description="experienced staff it brings in over the period")
    cost_gbp: Money = 0
    team: str | None = Field(default=None, description="team the hires join (default: most vacancies)")

    @model_validator(mode="after")
    def _dates(self):
        if self.end_date <= self.start_date:
            raise ValueError(f"end_date ({self.end_date}) must be after start_date ({self.start_date})")
        return self

    def hire_days(self, run_start) -> list[float]:
        """The days from ``run_start`` (a date) on which its hires start: evenly over the
        campaign, the k-th at its (k + 1/2)-th step, as the model brings them in (the model's
        own copy is in its compiled core). The run counts, and is charged for, those before
        its end."""
        first = float((self.start_date - run_start).days)
        last = float((self.end_date - run_start).days)
        return [first + (k + 0.5) * (last - first) / self.hires for k in range(self.hires)]


class Recruitment(_Model):
    """Advertising vacancies: each round, each vacant post is filled with some probability."""

    enabled: bool = False
    round_interval_weeks: float = Field(
        default=6, gt=0, le=52,
        description="weeks between advert rounds, a whole number (rounds fall on the weekly round)")
    success_pct: float = Field(default=40, ge=0, le=100, description="chance a vacant post is filled in a round")
    experienced_share_pct: float = Field(
        default=30, ge=0, le=100, description="share of appointments who are experienced (the rest newly qualified)")
    time_to_hire_weeks: Dist = Field(
        default={"dist": "lognormal", "mean": 12, "cv": 0.4},
        description="from a successful round to the first day in post (notice, checks)")
    cost_per_hire_gbp: Money = 0
    campaigns: tuple[Campaign, ...] = ()

    @field_validator("round_interval_weeks")
    @classmethod
    def _whole_weeks(cls, v):
        # the rounds fall on the weekly round: 2.5 ran every 2 weeks, 6.5 every 6, in silence
        if v != int(v):
            raise ValueError(f"a whole number of weeks, as the rounds fall on the model's weekly "
                             f"round (got {v:g}; give {max(int(v + 0.5), 1)})")
        return v

class Academy(_Model):
    """A 'grow your own' social work academy: cohorts of newly qualified staff over establishment."""

    intake_per_year: int = Field(default=0, ge=0, le=500)
    start_month: int = Field(default=9, ge=1, le=12, description="month each cohort starts")
    first_intake_date: Date | None = Field(default=None, description="default: the first start_month after the start date")
    team: str = "families_first"
    months: float = Field(default=12, gt=0, le=36, description="time in the academy before graduating")
    caseload_start_pct: float = Field(
        default=30, ge=0, le=100, description="protected caseload at the start, % of the academy cap; ramps to 100% by graduation")
    no_vacancy: Literal["over_establishment", "leave"] = Field(
        default="over_establishment",
        description="a graduate with no vacancy to go to stays over establishment, or leaves")
    graduate_turnover_pct_per_year: float | None = Field(
        default=None, ge=0, lt=100, description="turnover in the two years after graduating (default: experienced rate)")
    cost_per_place_gbp: Money = Field(default=0, description="extra cost per trainee (training, supervision), on top of pay")


#: The shortest mean agency stay accepted (weeks): see :meth:`Agency._tenure`.
MIN_AGENCY_TENURE_WEEKS = 1.0


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
        description="how long an agency worker stays in a post (shorter than permanent staff; a "
                    "mean of at least 1 week)")
    min_experience_years: float = Field(
        default=0, ge=0, le=40, description="post-qualifying experience required (3 years in England from April 2025)")
    experience_rule_date: Date | None = Field(
        default=None, description="from this date agency workers need min_experience_years")
    experience_rule_fill_pct: float = Field(
        default=100, ge=0, le=100, description="share of agency requests still filled once the rule applies")
    conversion_pct_per_year: float = Field(
        default=0, ge=0, le=100, description="agency workers taking a permanent post a year (into a vacancy)")

    @field_validator("tenure_weeks")
    @classmethod
    def _tenure(cls, v):
        # assumption: cover for a vacancy is booked for weeks at least; an assignment that ends
        # almost as it starts would leave every vacancy uncovered while the run reported the
        # cover as bought (100% cover with no agency staff in post)
        if v.mean_value < MIN_AGENCY_TENURE_WEEKS:
            raise ValueError(f"an agency worker must stay some time: the mean stay is "
                             f"{v.mean_value:g} weeks; give a mean of at least "
                             f"{MIN_AGENCY_TENURE_WEEKS:g} week (the default is 40)")
        return v


class Retention(_Model):
    """A payment or pay change that reduces turnover of eligible staff."""

    enabled: bool = False
    start_date: Date | None = None
    payment_gbp_per_year: Money = 0
    eligible_min_years: float = Field(default=2, ge=0, le=40, description="post-qualifying experience to qualify")
    turnover_reduction_pct: float = Field(default=0, ge=0, le=100, description="relative reduction in eligible staff's turnover")

