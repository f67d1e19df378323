"""The building blocks every part of the scenario schema shares.

The vocabulary (stage names, worker types), the frozen base model, the checks for probabilities
and per-worker-type values, and the probability distributions a scenario file may give for a
duration or an amount of work. Each distribution is a frozen model tagged by ``dist:``; :data:`Dist`
is their discriminated union. The model draws from them (``workbench.model.streams``);
``mean_value`` is their mean in the unit of the field that holds them.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
import unicodedata
from functools import lru_cache
from typing import Annotated, Any, Literal, Union

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

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


# Sizes that keep one replication inside a laptop's memory: the model holds every referred child,
# every worker and every event of a run. The largest English authorities have about 30,000
# referrals a year, 1,000 social workers and 10,000 open cases.
MAX_REFERRALS_PER_YEAR = 250_000
MAX_REFERRALS_PER_RUN = 5_000_000
MAX_TEAM_FTE = 10_000
MAX_WORKFORCE = 20_000
MAX_OPEN_CASES = 100_000
MEMORY_NOTE = "the model holds every child and worker in memory"


#: Largest sum of money a scenario may give (pounds): far above any council's whole budget, and
#: small enough that a run's costs (weekly pay x staff x weeks) stay finite numbers.
MAX_GBP = 1e12
#: The longest name or authority a scenario may give (and a report's heading text): one line
#: of a table or a heading, not a paragraph.
MAX_NAME_CHARS = 200
MONEY_NOTE = "far above any council's budget; larger sums overflow the run's cost totals"


def one_line_text(v: str, what: str = "") -> str:
    """``v`` if it is one line of visible text: no control characters, line or paragraph
    separators, or invisible formatting characters (right-to-left overrides, zero-width spaces),
    which would make two names that look the same differ, or reorder the text around them in a
    report. A zero-width joiner inside an emoji is allowed."""
    for ch in v:
        cat = unicodedata.category(ch)
        if cat in ("Cc", "Zl", "Zp") or (cat == "Cf" and ch != "\u200d"):
            name = unicodedata.name(ch, "control character")
            raise ValueError(f"must be one line of visible text{what} (it holds {name.lower()}, "
                             f"U+{ord(ch):04X}: a line break, tab, control or invisible "
                             f"formatting character)")
    return v


def at_most(limit: float, reason: str) -> AfterValidator:
    """A bound for an annotated field whose message gives the reason for it.

    Used for sizes that would exhaust memory or overflow the simulation clock rather than for
    policy limits, so that the user learns why a large value is refused.
    """
    def check(v: Any) -> Any:
        if v is not None and v > limit:
            raise ValueError(f"must be at most {limit:,.0f} ({reason})")
        return v
    return AfterValidator(check)


#: Dates a scenario may name. Later starts would carry a 30-year run and its working-day calendar
#: towards the end of the date range (year 9999), and no planning question needs earlier ones.
DATE_MIN, DATE_MAX = dt.date(2000, 1, 1), dt.date(2100, 12, 31)


def _in_date_range(d: dt.date | None) -> dt.date | None:
    if d is not None and not DATE_MIN <= d <= DATE_MAX:
        raise ValueError(f"must be between {DATE_MIN} and {DATE_MAX} (a planning date; the run and "
                         f"its working-day calendar must fit in the calendar's range)")
    return d


def _as_date(v: Any) -> Any:
    """A date as YAML gives it (a date, or a datetime pydantic checks has no time) or as text in
    ISO form; anything else (a number would be read as seconds since 1970) is refused."""
    if isinstance(v, dt.date):
        return v
    if isinstance(v, str):
        try:
            return dt.date.fromisoformat(v.strip())
        except ValueError:
            pass
    raise ValueError("expected a date written as YYYY-MM-DD, e.g. 2017-10-31")


#: A date field: a calendar date between :data:`DATE_MIN` and :data:`DATE_MAX`.
Date = Annotated[dt.date, BeforeValidator(_as_date), AfterValidator(_in_date_range)]

#: Largest parameter of a distribution of times (hours, days or weeks): far beyond any run, and
#: small enough that a drawn time stays an exact whole-day count on the simulation clock.
TIME_MAX = 1_000_000
_TIME_BOUND = at_most(TIME_MAX, "far longer than any run; larger values overflow the simulation clock")
#: A length of time (hours, days or weeks, in the unit of the field's name): 0 or more, finite.
Time = Annotated[float, Field(ge=0), _TIME_BOUND]
#: A length of time above 0.
PositiveTime = Annotated[float, Field(gt=0), _TIME_BOUND]


def _as_shares(probs) -> str:
    """A hint for probabilities written as percentages (they sum to 100): shares of 1."""
    probs = list(probs)
    if abs(sum(probs) - 100) >= 0.5:
        return ""
    first = next((p for p in probs if p), 0)
    return (f"; these are shares of 1, not percentages: write {first / 100:g} for "
            f"{first:g}%")


def _check_probabilities(probs: dict[str, float], what: str) -> dict[str, float]:
    for key, p in probs.items():
        if p < 0 or p > 1:
            raise ValueError(f"{what} '{key}' must be between 0 and 1 (got {p}){_as_shares(probs.values())}")
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


class _Model(BaseModel):
    """Base of every scenario block: immutable, unknown fields rejected, defaults validated too."""

    # allow_inf_nan=False: NaN passes every range and sum check (comparisons with NaN are false)
    # and inf passes gt=0, then silently corrupts the run; they are refused wherever a float is read.
    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True, allow_inf_nan=False)

    @model_validator(mode="before")
    @classmethod
    def _no_yes_no_for_a_number(cls, data: Any) -> Any:
        # YAML reads yes/no/on/off/true/false as booleans, and pydantic would take them as 1 and 0:
        # `count: on` or `referrals_per_year: yes` would silently mean 1
        if isinstance(data, dict):
            for key, v in data.items():
                if isinstance(key, str) and _has_bool(v) and _numeric_field(cls, key):
                    raise ValueError(f"{key}: expected a number, got a yes/no value ({v!r}; YAML "
                                     "reads yes, no, on, off, true and false as booleans); write "
                                     "the number")
                if (isinstance(key, str) and isinstance(v, (bool, int, float, dt.date))
                        and _text_field(cls, key)):
                    # YAML reads `country: NO` (Norway) as false, `name: 2020` as a number and
                    # `name: 2020-01-01` as a date; pydantic said only "a valid string"
                    kind = ("a yes/no value (YAML reads yes, no, on, off, true and false, in any "
                            "case, as booleans)" if isinstance(v, bool)
                            else "a date" if isinstance(v, dt.date) else "a number")
                    example = "'NO', not NO" if isinstance(v, bool) else f"'{_shown(v)}'"
                    raise ValueError(f"{key}: expected text, got {kind}: {_shown(v)}; put the "
                                     f"text in quotes, e.g. {example}")
                if (isinstance(key, str) and isinstance(v, list) and _names_field(cls, key)
                        and any(isinstance(x, bool) for x in v)):
                    # [lac, yes]: YAML reads the item as true, and pydantic said only that it
                    # should be one of the names (got True), not that 'yes' had been read so
                    at = next(i for i, x in enumerate(v) if isinstance(x, bool))
                    raise ValueError(f"{key}: expected names, got a yes/no value as item "
                                     f"{at + 1} ({v[at]!r}; YAML reads yes, no, on, off, true and "
                                     "false, in any case, as booleans); give a name, in quotes "
                                     "if it is one of those words")
        return data


def _has_bool(v: Any) -> bool:
    if isinstance(v, bool):
        return True
    if isinstance(v, dict):
        return any(isinstance(x, bool) for x in v.values())
    if isinstance(v, (list, tuple)):
        return any(isinstance(x, bool) for x in v)
    return False


def _numeric(tp: Any) -> bool:
    """Whether a field of type ``tp`` holds numbers (itself, or as the values of a dict or the
    items of a list or tuple), and no yes/no value."""
    if tp in (int, float):
        return True
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is Annotated:
        return _numeric(args[0])
    if origin in (Union, types.UnionType):
        kinds = [a for a in args if a is not type(None)]
        return bool(kinds) and all(_numeric(a) for a in kinds)
    if origin is dict:
        return _numeric(args[1])
    if origin in (list, tuple):
        return bool(args) and all(_numeric(a) for a in args if a is not Ellipsis)
    return False


def _shown(v: Any) -> str:
    text = v.isoformat() if isinstance(v, dt.date) else repr(v)
    size = len(v) if isinstance(v, str) else len(text)   # the value's, not its quoted form's
    return text if len(text) <= 40 else f"{text[:40]}... ({size:,} characters)"


@lru_cache(maxsize=None)
def _annotation(model: type, field: str):
    """The type ``field`` of ``model`` is declared with, without its ``Annotated`` constraints
    (None for no such field)."""
    info = model.model_fields.get(field)
    if info is None:
        return None
    tp = info.annotation
    if typing.get_origin(tp) is Annotated:
        tp = typing.get_args(tp)[0]
    return tp


def _text_field(model: type, field: str) -> bool:
    """Whether ``field`` of ``model`` holds plain text (``str``, or ``str`` or None)."""
    tp = _annotation(model, field)
    if tp is None:
        return False
    if typing.get_origin(tp) in (Union, types.UnionType):
        kinds = [a for a in typing.get_args(tp) if a is not type(None)]
        tp = kinds[0] if len(kinds) == 1 else None
    return tp is str


def _names_field(model: type, field: str) -> bool:
    """Whether ``field`` of ``model`` holds a list of names (text, or one of a set of words)."""
    tp = _annotation(model, field)
    if tp is None:
        return False
    args = typing.get_args(tp)
    return (typing.get_origin(tp) in (list, tuple) and len(args) >= 1
            and (args[0] is str or typing.get_origin(args[0]) is Literal))


@lru_cache(maxsize=None)
def _numeric_field(model: type, field: str) -> bool:
    info = model.model_fields.get(field)
    return info is not None and _numeric(info.annotation)


# --------------------------------------------------------------------------------------------
# Distributions
# --------------------------------------------------------------------------------------------

class Fixed(_Model):
    """Always the same value."""

    dist: Literal["fixed"]
    value: Time

    @property
    def mean_value(self) -> float:
        return self.value


class Exponential(_Model):
    """Exponential with the given mean."""

    dist: Literal["exponential"]
    mean: PositiveTime

    @property
    def mean_value(self) -> float:
        return self.mean


class LogNormal(_Model):
    """Log-normal given by its mean and coefficient of variation (sd / mean)."""

    dist: Literal["lognormal"]
    mean: PositiveTime
    cv: float = Field(gt=0, le=10)

    @property
    def mean_value(self) -> float:
        return self.mean


class Gamma(_Model):
    """Gamma given by its mean and coefficient of variation."""

    dist: Literal["gamma"]
    mean: PositiveTime
    cv: float = Field(gt=0, le=10)

    @property
    def mean_value(self) -> float:
        return self.mean


class Uniform(_Model):
    dist: Literal["uniform"]
    low: Time
    high: PositiveTime

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
    edges: tuple[Time, ...]
    probs: tuple[float, ...]

    @model_validator(mode="after")
    def _shape(self):
        if len(self.edges) != len(self.probs) + 1:
            raise ValueError(
                f"needs one more edge than probabilities (got {len(self.edges)} edges, "
                f"{len(self.probs)} probs)")
        if any(b <= a for a, b in zip(self.edges, self.edges[1:])):
            raise ValueError(f"edges must increase strictly (got {list(self.edges)})")
        if any(p < 0 for p in self.probs):
            raise ValueError(f"probabilities must be >= 0 (got {list(self.probs)})")
        total = sum(self.probs)
        if abs(total - 1) > 1e-6:
            raise ValueError(f"probabilities must sum to 1 (they sum to {total:.6g})"
                             f"{_as_shares(self.probs)}")
        return self

    @property
    def mean_value(self) -> float:
        return sum(p * (a + b) / 2 for p, a, b in zip(self.probs, self.edges, self.edges[1:]))


Dist = Annotated[
    Union[Fixed, Exponential, LogNormal, Gamma, Uniform, Histogram], Field(discriminator="dist")
]
