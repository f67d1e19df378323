"""The building blocks every part of the scenario schema shares.

The vocabulary (stage names, worker types), the frozen base model, the checks for probabilities
and per-worker-type values, and the probability distributions a scenario file may give for a
duration or an amount of work. Each distribution is a frozen model tagged by ``dist:``; :data:`Dist`
is their discriminated union. The model draws from them (``workbench.model.streams``);
``mean_value`` is their mean in the unit of the field that holds them.
"""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, model_validator

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


class _Model(BaseModel):
    """Base of every scenario block: immutable, unknown fields rejected, defaults validated too."""

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
