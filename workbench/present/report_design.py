"""What the scrutiny report runs: the options, the pressures applied to them, and the warm-up.

A committee chooses between *options* (recruit, train, buy agency cover, pay to retain); it does
not choose a demand surge or a wave of leavers. So the report sorts the scenario files it is given
into options and *pressures* (:func:`split_pressures`), and runs every option again under every
pressure as a stress test (:func:`report_design`). The warm-up left out of the averages is the
length the MSER-5 diagnostic suggests for the baseline (:func:`choose_warmup`), unless the caller
sets one.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from ..scenario import Scenario

__all__ = ["PRESSURE_FIELDS", "ReportDesign", "Warmup", "changed_fields", "choose_warmup",
           "flatten", "report_design", "split_pressures"]

#: Settings a council does not choose: a variant that changes only these is a pressure (what
#: happens to the service), not an option (what the council does about it).
PRESSURE_FIELDS = ("demand.", "workforce.turnover_pct_per_year", "workforce.pressure_turnover_effect",
                   "workforce.long_term_absence", "initial.")

#: Weekly series whose warm-up the MSER diagnostic examines: the children waiting and the share
#: of assessments on time (the issue: the first weeks showed 100% on time).
WARMUP_COLUMNS = ("unallocated", "assessment_within_45wd_pct")
#: Weeks of weekly figures MSER-5 needs to judge a warm-up (four batches of five).
MSER_WEEKS = 20


def flatten(d: Any, prefix: str = "") -> dict[str, Any]:
    """A scenario's settings as dotted field names and their values."""
    # a distribution spec (``dist: ...``) and a list are one value each, as in a scenario file
    if isinstance(d, dict) and "dist" not in d:
        out: dict[str, Any] = {}
        for k, v in d.items():
            out.update(flatten(v, f"{prefix}.{k}" if prefix else str(k)))
        return out
    return {prefix: d}


def changed_fields(base: Scenario, variant: Scenario) -> dict[str, Any]:
    """The dotted fields where ``variant`` differs from ``base``, with the variant's values
    (names, descriptions and sources left out: they describe, they do not change the model)."""
    a, b = flatten(base.to_dict()), flatten(variant.to_dict())
    skip = ("name", "description", "sources")
    return {k: b.get(k) for k in sorted(set(a) | set(b))
            if a.get(k) != b.get(k) and not k.startswith(skip)}


def split_pressures(scenarios: Mapping[str, Scenario], baseline: str,
                    pressures: Sequence[str] = ()) -> tuple[list[str], list[str]]:
    """Sort the variants of ``baseline`` into options and pressures.

    Parameters
    ----------
    scenarios : dict[str, Scenario]
        Every scenario by label, the baseline among them.
    baseline : str
        The baseline's label.
    pressures : sequence of str
        Labels to treat as pressures whatever they change; the others are sorted by
        :data:`PRESSURE_FIELDS` (a variant that changes only those is a pressure).

    Returns
    -------
    (options, pressures) : two lists of labels, in the order given
    """
    options, found = [], []
    for label, sc in scenarios.items():
        if label == baseline:
            continue
        changed = changed_fields(scenarios[baseline], sc)
        external = bool(changed) and all(k.startswith(PRESSURE_FIELDS) for k in changed)
        (found if label in pressures or external else options).append(label)
    return options, found


@dataclass
class ReportDesign:
    """The report's scenarios and how they relate.

    Attributes
    ----------
    baseline : str
        The baseline's label.
    options : list of str
        The options (the baseline not among them), in the order given.
    pressures : list of str
        The pressures (stress tests), in the order given.
    stress : dict[str, dict[str, str]]
        For each pressure, the label of the baseline and of every option run under it
        (``stress[pressure][option]``; ``stress[pressure][baseline]`` is the pressure's own file).
    scenarios : dict[str, Scenario]
        Every scenario to run, by label: the baseline, the options, then each pressure's runs.
    """

    baseline: str
    options: list[str]
    pressures: list[str]
    stress: dict[str, dict[str, str]] = field(default_factory=dict)
    scenarios: dict[str, Scenario] = field(default_factory=dict)


def stress_label(option: str, pressure: str) -> str:
    """The label of ``option`` run under ``pressure``, e.g. "Academy expansion under demand surge".

    The pressure's first letter is lowered only when its name is written in plain sentence case
    (a capital first letter, the rest of its first word in small letters, no other capital:
    "Demand surge"); a name written otherwise keeps its case exactly ("Grow Our Own Academy",
    "NHS strike", "eFostering")."""
    return f"{option} under {_mid_sentence(pressure)}"


def _mid_sentence(name: str) -> str:
    words = name.split()
    if not words:
        return name
    first, rest = words[0], name.lstrip()[len(words[0]):]
    plain = (len(first) > 1 and first[0].isupper() and first[1:].isalpha() and first[1:].islower()
             and not any(ch.isupper() for ch in rest))
    return name.replace(first, first[0].lower() + first[1:], 1) if plain else name


def report_design(scenarios: Mapping[str, Scenario], baseline: str | None = None,
                  pressures: Sequence[str] = ()) -> ReportDesign:
    """The options, the pressures and every option run under every pressure.

    Each option under a pressure is the option's scenario with the pressure's changes from the
    baseline applied on top (:func:`changed_fields`), validated again.

    Parameters
    ----------
    scenarios : dict[str, Scenario]
        The scenario files' scenarios by label, the baseline first.
    baseline : str, optional
        Default: the first.
    pressures : sequence of str
        Labels to treat as pressures (see :func:`split_pressures`).
    """
    baseline = baseline or next(iter(scenarios))
    options, found = split_pressures(scenarios, baseline, pressures)
    design = ReportDesign(baseline, options, found)
    design.scenarios = {baseline: scenarios[baseline], **{o: scenarios[o] for o in options}}
    base = scenarios[baseline]
    taken = {_key(lb) for lb in scenarios}
    for p in found:
        changes = changed_fields(base, scenarios[p])
        runs = {baseline: p}
        design.scenarios[p] = scenarios[p]
        for o in options:
            label = _free(stress_label(o, p), taken)
            design.scenarios[label] = scenarios[o].replace({**changes, "name": label[:200]})
            runs[o] = label
        design.stress[p] = runs
    return design


def _key(label: str) -> str:
    """A label as names are told apart (case and runs of spaces aside)."""
    return " ".join(str(label).split()).casefold()


def _free(label: str, taken: set[str]) -> str:
    """``label``, or ``label (stress test)`` (then numbered) where a scenario file or another run
    already has that name: an option named "Cheap under surge" was replaced by the run of the
    option "Cheap" under the pressure "Surge", and ranked with its numbers."""
    out, n = label, 1
    while _key(out) in taken:
        out = f"{label} (stress test)" if n == 1 else f"{label} (stress test {n})"
        n += 1
    taken.add(_key(out))
    return out


@dataclass(frozen=True)
class Warmup:
    """The warm-up left out of the report's averages, and why.

    Attributes
    ----------
    days : float
        Calendar days from the start.
    basis : str
        ``"mser"`` (suggested by the MSER-5 diagnostic), ``"given"`` (set by the caller),
        ``"too_short"`` (the run was too short for the MSER-5 check: under
        :data:`MSER_WEEKS` weeks; nothing is left out) or ``"unchecked"`` (the pilot gave no
        weekly series to check; nothing is left out).
    columns : tuple of str
        The weekly series the diagnostic examined.
    """

    days: float
    basis: str = "given"
    columns: tuple[str, ...] = ()

    def sentence(self, start: dt.date) -> str:
        """The warm-up in one plain-English sentence, for the report."""
        if self.basis == "too_short":
            return (f"Averages cover the whole simulated period, with no warm-up left out: the "
                    f"run was too short for the MSER-5 warm-up check (it needs at least "
                    f"{MSER_WEEKS} weeks of weekly figures), so whether the first weeks still "
                    f"show the start from the snapshot could not be checked. Simulate "
                    f"{MSER_WEEKS} weeks or more for the check.")
        if self.basis == "unchecked":
            return ("Averages cover the whole simulated period, with no warm-up left out: the "
                    "MSER-5 warm-up check had no weekly figures to examine.")
        if self.days <= 0:
            how = ("the MSER-5 warm-up check found no start-up effect to leave out"
                   if self.basis == "mser" else "no warm-up was left out (set by the caller)")
            return f"Averages cover the whole simulated period: {how}."
        end = start + dt.timedelta(days=self.days)
        weeks = round(self.days / 7)
        # under a fortnight in days: 3 days read "The first 0 weeks", 10 "The first 1 weeks"
        length = (f"{self.days:g} day{'' if self.days == 1 else 's'}" if self.days < 14
                  else f"{weeks} weeks")
        why = ("the length the MSER-5 warm-up check suggests for the baseline's weekly "
               "figures, while the simulation settles from its starting snapshot"
               if self.basis == "mser" else "a warm-up set by the caller")
        # the day without a leading zero, as the report's other dates ("9 January 2018")
        return (f"The first {length} (to {end.day} {end:%B %Y}) are left out of the averages: "
                f"{why}.")


def choose_warmup(scenario: Scenario, replications: int, seed: int, years: float | None,
                  executor: str = "process", warmup_days: float | None = None) -> Warmup:
    """The warm-up for the report: ``warmup_days`` when given, else the MSER-5 suggestion.

    The suggestion comes from a pilot run of the baseline alone (up to four replications, the
    report's first seeds, nothing written to disk) with nothing left out: the largest truncation
    MSER-5 suggests over :data:`WARMUP_COLUMNS`. A run too short for MSER-5 (under
    :data:`MSER_WEEKS` weeks) leaves nothing out and says so (basis ``"too_short"``), rather than
    passing for a check that found no start-up effect; nothing is printed or warned.
    """
    if warmup_days is not None:
        return Warmup(float(warmup_days), "given")
    from ..experiment import run_experiment

    pilot = run_experiment({"pilot": scenario}, replications=min(int(replications), 4), seed=seed,
                           years=years, executor=executor, out=None, progress=False)
    days, judged, short = 0.0, False, False
    columns = tuple(c for c in WARMUP_COLUMNS if c in pilot.timeseries.columns)
    for column in columns:
        diag = pilot.warmup_diagnostic(column, batch_size=MSER_WEEKS // 4)
        short = short or bool(diag.too_short)
        suggested = diag.suggested_warmup_days
        if not math.isnan(suggested):  # NaN: not judged (too short), never taken as 0
            judged = True
            days = max(days, suggested)
    if not judged:
        return Warmup(0.0, "too_short" if short else "unchecked", columns)
    return Warmup(days, "mser", columns)
