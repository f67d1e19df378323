"""The scrutiny report's words and tables, generated from the numbers.

Councillors read the report, never code: the words here (what each scenario changes, the
assumptions as the scenario files comment them, the limitations, the glossary, the explorer's
summary) are shared by the report's sections (:mod:`workbench.present.report_sections`), the
comparison notebook and the explorer.
"""

from __future__ import annotations

import html
import math
import re
from decimal import Decimal
from pathlib import Path
from typing import Any, Sequence

import pandas as pd

from .tables import (baseline_words, bidi_html, counted, isolate, kpi_comparison_table,
                     kpi_summary_table, period_text, runs_with_value, table_html, text_html)

GLOSSARY = {
    "ASYE": "Assessed and Supported Year in Employment: a newly qualified social worker's first "
            "year, with a protected caseload and extra supervision.",
    "NQSW": "Newly qualified social worker (in the ASYE year).",
    "Academy": "A council's own 'grow your own' scheme: newly qualified social workers recruited "
               "over the funded posts, trained for a year, then placed into vacancies.",
    "Agency worker": "A social worker supplied by an agency to cover a post, usually at a higher cost "
                     "and for a shorter time than a permanent employee.",
    "Assessment": "The single assessment of a child's needs after a referral; by law it should be "
                  "finished within 45 working days.",
    "CIN": "Child in need (Children Act 1989 section 17): a child who gets help under a plan.",
    "CP plan": "Child protection plan, made when a conference finds a child at risk of significant harm.",
    "s47 enquiry": "An investigation under section 47 of the Children Act 1989 when a child may be "
                   "suffering significant harm.",
    "ICPC": "Initial child protection conference: decides whether a child needs a CP plan; due "
            "within 15 working days of the strategy discussion.",
    "LAC": "Looked-after child: a child in the council's care.",
    "PLO": "Public Law Outline: the pre-proceedings and court process for care proceedings (26-week target).",
    "Unallocated": "A child whose case is open but who has no named social worker yet.",
    "Caseload aim": "The number of cases a full-time experienced social worker should hold (20 in "
                    "the baseline; less for newly qualified staff).",
    "FTE": "Full-time equivalent: two half-time workers count as one.",
    "Establishment": "The number of funded social work posts; a vacancy is a funded post with no "
                     "permanent worker in it.",
    "Replication": "One run of the simulation. Each scenario is run many times with different "
                   "chance events, and the ranges show how much the answer varies.",
    "95% range": "The range within which the true average is expected to lie, given the "
                 "replications run (statisticians call it a confidence interval).",
    # page one's differences and the warm-up's sentence used these with no word of what they are
    "pts": "Percentage points: the difference between two percentages (80% to 85% is +5 pts).",
    "Warm-up": "The first weeks of a simulation, while it settles from its starting snapshot; "
               "left out of the averages. A standard check (MSER-5) suggests how long.",
}

LIMITATIONS = [
    "This is a model, not a forecast. It shows how the workforce and the flow of children interact "
    "under stated assumptions; its numbers are only as good as those assumptions (listed below).",
    "The baseline is an illustrative authority modelled on Durham County Council's published "
    "figures for 31 October 2017 and on national statistics; it is not any council's own data "
    "until an analyst calibrates it to local extracts (see the calibration notebook).",
    "Several parameters are not published anywhere (for example, how much work an assessment "
    "takes, or how strongly high caseloads drive people to leave). They are set so that the "
    "baseline behaves like the published figures, and marked 'assumption'.",
    "Quality of practice is not modelled: the report measures timeliness, allocation, stability "
    "and cost, not whether the work done was good.",
    "Timeliness here depends on social workers' time only. Delays caused by partners, courts or "
    "families are not modelled.",
    "The front door's staffing is held fixed; only case-holding teams gain and lose staff.",
    "Ranges reflect chance in the simulation (which children arrive when, who leaves) and the "
    "inputs a scenario gives as ranges, if any (said beside the ranges); other assumptions are "
    "taken as given: test those by changing them.",
]

# plain-English names for scenario fields that variants commonly change
FIELD_LABELS = {
    "academy.intake_per_year": "Academy places a year",
    "academy.start_month": "Month academy cohorts start",
    "academy.cost_per_place_gbp": "Extra cost per academy place (GBP)",
    "recruitment.success_pct": "Chance a vacant post is filled in each recruitment round (%)",
    "recruitment.experienced_share_pct": "Share of new appointments who are experienced (%)",
    "recruitment.round_interval_weeks": "Weeks between recruitment rounds",
    "recruitment.campaigns": "Recruitment campaigns",
    "recruitment.enabled": "Recruitment to vacancies",
    "recruitment.time_to_hire_weeks": "Time from offer to start (weeks)",
    "agency.cover_share_pct": "Share of vacant posts covered by agency staff (%)",
    "agency.cap_share_pct": "Cap on agency staff (% of all social workers)",
    "agency.cap_fte": "Cap on agency staff (FTE)",
    "agency.lead_time_weeks": "Time to get an agency worker (weeks)",
    "agency.enabled": "Agency cover",
    "retention.enabled": "Retention payment scheme",
    "retention.payment_gbp_per_year": "Retention payment a year (GBP)",
    "retention.turnover_reduction_pct": "Assumed fall in leaving among eligible staff (%)",
    "retention.eligible_min_years": "Years of experience to qualify for the payment",
    "retention.start_date": "Retention payment starts",
    "demand.referrals_per_year": "Referrals a year",
    "demand.surges": "Change in referrals",
    "demand.trend_pct_per_year": "Yearly trend in referrals (%)",
    "caseload.hard_limit_pct": "Most a worker may hold, % of her caseload aim",
    "horizon_years": "Years simulated",
}


# ----------------------------------------------------------------------------------- helpers
#: Characters that Markdown reads as formatting or links, as character references: brackets
#: (so that "[text](javascript:...)" is never a link), emphasis, code, strike-through, tables,
#: headings; "://", "www." and "@" so that a bare address or e-mail in a description is not
#: made a live link by a renderer that links them (GitHub-flavoured Markdown, as in Jupyter).
_MD_REFERENCES = {"[": "&#91;", "]": "&#93;", "*": "&#42;", "_": "&#95;", "`": "&#96;",
                  "~": "&#126;", "|": "&#124;", "#": "&#35;", "@": "&#64;", "\\": "&#92;"}


def md_escape(text) -> str:
    """``text`` safe to place in Markdown: HTML escaped, formatting and links made plain."""
    # Markdown passes HTML through: text from scenario files and parameters is escaped first
    text = html.escape(str(text), quote=False)
    text = "".join(_MD_REFERENCES.get(ch, ch) for ch in text)
    return text.replace("://", ":&#47;&#47;").replace("www.", "www&#46;").replace(
        "WWW.", "WWW&#46;")


# ----------------------------------------------------------------------------------- ranges
def _input_name(path: str) -> str:
    """An uncertain input's plain-English name (the sensitivity analysis's, a field's label, or
    its path)."""
    from ..decision.sensitivity import DEFAULT_INPUTS

    if path in DEFAULT_INPUTS:
        return DEFAULT_INPUTS[path]
    if path in FIELD_LABELS:
        return FIELD_LABELS[path][:1].lower() + FIELD_LABELS[path][1:]
    return path.replace("_", " ").replace(".", ": ")


def _and(items: Sequence[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def times(n: int) -> str:
    """How many times, in words: "once", "2 times"."""
    return "once" if n == 1 else f"{n:,} times"


#: What chance covers, in the ranges' sentence.
_CHANCE = "chance (which children are referred when, how long work takes, who leaves)"


def ranges_sentence(scenarios) -> str:
    """What the ranges of these scenarios' results include, in plain English: chance only, or
    chance and the inputs given as ranges (the scenario's ``uncertain:`` block), named.

    Parameters
    ----------
    scenarios : dict[str, Scenario] or sequence of Scenario
        The scenarios whose results are shown (an experiment's ``scenarios``).
    """
    scs = list(scenarios.values()) if isinstance(scenarios, dict) else list(scenarios)

    def ranged(sc) -> list[str]:
        # (a "range" of one fixed value is no uncertainty)
        return [p for p, d in (getattr(sc, "uncertain", None) or {}).items()
                if getattr(d, "dist", None) != "fixed"]

    with_inputs = [sc for sc in scs if ranged(sc)]
    if not with_inputs:
        return (f"These ranges show {_CHANCE.replace('chance', 'chance only', 1)}, not "
                f"uncertainty in the inputs themselves.")

    def named(paths: list[str]) -> str:
        names = [_input_name(p) for p in paths]
        return _and(names if len(names) <= 6 else names[:5] + [f"{len(names) - 5} other inputs"])

    others = (" The ranges of the other scenarios show chance only."
              if len(with_inputs) < len(scs) else "")
    if len({frozenset(ranged(sc)) for sc in with_inputs}) > 1:
        # the scenarios' ranges cover different inputs: each named with its own (the sentence
        # named every input for every scenario, so a variant adding a range on turnover read as
        # if the baseline's ranges held it too)
        each = "; ".join(f"for {isolate(sc.name)}, {named(ranged(sc))}" for sc in with_inputs)
        return (f"These ranges show {_CHANCE}, and uncertainty in inputs given as ranges, which "
                f"differ between the scenarios: {each}. Each run draws those inputs afresh."
                + others)
    text = (f"These ranges include uncertainty in {named(ranged(with_inputs[0]))}, as well as "
            f"{_CHANCE}: each run draws those inputs afresh.")
    if others:
        text += (f" That holds for {_and([isolate(sc.name) for sc in with_inputs])}; the ranges "
                 f"of the other scenarios show chance only.")
    return text


# ----------------------------------------------------------------------------------- visits
#: The statutory visits' measures, in the order the tables list them, with their words in a
#: sentence ("of child protection visits").
VISIT_KPIS = {"cp_visits_on_time_pct": "child protection visits",
              "court_visits_on_time_pct": "visits to children in care proceedings",
              "lac_visits_on_time_pct": "visits to children in care"}


def visits_sentence(exp, label: str, name: str | None = None) -> str:
    """The statutory visits made on time in one scenario (``label`` of ``exp``), with their
    95% ranges, in plain English; the stages whose visits were mostly late are named plainly
    after it ("Most visits to children in care proceedings were late."). A stage without a value
    (no visits in the scenario, or none fell due) is left out; "" when no stage has one.

    ``name`` is the scenario's name as the sentence says it (default: its display name), plain
    text (the caller escapes it)."""
    from ..analysis.registry import kpi
    from .tables import clip_range, display_name, kpi_intervals

    parts, late = [], []
    for key, words in VISIT_KPIS.items():
        if key not in exp.kpis.columns:
            continue
        rows = exp.kpis[exp.kpis.scenario == label]
        ci = kpi_intervals(rows, key)
        if ci.empty or math.isnan(float(ci["mean"].iloc[0])):
            continue
        k = kpi(key)
        m, n = float(ci["mean"].iloc[0]), int(ci["n"].iloc[0])
        lo, hi = clip_range(key, float(ci["low"].iloc[0]), float(ci["high"].iloc[0]))
        made = len(rows)
        some = runs_with_value(n, made)
        if n > 1 and k.format(lo) != k.format(hi):
            rng = f"95% range {k.format(lo, unit=False)} to {k.format(hi)}"
            rng = f" ({rng}; {some})" if some else f" ({rng})"
        else:
            rng = f" ({'only ' * (n == 1)}{some})" if some else ""
        parts.append(f"{k.format(m)} of {words}{rng}")
        if k.format(m, unit=False) != "50.0" and m < 50:   # as shown: "50.0%" is not "most"
            late.append(words)
    if not parts:
        return ""
    who = isolate(name if name is not None else display_name(exp, label))
    text = f"Statutory visits made on time in {who}: {_and(parts)}."
    if late:
        text += f" Most {_and(late)} were late."
    return text


# ----------------------------------------------------------------------------------- changes
#: A distribution's settings in words where its average alone does not tell two apart.
_DIST_WORDS = {"cv": "coefficient of variation"}


def number_words(v: float) -> str:
    """A number as a setting was written, in full: thousands grouped, never rounded and never in
    scientific notation (``f"{v:g}"`` showed 1,234,567 as 1.23457e+06 and 123,456.7 as 123457)."""
    if isinstance(v, float) and not math.isfinite(v):
        return str(v)
    d = Decimal(str(v)) if isinstance(v, float) else Decimal(v)
    return f"{int(d):,}" if d == d.to_integral_value() else format(d, ",f")


def describe_value(v: Any, full: bool = False) -> str:
    """A scenario setting's value in words (a distribution, settings of its own, a list); with
    ``full``, a distribution's every setting, not only its average (the changes say this when
    two distributions share their average: "9.5 on average → 9.5 on average" hid a change of
    spread or shape)."""
    if isinstance(v, dict) and "dist" in v:
        rest = [f"{_DIST_WORDS.get(k, k)} {describe_value(x)}" for k, x in v.items()
                if k not in ("dist", "mean")]
        head = [f"{number_words(v['mean'])} on average"] if "mean" in v else []
        if not full:
            return head[0] if head else ", ".join(rest)
        return ", ".join([str(v["dist"]), *head, *rest])
    if isinstance(v, dict):   # settings of their own: words, never a Python dictionary
        return ", ".join(f"{str(k).replace('_', ' ')} {describe_value(x, full)}"
                         for k, x in v.items())
    if isinstance(v, (list, tuple)):
        if not v:
            return "none"
        parts = []
        for item in v:
            if isinstance(item, dict) and "hires" in item:
                parts.append(f"{item.get('name', 'campaign')}: {item['hires']} experienced hires "
                             f"{item['start_date']} to {item['end_date']}, cost £{item.get('cost_gbp', 0):,.0f}")
            elif isinstance(item, dict) and "multiplier" in item:
                end = f" to {item['end_date']}" if item.get("end_date") else ""
                parts.append(f"referrals x{number_words(item['multiplier'])} from "
                             f"{item['start_date']}{end}")
            else:
                parts.append(describe_value(item, full))
        return "; ".join(parts)
    if isinstance(v, bool):
        return "yes" if v else "no"
    if v is None:
        return "none"
    if isinstance(v, (int, float)):
        return number_words(v)
    return str(v)


# ----------------------------------------------------------------------------------- assumptions
#: A setting's key at the start of a line of a scenario file: a word, words with spaces (a team
#: the council named "North locality") or quoted ("<b>A</b>"); a list's item may start with it.
#: Only words and underscores were read, so a team named with a space was left out of the
#: appendix and its settings, with their sources, were given to the team before it.
_KEY = re.compile(r"""^\s*(?:-\s+)?
                      ("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"{\[\-][^#:]*?)\s*:(?=\s|$)""",
                  re.X)


def _unquote(key: str) -> str:
    if key[:1] == '"':
        return key[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    if key[:1] == "'":
        return key[1:-1].replace("''", "'")
    return key


def assumptions_from_file(path: str | Path) -> list[tuple[str, str]]:
    """(field, comment) for each commented value in a scenario file: where each figure came from.

    Comments name their source: ``domain.md: ...`` for published figures, ``assumption: ...`` for
    values chosen by the modellers.
    """
    out = []
    stack: list[tuple[int, str]] = []
    pending: list[str] = []
    block = None    # the indent of a key whose value is a block of text (">-", "|")
    for raw in Path(path).read_text(encoding="utf-8").splitlines():
        if not raw.strip():
            continue
        indent = len(raw) - len(raw.lstrip())
        if block is not None and indent > block:
            continue        # a line of a description's text, not a setting
        block = None
        stripped = raw.strip()
        if stripped.startswith("#"):
            pending.append(stripped.lstrip("#").strip())
            continue
        m = _KEY.match(raw)
        key = _unquote(m.group(1)) if m else None
        if m and re.match(r"\s*[>|][-+0-9]*\s*(#.*)?$", raw[m.end():]):
            block = indent
        if key:
            while stack and stack[-1][0] >= indent:
                stack.pop()
            stack.append((indent, key))
        comment = raw.split("#", 1)[1].strip() if "#" in raw and not raw.strip().startswith("#") else ""
        texts = pending + ([comment] if comment else [])
        pending = []
        text = " ".join(texts)
        if key and text and ("domain.md" in text or "Care Planning" in text
                             or re.search(r"assumption|calibrated", text, flags=re.I)):
            out.append((".".join(k for _, k in stack), text))
    return out


# ----------------------------------------------------------------------------------- sections
#: What each of the explorer's result tabs shows, in plain English.
EXPLORER_TAB_NOTES = {
    "Timeliness": "The share of assessments finished within the legal 45 working days, week by "
                  "week. The line is the average over the runs; the shaded band is its 95% range.",
    "Waiting children": "Children whose case is open but who have no named social worker yet, "
                        "counted each week.",
    "Caseloads": "How many cases each full-time social worker holds: the middle half of workers "
                 "and the 10% to 90% range, against the caseload aim (red dashed line).",
    "Workforce": "Who is in post: experienced, newly qualified, academy trainees and agency "
                 "staff (full-time equivalents, stacked), with the vacant funded posts dotted.",
    "Stability": "Changes of social worker: every change means a child tells their story again. "
                 "Changes come from staff leaving, agency assignments ending, transfers (between "
                 "teams, or from a newly qualified worker or trainee to one who may hold a child "
                 "protection case) and reallocation.",
    "Cost": "Pay of permanent staff, agency charges, academy places, recruitment and retention "
            "payments, per year.",
}


def explorer_summary(exp, changes: Sequence[str] = ()) -> tuple[pd.DataFrame, str]:
    """The explorer's Summary tab: the KPI table of its last run and the page around it.

    Parameters
    ----------
    exp : Experiment
        The starting scenario alone, or the starting scenario and yours (in that order).
    changes : sequence of str
        Your changes in plain English (:func:`workbench.decision.levers.describe_levers`).

    Returns
    -------
    (pandas.DataFrame, str)
        The table (one scenario: its averages with 95% ranges; two: yours against the
        starting one, with differences and readings) and the tab's HTML (every value escaped).
    """
    labels = list(exp.scenarios)
    base_label = labels[0]
    period = period_text(exp.scenarios[base_label], exp.years)
    note = "<p style='color:#555;font-size:0.9em;max-width:900px'>"
    if len(labels) > 1:
        chosen = labels[-1]
        table = kpi_comparison_table(exp, base_label, chosen)
        items = "".join(f"<li>{text_html(line)}</li>" for line in changes)
        head = (f"<p><b>{bidi_html(chosen)}</b> against <b>{bidi_html(base_label)}</b>, "
                f"{exp.replications} runs each over {period}, on the same simulated referrals "
                f"and chance events.</p><p>Your changes:</p><ul>{items}</ul>")
        how = (f"{note}Values are averages over the runs for the whole period. "
               "<b>Difference</b>: your scenario minus the starting one, run by run. <b>95% CI</b>: "
               "the range the true difference probably lies in. When it includes zero the change "
               "is <i>not clear</i> with this many runs: add runs to narrow it. <i>Too small to "
               "show</i>: the range excludes zero but the difference itself rounds to zero at the "
               "last digit shown. Percentages differ "
               "in percentage points (pts).</p>")
    else:
        table = kpi_summary_table(exp)
        table.columns = ["Measure", f"{isolate(base_label)}: average (95% range)"]
        head = (f"<p><b>{bidi_html(base_label)}</b> on its own, {exp.replications} runs over "
                f"{period}. Move a control and press Run to compare your scenario with it.</p>")
        how = (f"{note}Averages over the runs for the whole period, with the 95% range of each "
               "average in brackets.</p>")
    ranges = ("<p class='ranges-note' style='color:#333;font-size:0.9em;max-width:900px'>"
              f"{text_html(ranges_sentence(exp.scenarios))}</p>")
    name = (f"Results: {isolate(chosen)} against {isolate(base_label)}" if len(labels) > 1
            else f"Results: {isolate(base_label)}")
    visits = "".join(f"<p>{text_html(v, wbr=True)}</p>" for v in
                     (visits_sentence(exp, lb) for lb in labels[:1] + labels[1:][-1:]) if v)
    return table, head + table_html(table, name=name) + visits + ranges + how


# ----------------------------------------------------------------------------------- plans
def plan_candidates_table(res) -> pd.DataFrame:
    """The optimiser's candidates as a table for people: each lever by its label, the average
    cost, each target's average and its one-sided bound on the fresh runs, and whether the plan
    met every target (the chosen one marked). ``res`` is an
    :class:`~workbench.decision.OptimiseResult`."""
    from ..analysis.registry import kpi

    cost = kpi("cost_gbp")
    rows = []
    for _, r in res.candidates.iterrows():
        row = {x.label: (f"{r[x.key]:,.0f}" if x.key.endswith("_gbp") else f"{r[x.key]:g}")
               for x in res.ranges}
        row["Average cost"] = cost.format(r["cost_mean"])
        for t in res.targets:
            k = kpi(t.kpi)
            word = "lowest likely" if t.op == ">=" else "highest likely"
            row[f"{k.label} (average)"] = k.format(r[f"{t.kpi}_mean"])
            row[f"{k.label} ({word})"] = k.format(r[f"{t.kpi}_bound"])
        row["Meets every target"] = ("yes: chosen" if r["chosen"] else "yes") if r["passed"] else "no"
        rows.append(row)
    return pd.DataFrame(rows)
