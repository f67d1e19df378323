"""What a variant changes from its base, in plain English: one line a field, never a field path
or a Python value ("Agency workers' caseload cap: 20 → 18", "Families First: experienced social
workers 70 → 80"). The report's "What each option and pressure changes" is made of these lines.
The field names are the appendix's (:func:`~.appendix.plain_name`), the values the report text's
(:func:`~.report_text.describe_value`).
"""

from __future__ import annotations

from ..scenario import Scenario
from .appendix import STAGE_NAMES, plain_name   # the teams' and fields' names, as the appendix says
from .report_design import flatten
from .report_text import FIELD_LABELS, describe_value, md_escape
from .tables import isolate

__all__ = ["NO_CHANGE", "WORKER_WORDS", "changes_markdown", "describe_changes", "field_words"]


#: Each type of worker, in words (a scenario's ``type:`` and caseload caps).
WORKER_WORDS = {"experienced": "experienced social workers",
                "nqsw": "newly qualified social workers", "academy": "academy trainees",
                "agency": "agency workers"}
#: What a variant that changes nothing says.
NO_CHANGE = "Changes nothing: every setting is the same as the baseline's."


def _team_words(key: str) -> str:
    name = STAGE_NAMES.get(key)
    return name.removesuffix(" teams") if name else isolate(key.replace("_", " ").capitalize())


def _cap_words(worker: str) -> str:
    who = WORKER_WORDS.get(worker, f"{worker.replace('_', ' ')} workers")
    return f"{who}' caseload cap"


def field_words(key: str) -> str:
    """A scenario field in plain English, never its path: "caseload.caps.agency" -> "Agency
    workers' caseload cap", "teams.families_first.establishment_fte" -> "Families First: funded
    posts (full-time)"."""
    if key in FIELD_LABELS:
        return FIELD_LABELS[key]
    parts = key.split(".")
    if len(parts) == 1:   # a setting of its own ("start_date"): its name once
        return key.replace("_", " ").capitalize()
    if len(parts) == 3 and parts[:2] == ["caseload", "caps"]:
        words = _cap_words(parts[2])
        return words[:1].upper() + words[1:]
    if len(parts) >= 3 and parts[0] == "teams":
        team = _team_words(parts[1])
        if len(parts) == 4 and parts[2] == "caps":
            return f"{team}: {_cap_words(parts[3])}"
        rest = plain_name(".".join(["teams", *parts[2:]]))
        return f"{team}: {rest[:1].lower() + rest[1:]}"
    return plain_name(key)


def _staff_changes(team: str, before, after) -> list[str]:
    """A team's staff in post, type by type: "Families First: experienced social workers 70 →
    80" (a part-time group says how much of full time it works)."""
    def groups(staff) -> dict:
        out: dict = {}
        for g in staff or ():
            k = (g.get("type"), float(g.get("fte", 1.0)), float(g.get("months_qualified", 36.0)))
            out[k] = out.get(k, 0) + int(g.get("count", 0))
        return out

    a, b = groups(before), groups(after)
    keys = list(dict.fromkeys([*a, *b]))
    lines = []
    for k in keys:
        if a.get(k, 0) == b.get(k, 0):
            continue
        kind, fte, months = k
        who = WORKER_WORDS.get(kind, f"{str(kind).replace('_', ' ')} workers")
        if fte != 1.0:
            who += f" working {fte:g} of full time"
        if sum(1 for o in keys if o[:2] == k[:2]) > 1:   # told apart by their experience
            who += f" qualified {months:g} months"
        lines.append(f"{team}: {who} {a.get(k, 0):,} → {b.get(k, 0):,}")
    return lines


def describe_changes(base: Scenario, variant: Scenario) -> list[str]:
    """What a variant changes from its base, one plain-English line per field (never a field
    path or a Python value); :data:`NO_CHANGE` for a variant that changes nothing."""
    a = flatten(base.to_dict())
    b = flatten(variant.to_dict())
    lines = []
    for key in sorted(set(a) | set(b)):
        if key in ("name", "description", "sources") or key.startswith("sources."):
            continue
        if a.get(key) == b.get(key):
            continue
        parts = key.split(".")
        if len(parts) == 3 and parts[0] == "teams" and parts[2] == "staff":
            lines += _staff_changes(_team_words(parts[1]), a.get(key), b.get(key))
            continue
        before, after = describe_value(a.get(key)), describe_value(b.get(key))
        if before == after:   # e.g. two distributions with one average: say all of each
            before, after = describe_value(a.get(key), True), describe_value(b.get(key), True)
        # values from the file (a team's or an authority's name) isolated, as names are
        lines.append(f"{field_words(key)}: {isolate(before)} → {isolate(after)}")
    return lines or [NO_CHANGE]


def changes_markdown(exp, baseline: str | None = None, with_baseline: bool = False) -> str:
    """Each scenario's description and, as a list, what it changes from the baseline
    (:func:`describe_changes`); ``with_baseline`` also describes the baseline itself."""
    baseline = baseline or next(iter(exp.scenarios))
    base = exp.scenarios[baseline]
    parts = []
    for label, sc in exp.scenarios.items():
        if label == baseline:
            if with_baseline:
                parts.append(f"**{md_escape(isolate(label))}** (the baseline): "
                             f"{md_escape(isolate(sc.description))}")
            continue
        lines = "\n".join(f"- {md_escape(line)}" for line in describe_changes(base, sc))
        parts.append(f"**{md_escape(isolate(label))}**: "
                     f"{md_escape(isolate(sc.description))}\n\n{lines}")
    return "\n\n".join(parts)
