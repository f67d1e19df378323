"""The scenario file reference (``docs/scenario-reference.md``), generated from the schema.

Every field of every block, with its type, unit, allowed range, default and meaning, is read
from the pydantic models (:mod:`workbench.scenario.schema`, :mod:`~workbench.scenario.policies`,
:mod:`~workbench.scenario.basics`), so the reference cannot drift from what validation accepts:
``tests/test_scenario_reference.py`` fails when the committed file differs from :func:`render`.
Regenerate it with::

    .venv/bin/python -m workbench.scenario.reference
"""

from __future__ import annotations

import datetime as dt
import inspect
import types
import typing
from pathlib import Path
from typing import Any, Iterator, Literal, Union

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from .. import files
from .basics import WORKER_TYPES
from .catalog import PACKAGE_ROOT
from .schema import Scenario

__all__ = ["DOC_PATH", "blocks", "field_summary", "render", "write"]

DOC_PATH = PACKAGE_ROOT / "docs" / "scenario-reference.md"

#: Units by the end of a field's name (the schema carries units in names), longest first.
_UNITS = (
    ("_gbp_per_fte_week", "£ per FTE a week"), ("_pct_per_year", "% a year"),
    ("_gbp_per_year", "£ a year"), ("_hours_per_fte_week", "hours per FTE a week"),
    ("_hours_per_week", "hours a week"), ("_per_year", "a year"), ("_days", "calendar days"),
    ("_wd", "working days"), ("_hours", "hours"), ("_fte", "FTE"), ("_pct", "%"),
    ("_gbp", "£"), ("_weeks", "weeks"), ("_months", "months"), ("_years", "years"),
)
_PLACEHOLDER = {"stages": "STAGE", "teams": "TEAM", "open_cases": "STAGE",
                "unallocated": "STAGE", "sources": "FIELD"}

#: Meanings of fields the schema gives no ``description`` (the schema's own wins where it has one;
#: a block field without either reads its block's docstring).
_NOTES = {
    "Scenario.name": "labels the scenario in tables, charts, file names; must differ between files",
    "Scenario.description": "what the scenario tests, in plain English (shown in the report)",
    "Scenario.authority": "the council the scenario models (shown in the report)",
    "Scenario.start_date": "the snapshot date the run starts from",
    "Scenario.horizon_years": "how far ahead to simulate",
    "Scenario.working_time": "a worker's hours and how they are spent",
    "Scenario.caseload": "caseload caps (the aim) and what happens when nobody has room",
    "Calendar.working_days": "count working days (false: every day counts; analytic tests only)",
    "Calendar.country": "country of the bank-holiday calendar",
    "Calendar.subdivision": "part of the country (ENG: England)",
    "WorkingTime.hours_per_fte_week": "contracted hours of one full-time worker",
    "WorkingTime.absence_pct": "share of working time lost to short absence",
    "Demand.trend_pct_per_year": "yearly growth (or fall) in referrals",
    "Demand.surges": "step changes in referrals over periods",
    "Surge.start_date": "first day of the surge",
    "Surge.end_date": "day it ends (null: to the end of the run)",
    "Surge.multiplier": "referrals multiplied by this during the surge",
    "FrontDoor.team": "the team that decides on referrals",
    "FrontDoor.decision_hours": "worker time to decide on one referral",
    "Stage.team": "the team that holds children in this stage",
    "Stage.kind": "task: ends when its work is done; plan: lasts duration_days with visits",
    "Stage.work_hours": "worker time a task stage needs (task stages)",
    "Stage.clock": "the statutory timescale the task is measured against",
    "Stage.duration_days": "how long a plan lasts (plan stages)",
    "Stage.visits": "statutory visits the plan needs",
    "Stage.ongoing_hours_per_week": "worker time each open case takes every week",
    "Stage.cap_weight": "how much one case counts towards a caseload cap",
    "Stage.priority": "share of a worker's task time this stage's tasks get (relative)",
    "Stage.nqsw_allowed": "whether newly qualified staff in their ASYE year may hold it",
    "Stage.transfer": "move to another team part-way through the stage",
    "Stage.next": "where children go after the stage, with probabilities summing to 1",
    "Clock.start": "when the clock starts: referral, this stage, or the stage before",
    "Clock.target_wd": "the timescale",
    "Visits.interval_wd": "most working days between visits",
    "Visits.window_wd": "visit work becomes due this many working days before the deadline",
    "Visits.hours": "worker time per visit (visit, travel, recording)",
    "Visits.later_after_days": "plan length after which later_interval_wd applies",
    "Transfer.after_days": "time into the stage when the case moves",
    "Transfer.to_team": "the team it moves to",
    "Team.establishment_fte": "funded posts",
    "Team.staff": "workers in post at the start",
    "Team.case_holding": "whether the team's workers hold cases",
    "StaffGroup.type": "worker type",
    "StaffGroup.count": "how many workers",
    "StaffGroup.fte": "full-time equivalent of each",
    "Caseload.balancing": "managers moving cases from overloaded workers",
    "Balancing.enabled": "switch caseload balancing on",
    "Balancing.trigger_pct": "a worker above this % of her cap gives cases away",
    "Balancing.target_pct": "until she is back at this % of her cap",
    "Costs.gbp_per_fte_week": "pay and on-costs (or agency charge) of one FTE a week",
    "InitialState.open_cases": "open cases by stage at the start date",
    "InitialState.unallocated": "children waiting for a worker at the start, by stage",
    "Workforce.leaver_destinations_pct": "where leavers go (sums to 100)",
    "Workforce.long_term_absence": "long-term sickness and other leave",
    "LongTermAbsence.duration_weeks": "how long an absence lasts",
    "Recruitment.enabled": "switch the rolling adverts on",
    "Recruitment.round_interval_weeks": "time between advert rounds",
    "Recruitment.cost_per_hire_gbp": "one-off cost of each appointment",
    "Recruitment.campaigns": "recruitment campaigns on top of the rolling adverts",
    "Campaign.name": "the campaign's name",
    "Campaign.start_date": "first day of the campaign",
    "Campaign.end_date": "last day; its hires arrive evenly over the period",
    "Campaign.cost_gbp": ("the campaign's whole cost; a campaign running past the end of the "
                          "period simulated is charged for the share of its hires that start "
                          "within it"),
    "Academy.intake_per_year": "newly qualified social workers taken in a year, over establishment",
    "Academy.team": "the team trainees work in",
    "Agency.enabled": "switch agency cover on",
    "Agency.lead_time_weeks": "time from a request to an agency worker starting",
    "Retention.enabled": "switch the retention payment on",
    "Retention.start_date": "when the payment starts (null: the start date)",
    "Retention.payment_gbp_per_year": "payment to each eligible worker a year",
    "Conferences.enabled": "switch the mechanism on",
}


def _unit(name: str, annotation: Any = float) -> str:
    """The unit a number's field name carries ("" for text, switches and blocks)."""
    kind = _type_text(annotation)
    if not (kind.startswith(("number", "whole number", "distribution", "per worker type: number"))):
        return ""
    return next((u for suffix, u in _UNITS if name.endswith(suffix) or name == suffix[1:]), "")


def _is_model(t: Any) -> bool:
    return inspect.isclass(t) and issubclass(t, BaseModel)


def _args(t: Any) -> tuple:
    return typing.get_args(t)


def _strip(t: Any) -> Any:
    """The type under ``Annotated``."""
    while typing.get_origin(t) is typing.Annotated:
        t = _args(t)[0]
    return t


def _is_dist(t: Any) -> bool:
    t = _strip(t)
    if typing.get_origin(t) in (Union, types.UnionType):
        members = [_strip(a) for a in _args(t)]
        return all(_is_model(m) and "dist" in m.model_fields for m in members)
    return False


def _type_text(t: Any) -> str:
    """A type in words, e.g. "number", "one of: a, b", "per worker type: number"."""
    t = _strip(t)
    origin = typing.get_origin(t)
    if _is_dist(t):
        return "distribution"
    if origin in (Union, types.UnionType):
        parts = [a for a in _args(t) if a is not type(None)]
        text = " or ".join(_type_text(a) for a in parts)
        return text + (" or null" if len(parts) < len(_args(t)) else "")
    if origin is Literal:
        values = _args(t)
        if set(values) == set(WORKER_TYPES):
            return "worker type"
        return "one of: " + ", ".join(str(v) for v in values)
    if origin is dict:
        k, v = _args(t)
        key = "per worker type" if _type_text(k) == "worker type" else f"{_type_text(k)} →"
        return f"{key} {_type_text(v)}" if key.endswith("→") else f"{key}: {_type_text(v)}"
    if origin is tuple:
        return f"list of {_type_text(_args(t)[0])}"
    if _is_model(t):
        return f"block ({t.__name__})"
    return {bool: "true/false", int: "whole number", float: "number", str: "text",
            dt.date: "date (YYYY-MM-DD)"}.get(t, getattr(t, "__name__", str(t)))


def _limit_of(validator: Any) -> float | None:
    # basics.at_most keeps its limit in the check function's closure
    func = getattr(validator, "func", None)
    if func is None or func.__name__ != "check":
        return None
    return inspect.getclosurevars(func).nonlocals.get("limit")


def _constraints(metadata: list) -> list[str]:
    out = []
    for m in metadata:
        for attr, word in (("gt", "above"), ("ge", "at least"), ("lt", "below"),
                           ("le", "at most"), ("max_length", "at most characters:")):
            v = getattr(m, attr, None)
            if v is not None and not callable(v):
                out.append(f"{word} {v:g}" if isinstance(v, (int, float)) else f"{word} {v}")
        limit = _limit_of(m)
        if limit is not None:
            out.append(f"at most {limit:,.0f}")
        inner = getattr(m, "metadata", None)  # Annotated[..., Field(...)] inside a container
        if inner:
            out.extend(_constraints(inner))
    return out


def _range(field) -> str:
    bits = _constraints(list(field.metadata))
    t = _strip(field.annotation)
    for a in _args(t):  # dict values and Optional members may carry their own bounds
        if typing.get_origin(a) is typing.Annotated:
            bits.extend(_constraints(list(_args(a)[1:])))
    return ", ".join(dict.fromkeys(bits))


def _default(field) -> str:
    if field.is_required():
        return "required"
    d = field.default
    if d is PydanticUndefined:
        d = field.default_factory() if field.default_factory else None
    if isinstance(d, BaseModel):
        return "(block defaults)"
    if d is None:
        return "null"
    if isinstance(d, bool):
        return "true" if d else "false"
    if isinstance(d, (tuple, list)) and not d:
        return "none"
    if isinstance(d, dict) and not d:
        return "none"
    if isinstance(d, tuple) and len(set(d)) == 1:
        return f"{d[0]:g} × {len(d)}"
    if isinstance(d, float):
        return f"{d:g}"
    return str(d)


def _first_line(doc: str | None) -> str:
    return " ".join((doc or "").strip().split("\n\n")[0].split())


def _models_in(t: Any) -> Iterator[tuple[str, type]]:
    """(path suffix, model) for each block type inside a field's type ("" for the field itself,
    ".KEY" inside a mapping, "[]" inside a list)."""
    t = _strip(t)
    if _is_dist(t):
        return
    origin = typing.get_origin(t)
    if _is_model(t):
        yield "", t
    elif origin in (Union, types.UnionType):
        for a in _args(t):
            yield from _models_in(a)
    elif origin is dict:
        for suffix, m in _models_in(_args(t)[1]):
            yield ".KEY" + suffix, m
    elif origin is tuple:
        for suffix, m in _models_in(_args(t)[0]):
            yield "[]" + suffix, m


def blocks(model: type = Scenario, path: str = "") -> list[tuple[str, type]]:
    """Every block of a scenario file as (path, model), in file order, the top level first
    (``stages.STAGE.clock``; ``[]`` marks one item of a list)."""
    out = [(path, model)]
    for name, field in model.model_fields.items():
        for suffix, m in _models_in(field.annotation):
            p = f"{path}.{name}" if path else name
            out.extend(blocks(m, p + suffix.replace("KEY", _PLACEHOLDER.get(name, "KEY"))))
    return out


def _meaning(model: type, name: str, f) -> str:
    if f.description:
        return f.description
    if f"{model.__name__}.{name}" in _NOTES:
        return _NOTES[f"{model.__name__}.{name}"]
    inner = [m for _, m in _models_in(f.annotation)]
    return _first_line(inner[0].__doc__) if inner else ""


def _rows(model: type) -> list[tuple[str, str, str, str, str, str]]:
    rows = []
    for name, f in model.model_fields.items():
        rows.append((name, _type_text(f.annotation), _unit(name, f.annotation), _range(f),
                     _default(f), _meaning(model, name, f)))
    return rows


def field_summary(block: str, field: str) -> str:
    """One line on a top-level block's field, e.g. "% ; 0 to 100; share of vacant FTE covered"
    (used by the ``workbench new`` template)."""
    model = Scenario.model_fields[block].annotation
    f = _strip(model).model_fields[field]
    unit, rng = _unit(field, f.annotation), _range(f)
    return "; ".join(x for x in (unit, rng, _meaning(_strip(model), field, f)) if x)


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render() -> str:
    """The reference as Markdown."""
    from .basics import Exponential, Fixed, Gamma, Histogram, LogNormal, Uniform

    out = ["# Scenario file reference", "",
           "Generated from the scenario schema by `python -m workbench.scenario.reference`; do not "
           "edit by hand (a test fails when it is out of date).", "",
           "A scenario file is YAML. A **variant** names its base (`base: baseline.yaml`) and "
           "states only what differs: blocks are merged key by key, except an outcome block "
           "(`next:`), a distribution (`dist: ...`) and a list (a team's `staff`, `surges`, "
           "`campaigns`), which are stated whole (a distribution written without `dist:` "
           "changes only the fields it gives of its base's). Unknown fields "
           "are errors. Start one with `workbench new NAME --from scenarios/baseline.yaml`, and "
           "check it with `workbench validate FILE`.", "",
           "Units are carried in field names: `_days` calendar days, `_wd` working days, `_hours` "
           "hours of a worker's time, `_fte` full-time equivalents, `_pct` percentages (0-100), "
           "`_gbp` pounds. `STAGE` is one of the stages of the child's journey "
           f"({', '.join(f'`{s}`' for s in _stage_names())}); `TEAM` a team's name; worker "
           f"types are {', '.join(f'`{w}`' for w in WORKER_TYPES)}. `[]` marks one item of a "
           "list.", "",
           "Write numbers plainly: `6250`, not `6,250`, `6 250`, `6.250` (read as six and a "
           "quarter) or `6k`; a percentage out of 100 (`20` for 20%, not `0.2` or `20%`); a "
           "surge's multiplier as the whole (`1.35` for a rise of 35%); dates as YYYY-MM-DD "
           "(`2017-10-31`). `workbench validate` notes a percentage under 1 and a count or "
           "amount with a point before three digits.", ""]
    for path, model in blocks():
        title = f"`{path}`" if path else "Top level"
        out += [f"## {title}", ""]
        doc = _first_line(model.__doc__)
        if doc:
            out += [doc, ""]
        out += ["| field | type | unit | allowed | default | meaning |",
                "|---|---|---|---|---|---|"]
        out += ["| " + " | ".join(_cell(c) for c in (f"`{r[0]}`",) + r[1:]) + " |"
                for r in _rows(model)]
        out.append("")
    out += ["## Distributions", "",
            "A field of type *distribution* gives a duration or an amount of work as one of these "
            "(in the unit of the field's name), e.g. `{dist: lognormal, mean: 12, cv: 0.4}`.", "",
            "| dist | fields | meaning |", "|---|---|---|"]
    for m in (Fixed, Exponential, LogNormal, Gamma, Uniform, Histogram):
        fields = ", ".join(f"`{n}` ({_type_text(f.annotation)}"
                           + (f", {_range(f)}" if _range(f) else "") + ")"
                           for n, f in m.model_fields.items() if n != "dist")
        meaning = _first_line(m.__doc__) or "Every value between low and high equally likely."
        out.append(f"| `{_args(m.model_fields['dist'].annotation)[0]}` | {_cell(fields)} | "
                   f"{_cell(meaning)} |")
    out += ["", "## Inputs given as ranges (`uncertain:`)", "",
            "An input not known exactly is given a distribution under `uncertain:`, by the dotted "
            "path of its number, e.g. `demand.referrals_per_year: {dist: uniform, low: 5800, "
            "high: 6800}`. Each run draws its own value from its seed and the path alone, so "
            "scenarios compared draw the same values in the same run. The rules:", "",
            "- The path names a number in a block; an entry of a list (`staff.0.count`, "
            "`seasonality.3`) cannot be uncertain, nor the run's frame (`horizon_years`, "
            "`start_date`, `calendar`) or the names.",
            "- A share of a set that sums to 100 (a `next:` outcome, a leaver destination) cannot "
            "take a range: it must sum with the others.",
            "- Whole-number inputs: a `uniform` range between whole numbers gives each whole "
            "number in it an equal chance; other ranges are rounded, and `run` says so.",
            "- A `fixed` \"range\" must equal the field's own value (it records that the value is "
            "known); the field's own value should lie inside its range (`validate` notes one "
            "outside: no run would use it).",
            "- Validation checks the draws at the range's 0.1% and 99.9% points; sensitivity "
            "analysis keeps its points between them for a range with no upper end.",
            "- A variant that gives an input a value of its own (or a block holding it, stated "
            "whole) uses that value, not its base's range (`validate` says so); to keep a range, "
            "give one in the variant's own `uncertain:`. A lever (the explorer, the app, "
            "`optimise`) that sets a ranged input fixes it; the change in referrals moves their "
            "range.", ""]
    return "\n".join(out).rstrip("\n") + "\n"


def _stage_names() -> tuple[str, ...]:
    from .basics import STAGES

    return STAGES


def write(path: str | Path = DOC_PATH) -> Path:
    """Write the reference to ``path`` (default ``docs/scenario-reference.md``)."""
    return files.write_text(path, render())


if __name__ == "__main__":
    print(f"Wrote {write()}")
