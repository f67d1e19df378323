"""The report's appendix of assumptions, in words a councillor can read.

Each commented value of the baseline's scenario file becomes one row: a plain-English name (built
from the scenario schema's descriptions and the names below, never a field path), the value, and
its source or reasoning. A comment citing the project's domain notes (``domain.md``) is shown as
a citation of ``docs/sources.md``, which ships with the workbench (S1, S2, ...), chosen by the
words of the comment; a bare "assumption" gets the reasoning held here, or says plainly that the
file gives none.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from .report_text import FIELD_LABELS, assumptions_from_file
from .tables import bidi_html, scroll_table

__all__ = ["SOURCES", "STAGE_NAMES", "appendix_rows", "appendix_html", "plain_name", "cite",
           "unfield"]

#: The sources of docs/sources.md and words in a comment that point to each (as
#: /work/shared/domain.md attributes them: its journey table's "source" column and its sections).
SOURCES = {
    "S1": ("Durham County Council committee pack, 2017", (
        "durham", "academy", "first contact", "families first", "caseload aim", "teams", "nqsw",
        "nqsws", "para", "vacancies covered", "assessed and supported", "checkpoints",
        "young people's service", "applications", "245 social worker", "36 vacancies")),
    "S2": ("Walsall Council scrutiny review, 2011", (
        "walsall", "2nd review", "permanence team takes", "easy to recruit")),
    "S3": ("City of York Council improvement papers, 2019", (
        "york", "ofsted", "checkpoints", "strategy discussion", "24 hours", "child seen",
        "visits every 20", "every 20 wd", "within 45 working days of referral",
        "within 15 working days")),
    "S5": ("DfE, Characteristics of children in need, 2025", (
        "re-referral", "re-referrals", "nfa", "s47s", "icpcs", "cp plan", "cp plans",
        "cin episodes", "referrals 632,830", "children in need", "median 33", "85.7%",
        "figures for calibrating", "s47 enquiries", "49,420")),
    "S6": ("DfE, Children looked after in England, 2025", ("looked after", "lac")),
    "S7": ("DfE, Children's social work workforce statistics", (
        "turnover", "absence", "leavers", "agency rate", "vacancy rate", "managing caseloads",
        "case-holding fte", "national absence", "national turnover")),
    "S8": ("Agency social work: cost and the national rules", ("gbp 1,800", "agency workers need",
                                                              "april 2025")),
    "S9": ("The statutory framework (Children Act 1989, Care Planning Regulations 2010, PLO)", (
        "care planning", "plo", "26-week", "within 45 working days of referral",
        "within 15 working days of the strategy", "reviews at 20", "statutory")),
}
SOURCES_DOC = "docs/sources.md"

#: The journey's stages and teams by their plain names (the appendix's and the changes' words).
STAGE_NAMES = {"assessment": "Assessment", "s47": "Section 47 enquiry",
               "icpc": "Initial child protection conference", "cin": "Child in need plan",
               "cin_disability": "Disabled child's plan", "cp": "Child protection plan",
               "court": "Care proceedings (court)", "lac": "Looked after",
               "care_leaver": "Care leavers", "first_contact": "Front door (First Contact)",
               "families_first": "Families First teams",
               "cp_court": "Child protection and court teams", "disability": "Disability teams",
               "looked_after": "Looked-after teams", "permanence": "Permanence teams",
               "young_peoples": "Young People's Service"}
_SECTIONS = {"working_time": "Working time", "demand": "Demand", "front_door": "Front door",
             "stages": "", "teams": "", "caseload": "Caseloads", "costs": "Costs",
             "workforce": "Workforce", "recruitment": "Recruitment", "academy": "Academy",
             "agency": "Agency staff", "retention": "Retention", "initial": "Starting position",
             "calendar": "Calendar", "pressure": "Under pressure"}
_LEAVES = {
    "work_hours": "hours of a worker's time it takes", "duration_days": "how long it lasts",
    "next": "what happens next (shares)", "visits": "statutory visits",
    "ongoing_hours_per_week": "ongoing hours a week per case",
    "cap_weight": "how much it counts against a caseload", "priority": "priority for a worker's time",
    "nqsw_allowed": "may newly qualified staff hold it", "transfer": "transfer to another team",
    "clock": "statutory timescale", "team": "team that holds it", "elapsed_wd": "waiting time "
    "whatever the workload (working days)", "establishment_fte": "funded posts (full-time)",
    "staff": "staff in post", "caps": "caseload aims", "open_cases": "open cases at the start",
    "start_date": "start date", "hours_per_fte_week": "hours in a full-time week",
    "decision_hours": "hours to decide on a referral", "seasonality": "referrals by month",
    "gbp_per_fte_week": "weekly cost of a full-time worker, by type (GBP)", "booked": "booked "
    "in advance", "balancing": "moving cases between workers to even out caseloads",
    "turnover_pct_per_year": "staff leaving a year (%)", "tenure_weeks": "how long an agency "
    "worker stays (weeks)", "lead_time_weeks": "time to get an agency worker (weeks)",
    "long_term_absence": "long-term absence", "cost_per_hire_gbp": "cost of each hire (GBP)",
    "shortens_under_pressure": "plans end sooner under pressure",
    "duration_weeks": "how long a long-term absence lasts (weeks)",
    "queue_per_fte_at_full": "children waiting per worker at full pressure",
    "front_door_nfa_extra_pct": "extra referrals closed at the front door at full pressure (%)",
    "plan_shortening_pct": "how much sooner plans end at full pressure (%)",
    "allocate_after_wait_days": "days a child waits before managers allocate her anyway",
    "allocation_ceiling_pct": "most a manager loads a worker (% of her cap)",
    "overtime_max_pct": "most extra hours a worker works under pressure (%)",
    "smoothing_weeks": "weeks over which pressure is averaged",
    "backlog_weeks": "weeks in which a worker counts her unfinished tasks as work to clear",
    "count_waiting_work": "children waiting count in their team's work pressure",
    "routine_work_floor_pct": "least share of routine work kept under pressure (%)",
    "unqualified_cases_max": "stable cases non-qualified staff may hold",
    "unqualified_stages": "which cases can go to non-qualified staff",
    "unqualified_stable_after_days": "days before a case counts as stable",
    "unqualified_from_level": "pressure level at which managers start",
    "pressure_turnover_effect": "how much more often a worker under work pressure leaves",
    "sickness_effect": "how much more often a worker under work pressure falls sick",
    "checkpoints_wd": "managers' checkpoints (working days on the stage's clock)",
    "checkpoint_priority_factor": "how much more of her time a task gets at each checkpoint",
    "base": "the scenario file it builds on",
}


def _schema_description(path: list[str]) -> str:
    # the schema's own description of the field, where it has one
    from ..scenario.schema import Scenario

    model: Any = Scenario
    desc = ""
    for part in path:
        fields = getattr(model, "model_fields", None)
        if not fields or part not in fields:
            return ""
        f = fields[part]
        desc = f.description or ""
        model = f.annotation
    return desc


def unfield(text: str) -> str:
    """Field names inside a sentence as words ("see absence_pct" -> "see absence %")."""
    return re.sub(r"\b(?:[a-z]+\.)*([a-z0-9]+(?:_[a-z0-9]+)+)\b",
                  lambda m: m.group(1).replace("_pct", " %").replace("_", " "), text)


def plain_name(path: str) -> str:
    """A plain-English name for a dotted scenario field, e.g. ``stages.s47.work_hours`` ->
    "Section 47 enquiry: hours of a worker's time it takes". Never a field path."""
    if path in FIELD_LABELS:
        return FIELD_LABELS[path]
    parts = path.split(".")
    # a field of its own ("start_date") is its own heading: "Start date: start date" said it twice
    section = ("" if len(parts) == 1
               else _SECTIONS.get(parts[0], parts[0].replace("_", " ").capitalize()))
    named = [STAGE_NAMES[p] for p in parts[1:-1] if p in STAGE_NAMES]
    leaf = parts[-1]
    what = (_LEAVES.get(leaf) or _schema_description(parts)
            or (STAGE_NAMES.get(leaf)) or leaf.replace("_pct", " (%)").replace("_", " "))
    head = " / ".join(x for x in [section, *named] if x)
    what = unfield(what)
    return f"{head}: {what}" if head else what[:1].upper() + what[1:]


def _sources_in(words: str) -> list[str]:
    """The sources (S1, S2, ...) whose words appear in ``words``: a council's own figure is not
    also cited to the national statistics that matched only on a common word."""
    low = words.lower()
    ids = [sid for sid, (_, keys) in SOURCES.items()
           if any(re.search(rf"\b{re.escape(w)}\b", low) for w in keys)]
    local = [sid for sid in ids if sid in ("S1", "S2", "S3", "S4")]
    if local and not re.search(r"\b(england|national)\b", low):
        ids = [sid for sid in ids if sid not in ("S5", "S6", "S7")]
    return ids[:2]


#: Where what a citation of the notes refers to ends: a sentence, or the reasoning after it.
_SENTENCE_END = re.compile(r"\.(?:\s|$)|\bassumption\b", flags=re.I)


def _after(text: str, i: int) -> str:
    """The words cited after position ``i``: to the end of the sentence, or of the brackets
    that ``i`` is in."""
    m = _SENTENCE_END.search(text, i)
    end = m.start() if m else len(text)
    if text.count("(", 0, i) > text.count(")", 0, i):   # within brackets: to their end
        close = text.find(")", i)
        end = min(end, close) if close >= 0 else end
    return text[i:end]


def _before(text: str, i: int) -> str:
    """The words cited before position ``i``: back to the bracket, clause or sentence they
    start in (before the bracket, when the citation opens one)."""
    head = text[:i].rstrip()
    if head.endswith("("):
        head = head[:-1]
    cut = max(head.rfind("("), head.rfind(";"), head.rfind(". "))
    return head[cut + 1:]


def _known(*contexts: str) -> list[str]:
    # the nearest words first; the wider ones only when the nearest name no source
    for words in contexts:
        ids = _sources_in(words)
        if ids:
            return ids
    return []


def cite(text: str) -> str:
    """``text`` with the domain notes (``domain.md``) replaced by citations of docs/sources.md
    (S1, S2, ...), each chosen by the words it cites: "domain.md: X" becomes "Published (S1): X";
    a mention closing a clause, "(X, domain.md)", becomes "(X, S3)"; alone in brackets, "(S7)".
    Where no words name a source, docs/sources.md itself is cited, never a guessed source."""
    text = re.sub(r"(?:\.\./)?shared/domain\.md|\.\./shared/\S+?(?=[\s),;]|$)|shared/seeds/\S+",
                  f"[{SOURCES_DOC}]", text)
    out, pos = [], 0
    for m in re.finditer(r"domain\.md('s)?(\s*/)?", text):
        head = text[pos:m.start()]
        rest_at = m.end()
        nxt = text[rest_at:].lstrip()
        whole = text[max(0, text.rfind(". ", 0, m.start())):]
        if m.group(1):    # "domain.md's national figures": the published ones
            out.append(head + "the published")
            pos = rest_at
            continue
        if nxt[:1] in (")", ";", ""):
            # closing a clause: the citation is of the words before it
            ids = _known(_before(text, m.start()), whole)
            cited = ", ".join(ids) or SOURCES_DOC
            out.append(head + cited)
            pos = rest_at
            continue
        # "domain.md: X", "domain.md, X", "domain.md X": X is what is cited
        after = re.match(r"\s*[:,]?\s*", text[rest_at:])
        body_at = rest_at + after.end()
        ids = _known(_after(text, body_at), whole)
        start = not head.strip() or head.rstrip().endswith((".", "("))
        word = "Published" if start else "published"
        out.append(f"{head}{word} ({', '.join(ids) or SOURCES_DOC}): ")
        pos = body_at
    out.append(text[pos:])
    res = unfield(re.sub(r"\s+", " ", "".join(out)).strip())
    return res[:1].upper() + res[1:]


#: Reasoning for values that the baseline file marks only "assumption".
REASONING = {
    "stages.s47.work_hours": "Not published. Set, with the other hours of work, so that the "
                             "baseline stays stable near Durham's published caseloads; an "
                             "enquiry is shorter than an assessment.",
    "stages.icpc.work_hours": "Not published. Set, with the other hours of work, so that the "
                              "baseline stays stable near Durham's published caseloads; a "
                              "conference takes a report and a meeting.",
    "agency.lead_time_weeks": "Not published. About three weeks from request to start is a "
                              "modelling choice; the Full agency cover option tests two.",
    "agency.conversion_pct_per_year": "Not published. A small share of agency workers taking "
                                      "permanent posts each year is a modelling choice.",
}


def _reason(path: str, text: str) -> str:
    bare = re.fullmatch(r"\s*assumption\.?\s*", text, flags=re.I)
    if bare:
        return "Assumption: " + REASONING.get(path, "the scenario file gives no reasoning.")
    return cite(text)


#: Fields that describe the scenario rather than set the model (the file's header comment
#: attaches to the first of them).
_DESCRIPTIVE = {"name", "description", "authority", "sources"}


def _value_at(data: Any, path: str) -> str:
    for part in path.split("."):
        if isinstance(data, dict) and part in data:
            data = data[part]
        else:
            return ""
    from .report_text import describe_value

    if isinstance(data, str):
        return STAGE_NAMES.get(data, data.replace("_", " "))
    if isinstance(data, dict) and "dist" not in data:
        return _settings_words(data)
    return describe_value(data)


#: Staff types by their plain names.
_STAFF_WORDS = {"nqsw": "newly qualified", "experienced": "experienced", "academy": "academy",
                "agency": "agency"}


def _team_words(team: dict) -> str:
    """A team's funded posts and staff in post: "funded posts (FTE): 14; in post: 11
    experienced, 2 agency" (a part-time group "12 experienced at 0.6 FTE")."""
    from .report_text import number_words

    staff = []
    for g in team["staff"]:
        if not isinstance(g, dict):
            return ""
        who = _STAFF_WORDS.get(str(g.get("type")), str(g.get("type", "")).replace("_", " "))
        part = "" if g.get("fte", 1.0) == 1.0 else f" at {number_words(g['fte'])} FTE"
        staff.append(f"{number_words(g.get('count', 0))} {who}{part}")
    parts = []
    if "establishment_fte" in team:
        parts.append(f"funded posts (FTE): {number_words(team['establishment_fte'])}")
    parts.append("in post: " + (", ".join(staff) or "none"))
    if team.get("case_holding") is False:
        parts.append("holds no cases")
    return "; ".join(parts)


#: The words inside a setting's name: "interval_wd" is "interval (working days)".
_KEY_WORDS = {"wd": "(working days)", "pct": "(%)", "days": "(days)", "weeks": "(weeks)",
              "fte": "FTE", "gbp": "(GBP)", "nfa": "no further action"}


def _settings_words(data: dict) -> str:
    """Settings of their own (a stage's shares of what happens next, the caseload aims by staff
    type, the open cases by stage) in words, "Section 47 enquiry: 0.26; close: 0.46"; blank for
    a group whose settings have rows of their own or hold lists (a team's staff). The appendix
    left every such value blank: the caseload aims, the weekly costs, the shares and the open
    cases at the start were listed with no value."""
    from .report_text import describe_value

    if isinstance(data.get("staff"), list):
        return _team_words(data)
    if not data or any(isinstance(v, (list, tuple)) or (isinstance(v, dict) and "dist" not in v)
                       for v in data.values()):
        return ""
    parts = []
    for k, v in data.items():
        k = str(k)
        name = STAGE_NAMES.get(k) or _STAFF_WORDS.get(k) or _LEAVES.get(k) or " ".join(
            _KEY_WORDS.get(w, w) for w in k.split("_"))
        name = name[0].lower() + name[1:] if name[:1].isupper() and not name[1:2].isupper() \
            else name
        value = STAGE_NAMES.get(v, v.replace("_", " ")) if isinstance(v, str) else \
            describe_value(v)
        parts.append(f"{name}: {value}")
    return "; ".join(parts)


def _own_name(path: str) -> str:
    """:func:`plain_name`, and a setting of a team or stage the council named itself ("North
    locality") under that name: "North locality: funded posts (full-time)" (it read "Funded
    posts (full-time)", of no team)."""
    parts = path.split(".")
    if len(parts) > 2 and parts[0] in ("teams", "stages") and parts[1] not in STAGE_NAMES:
        rest = plain_name(".".join([parts[0], *parts[2:]]))
        return f"{parts[1]}: {rest[:1].lower() + rest[1:]}"
    return plain_name(path)


def appendix_rows(path: str | Path, scenario=None,
                  years: float | None = None) -> list[tuple[str, str, str]]:
    """(plain-English name, value, source or reasoning) for each commented value of a file.
    ``years``: the years the paper simulated, when not the file's (``--years``): the row "Years
    simulated" gave the file's 5 of a paper that simulated half a year."""
    data = scenario.to_dict() if scenario is not None else {}
    rows = []
    for p, text in assumptions_from_file(path):
        if p in _DESCRIPTIVE:
            continue
        value = _value_at(data, p)
        if (p == "horizon_years" and years is not None and scenario is not None
                and float(years) != float(scenario.horizon_years)):
            value = f"{float(years):g} in this paper (the scenario file's {value})"
        rows.append((_own_name(p), value, _reason(p, text)))
    return rows


def appendix_html(path: str | Path, scenario=None, years: float | None = None) -> str:
    """The appendix table (left-aligned, header cells, every value escaped)."""
    # the values and reasons come from the scenario file: isolated, as a name is
    rows = "".join(f'<tr><th scope="row">{html.escape(a)}</th><td>{bidi_html(b)}</td>'
                   f"<td>{bidi_html(c)}</td></tr>"
                   for a, b, c in appendix_rows(path, scenario, years))
    key = "; ".join(f"{sid}: {name}" for sid, (name, _) in SOURCES.items())
    caption = (f"The baseline's settings, their values and where they come from (sources: "
               f"{SOURCES_DOC})")
    table = (f'<table class="wb-table appendix"><caption>{html.escape(caption)}</caption><thead><tr>'
             '<th scope="col">Setting</th><th scope="col">Value</th>'
             '<th scope="col">Source or reasoning</th></tr></thead>'
             f"<tbody>{rows}</tbody></table>")
    return (f'<p class="note keep-next">Sources ({SOURCES_DOC}): {html.escape(key)}.</p>'
            + scroll_table(table, caption))
