"""The scrutiny report's sections, each one HTML block for one cell of ``notebooks/report.ipynb``.

:func:`prepare_report` runs (or loads) the report's experiment: the options, every option under
every pressure (:mod:`workbench.present.report_design`) and the warm-up. Each ``*_section``
function then returns escaped HTML: page one, the differences, the stress tests, a chart section
per theme with text alternatives, what the options change, the appendix, limitations, glossary
and run details. The notebook only calls these.

Two optional sections come from saved decision-support results rather than the report's
experiment: :func:`plan_section` (the cheapest plan that meets the targets, from ``workbench
optimise --out``) and :func:`sensitivity_section` (what the answer depends on, from ``workbench
sensitivity --out``); ``workbench report --plan/--sensitivity`` adds them to the page.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from . import alt_text, plots
from .appendix import SOURCES_DOC, appendix_html
from .report_charts import chart_finding, figure_html, plot_waiting_split, subset
from .report_design import ReportDesign, Warmup, choose_warmup, report_design
from .report_page import masthead_html, section_html
from .report_page_one import PAGE_ONE_KPIS, page_one_html, stress_table
from .report_changes import describe_changes
from .report_text import (GLOSSARY, LIMITATIONS, _and, baseline_words, counted,
                          plan_candidates_table, ranges_sentence, times, visits_sentence)
from .tables import (
    HEADLINE_KPIS, bidi_html, display_name, isolate, kpi_summary_table, period_text, run_details,
    table_html, text_html,
)

__all__ = ["Report", "plan_section", "prepare_report", "sensitivity_section"]


@dataclass
class Report:
    """The report's experiment and what it needs to lay it out."""

    exp: object
    files: dict
    design: ReportDesign
    warmup: Warmup

    @property
    def options_exp(self):
        """The baseline and the options only (no stress tests), for the charts."""
        return subset(self.exp, [self.design.baseline, *self.design.options])

    @property
    def labels(self) -> list[str]:
        return [self.design.baseline, *self.design.options]


def prepare_report(scenario_files: Sequence[str | Path], replications: int, seed: int,
                   years: float | None = None, warmup_days: float | None = None,
                   warmup_basis: str = "given", pressures: Sequence[str] = (),
                   experiment_dir: str | Path = "outputs", experiment_name: str = "report",
                   executor: str = "process", root: str | Path = ".",
                   progress: bool = False) -> Report:
    """Load the scenario files, design the report and run (or load) its experiment.

    Parameters
    ----------
    scenario_files : sequence of paths
        The baseline first; relative paths are taken from ``root``.
    replications, seed, years, executor
        As :func:`workbench.experiment.run_experiment`.
    warmup_days : float, optional
        Days left out of the averages; None: the MSER-5 suggestion (:func:`choose_warmup`).
    warmup_basis : str
        How a given ``warmup_days`` was chosen ("mser" when the caller already ran the check).
    pressures : sequence of str
        Scenario names to treat as pressures whatever they change.
    experiment_dir, experiment_name, root
        Where the replications are kept (``experiment_dir`` relative to ``root``).
    """
    from ..experiment import run_experiment
    from ..scenario.catalog import load_scenario_files

    scenarios, files = load_scenario_files(scenario_files, root)
    design = report_design(scenarios, pressures=pressures)
    base = scenarios[design.baseline]
    if warmup_days is None:
        warmup = choose_warmup(base, replications, seed, years, executor)
    else:
        warmup = Warmup(float(warmup_days), warmup_basis)
    exp = run_experiment(design.scenarios, replications=replications, seed=seed, years=years,
                         warmup_days=warmup.days, executor=executor,
                         out=Path(root) / experiment_dir, name=experiment_name, progress=progress)
    return Report(exp, files, design, warmup)


def _names(r: Report, labels) -> str:
    # each name isolated (tables.isolate): two right-to-left names in a list keep their order
    return ", ".join(isolate(display_name(r.exp, lb)) for lb in labels)


def _intro(r: Report, title: str, authority: str, date: str, prepared_by: str,
           logo: str | None) -> tuple[str, str]:
    base = r.exp.scenarios[r.design.baseline]
    period = period_text(base, r.exp.years, r.warmup.days)
    head = masthead_html(title, authority or base.authority, date, prepared_by, logo, period)
    # the baseline's name keeps its case (a proper noun): only the project's words are lowered
    words = baseline_words(display_name(r.exp, r.design.baseline))
    options = r.design.options
    applied = "every option" if len(options) > 1 else "the option" if options else "the baseline"
    pressures = (f" Pressures the council does not choose ({_names(r, r.design.pressures)}) are "
                 f"applied to {applied} as stress tests." if r.design.pressures else "")
    n = r.exp.replications
    if options:
        what = (f"This paper compares ways of staffing children's social work against the "
                f"{words}: {_names(r, options)}.")
        runs = (f"Each option was simulated {times(n)} on the same chance events; figures are "
                f"averages")
    else:
        what = (f"This paper shows children's social work under the {words} alone: there are "
                f"no options to compare with it.")
        runs = f"It was simulated {times(n)}; figures are averages"
    runs += (" with a 95% range showing how sure we can be of them." if n > 1 else
             " of a single run, with no range to show how sure we can be.")
    # one run has no range: nothing to say about what the ranges include
    ranges = f"{ranges_sentence(r.exp.scenarios)} " if n > 1 else ""
    text = (f"{what}{pressures} A computer model follows children from referral through "
            f"assessment, child protection and care, and the social workers who hold their "
            f"cases. {runs} {ranges}{r.warmup.sentence(base.start_date)}")
    return head, f'<p class="intro">{text_html(text)}</p>'


def intro_html(r: Report, title: str, authority: str = "", date: str = "",
               prepared_by: str = "", logo: str | None = None) -> str:
    """The masthead: authority, title, date, prepared by, period (page one's head)."""
    return _intro(r, title, authority, date, prepared_by, logo)[0]


def about_section(r: Report) -> str:
    """What was compared and how, and the warm-up: after page one, so that page one is the answer."""
    return section_html("About this paper", "", _intro(r, "", "", "", "", None)[1])


QUESTION = ("Which way of staffing children's social work gives children a timely, stable "
            "service for its cost, and how does each hold up under pressure?")


def page_one(r: Report, question: str = QUESTION) -> str:
    """Page one: the question, the options ranked, and the sentences for the chair."""
    return page_one_html(r.exp, r.design, question)


def differences_section(r: Report) -> str:
    """The difference chart of every option against the baseline, with its text alternative."""
    if not r.design.options:
        return section_html("How each option differs from the baseline",
                            "There are no options in this paper to compare with the baseline.")
    ex = r.options_exp
    words = baseline_words(display_name(ex, r.design.baseline), isolated=False)
    fig = plots.plot_paired_differences(ex, r.design.baseline, kpis=PAGE_ONE_KPIS,
                                        title=f"Each option against the {words}")
    alt = alt_text.alt_differences(ex, r.design.baseline, r.design.options, PAGE_ONE_KPIS)
    words = ("Each bar is an option's average difference from the baseline on one measure, "
             "with its 95% range. A bar whose range crosses zero shows no clear change."
             if ex.replications > 1 else
             # (the chart's caption, its finding, says there is no range: it was said twice)
             "Each bar is an option's difference from the baseline on one measure in a single "
             "run.")
    return section_html("How each option differs from the baseline", words, figure_html(fig, alt))


def stress_section(r: Report) -> str:
    """A ranked table per pressure: the options under it against the baseline under it."""
    if not r.design.pressures:
        return ""
    blocks = [t for p in r.design.pressures for t in stress_table(r.exp, r.design, p)]
    return section_html("Stress tests: the options under pressure",
                        "A pressure is something the council does not choose. Each option is run "
                        "again with the pressure applied, and compared with the baseline under "
                        "the same pressure.", *blocks)


#: The warm-up's line on the week-by-week charts (WCAG 1.4.11: 3:1 against what it crosses).
WARMUP_LINE = "#333333"


def shade_warmup(fig, r: Report) -> str:
    """Shade the warm-up on each panel of a week-by-week chart, and return the sentence that
    says so ("" with no warm-up). The charts run from the start, but the averages the page
    states leave the warm-up out: the start-up weeks (every assessment on time before any is
    due, say) read as part of the answer."""
    import datetime as dt

    days = r.warmup.days
    if not days or days <= 0:
        return ""
    start = r.exp.scenarios[r.design.baseline].start_date
    end = start + dt.timedelta(days=days)
    for ax in fig.axes:
        if ax.get_visible() and ax.has_data():
            lo, hi = ax.get_xlim()
            ax.axvspan(start, end, color="#000000", alpha=0.07, linewidth=0, zorder=0)
            # the line shows where it ends over a filled chart (the stacked staff): a dark grey,
            # 3:1 against the experienced staff's blue as well as white (#555555 was 1.9:1)
            ax.axvline(end, color=WARMUP_LINE, linewidth=1.2, zorder=4)
            ax.set_xlim(lo, hi)
    # the date as the warm-up's own sentence gives it ("to 9 January 2018")
    return (f" The grey shading up to the grey line is the warm-up (to {end.day} {end:%B %Y}), left "
            f"out of the averages the page states.")


def _shaded(fig, alt: str, shaded: str) -> str:
    """A week-by-week chart's figure: its text alternative says the warm-up's shading
    (``shaded``), which the section's lead says too; its caption, the chart's finding, does not
    say it a third time."""
    return figure_html(fig, alt + shaded, chart_finding(alt))


def timeliness_section(r: Report) -> str:
    ex = r.options_exp
    fig = plots.plot_timeliness(ex)
    shaded = shade_warmup(fig, r)
    alt = alt_text.alt_lines(ex, "share of assessments finished within 45 working days",
                             "assessment_within_45wd_pct", r.labels)
    blocks = [_shaded(fig, alt, shaded)]
    visits = visits_sentence(ex, r.design.baseline, "the " + baseline_words(
        display_name(ex, r.design.baseline)))
    if visits:
        more = (" The table \u201cAll the measures\u201d gives each option\u2019s."
                if len(r.labels) > 1 else "")
        blocks.append(f"<p>{text_html(visits + more, wbr=True)}</p>")
    return section_html("Timeliness", "How many assessments finish within the legal timescale of "
                        "45 working days, week by week. When social workers hold more cases, "
                        "each case gets less of their time." + shaded, *blocks)


def waiting_section(r: Report) -> str:
    ex = r.exp
    p = r.design.pressures[0] if r.design.pressures else None
    runs = r.design.stress.get(p, {}) if p else {}
    stressed = [runs[lb] for lb in r.labels if lb in runs]
    names = {v: display_name(ex, k) for k, v in runs.items()}
    fig = plot_waiting_split(ex, r.labels, stressed, display_name(ex, p) if p else None, names)
    shaded = shade_warmup(fig, r)
    alt = alt_text.alt_waiting(ex, r.labels, stressed, display_name(ex, p) if p else None,
                               names)
    return section_html("Children waiting for a social worker",
                        "A child waits unallocated when no social worker in the right team has "
                        "room. The legal clock keeps running while they wait." + shaded,
                        _shaded(fig, alt, shaded))


def caseload_section(r: Report) -> str:
    ex = r.options_exp
    aim = ex.scenarios[r.design.baseline].caseload.caps["experienced"]
    fig = plots.plot_caseloads(ex, aim=aim, title="Average caseload against the aim", spread=False)
    shaded = shade_warmup(fig, r)
    alt = alt_text.alt_lines(ex, "average cases per full-time social worker against the aim of "
                             f"{aim:g}", "caseload_mean", r.labels)
    return section_html("Caseloads against the aim", shaded.strip(), _shaded(fig, alt, shaded))


def workforce_section(r: Report) -> str:
    ex = r.options_exp
    fig = plots.plot_workforce_mix_compare(ex)
    shaded = shade_warmup(fig, r)
    # the measure said is the vacancy rate, not the vacant posts (FTE) the chart draws
    alt = alt_text.alt_panels(ex, "Staff in post by type and vacant posts", r.labels,
                              "vacancy_rate_pct", "Each panel stacks experienced, newly "
                              "qualified, academy and agency staff (full-time equivalents) with "
                              "vacant posts dotted. Vacant posts, as a share of funded "
                              "posts:")
    return section_html("The workforce: who is in post, and the vacancies", shaded.strip(),
                        _shaded(fig, alt, shaded))


def stability_section(r: Report) -> str:
    ex = r.options_exp
    fig = plots.plot_sw_changes(ex)
    alt = alt_text.alt_bars(ex, "sw_changes_per_child_year", r.labels)
    return section_html("Stability for the child", "Every change of social worker means a child "
                        "tells their story again. Changes come from staff leaving, agency "
                        "assignments ending, transfers (between teams, or from a newly "
                        "qualified worker or trainee to one who may hold a child protection "
                        "case) and reallocation.",
                        figure_html(fig, alt))


def cost_section(r: Report) -> str:
    ex = r.options_exp
    fig = plots.plot_cost(ex)
    alt = alt_text.alt_bars(ex, "cost_per_year_gbp", r.labels)
    blocks = [figure_html(fig, alt)]
    if len(r.labels) > 1:
        fig2 = plots.plot_tradeoffs(ex)
        blocks.append(figure_html(fig2, alt_text.alt_tradeoffs(ex, r.labels, plots.TRADEOFF_KPIS)))
    return section_html("Cost a year", "Pay of permanent staff, agency charges, academy places, "
                        "recruitment and retention payments, a year.", *blocks)


def headline_section(r: Report) -> str:
    table = kpi_summary_table(r.options_exp, default=HEADLINE_KPIS)
    words = ("Average over the period, with the 95% range in brackets (shown within the values "
             "a measure can take). " + ranges_sentence(r.options_exp.scenarios)
             if r.exp.replications > 1 else
             "Average over the period of a single run: with one run there is no range to show "
             "how sure we can be.")
    blocks = [table_html(table, "Every measure for the baseline and each option"
                         if len(r.labels) > 1 else "Every measure for the baseline")]
    gaps = no_value_note(r, table)
    if gaps:
        blocks.append(f'<p class="note">{html.escape(gaps)}</p>')
    return section_html("All the measures", words, *blocks, keep_first=False)


def no_value_note(r: Report, table) -> str:
    """Why a measure of the table reads "n/a" ("" when none does): a run shorter than a year
    has no value for a measure counted over whole years, and the table said only "n/a"."""
    from ..analysis.registry import KPIS, WHOLE_YEAR

    by_label = {k.label: k for k in KPIS.values()}
    said = []
    for _, row in table.iterrows():
        if not any(str(v) == "n/a" for v in row.iloc[1:]):
            continue
        k = by_label.get(row["Measure"])
        base = r.exp.scenarios[r.design.baseline]
        years = (r.exp.years or base.horizon_years) - (r.exp.warmup_days or 0) / 365.25
        label = row["Measure"]
        if k is not None and k.name in WHOLE_YEAR and years < 1:
            after = " after the warm-up" if r.exp.warmup_days else ""
            said.append(f"{label} is counted over whole years, and this paper measured "
                        f"{years:.2g} years{after}: simulate more than a year"
                        f"{' and its warm-up' if after else ''} to have it")
        elif k is not None and (unset := _no_visits(r, k.name, row)):
            said.append(unset)
        else:
            said.append(f"{label}: there was nothing to count over the period")
    return ("n/a: no value. " + "; ".join(said) + ".") if said else ""


def _no_visits(r: Report, name: str, row) -> str:
    """Why a visits measure reads "n/a" when the scenarios giving it are those whose stage has
    no statutory visits (no ``visits:``): "nothing to count over the period" read as if no
    child had been there ("" for any other measure, or when some n/a is not that)."""
    from ..analysis.kpis import VISIT_KPIS as STAGE_OF

    stage = {v: s for s, v in STAGE_OF.items()}.get(name)
    if stage is None:
        return ""
    heads = list(row.index[1:])
    names = [display_name(r.exp, lb) for lb in r.labels]
    unset = []
    for head, label, name_ in zip(heads, r.labels, names):
        if str(row[head]) != "n/a":
            continue
        st = r.exp.scenarios[label].stages.get(stage)
        if st is None or st.visits is not None:
            return ""
        unset.append(isolate(name_))
    who = ("the scenarios set" if len(unset) == len(names) > 1 else
           "the scenario sets" if len(names) == 1 else
           f"the scenario {unset[0]} sets" if len(unset) == 1 else
           f"the scenarios {_and(unset)} set")
    return (f"{row['Measure']}: {who} no statutory visits for {_VISITED[name]} (the "
            f"{stage} stage has no visits: setting)")


#: Whom each stage's statutory visits are for.
_VISITED = {"cp_visits_on_time_pct": "children on a child protection plan",
            "court_visits_on_time_pct": "children in care proceedings",
            "lac_visits_on_time_pct": "children in care"}


def changes_section(r: Report) -> str:
    base = r.exp.scenarios[r.design.baseline]
    items = []
    for lb in [*r.design.options, *r.design.pressures]:
        sc = r.exp.scenarios[lb]
        kind = "pressure (stress test)" if lb in r.design.pressures else "option"
        lines = "".join(f"<li>{text_html(x)}</li>" for x in describe_changes(base, sc))
        items.append(f'<div class="keep"><h3>{bidi_html(display_name(r.exp, lb))} ({kind})</h3>'
                     f"<p>{bidi_html(sc.description)}</p><ul>{lines}</ul></div>")
    if not items:   # the baseline alone: the heading stood over nothing
        return section_html("What each option and pressure changes",
                            "There are no options or pressures in this paper: nothing changes "
                            f"the {baseline_words(display_name(r.exp, r.design.baseline))}.")
    return section_html("What each option and pressure changes", "", *items)


def appendix_section(r: Report) -> str:
    path = r.files[r.design.baseline]
    return section_html("Appendix: assumptions and their sources",
                        "Each setting of the baseline with its value and where it comes from: a "
                        f"published figure (the sources, S1 to S9, are listed in {SOURCES_DOC}, "
                        "which comes with the workbench) or an assumption with its reasoning.",
                        appendix_html(path, r.exp.scenarios[r.design.baseline], r.exp.years),
                        keep_first=False)


def _list_section(title: str, items) -> str:
    # the heading is kept with the first item only, so a long list can start low on a page
    items = list(items)
    return section_html(title, "", f'<ul class="first">{items[0]}</ul>',
                        f'<ul class="rest">{"".join(items[1:])}</ul>')


def limitations_section() -> str:
    return _list_section("Limitations", (f"<li>{html.escape(x)}</li>" for x in LIMITATIONS))


def glossary_section() -> str:
    return _list_section("Glossary", (f"<li><strong>{html.escape(k)}</strong>: {html.escape(v)}"
                                      f"</li>" for k, v in GLOSSARY.items()))


def details_section(r: Report) -> str:
    table = run_details(r.exp, {lb: r.files[lb] for lb in r.files if lb in r.exp.scenarios})
    table.loc[len(table)] = ["Warm-up", r.warmup.sentence(
        r.exp.scenarios[r.design.baseline].start_date)]
    # (its own class: on paper its names take 30% of the width, one line each)
    return section_html("How the numbers were made", "", '<div class="run-details">'
                        + table_html(table, name="How the numbers were made") + "</div>",
                        keep_first=False)


# ----------------------------------------------------------------------------------- decisions
PLAN_TITLE = "The cheapest plan that meets the targets"
SENSITIVITY_TITLE = "What the answer depends on"


def plan_section(plan) -> str:
    """The cheapest plan that meets the targets, from an optimiser's result (an
    :class:`~workbench.decision.OptimiseResult`, e.g. loaded by
    :func:`workbench.decision.load_result`): what was searched, the answer and its confidence in
    plain English, the plan, the candidates checked on fresh runs, and the cost frontier with its
    text alternative. Every value escaped."""
    from ..analysis.registry import kpi
    from ..decision.charts import frontier_alt, frontier_chart

    levers = ", ".join(r.label.lower() for r in plan.ranges)
    yrs = ("the scenario's horizon" if plan.years is None
           else f"{plan.years:g} year{'' if plan.years == 1 else 's'}")
    start = f" from {isolate(plan.scenario_name)}" if plan.scenario_name else ""
    intro = (f"The workbench searched the plans{start} that move {levers}, each within its range, "
             f"for the one of least workforce cost over {yrs} that meets every target on "
             f"average. Each plan tried was simulated {times(plan.replications)} on the same "
             f"chance events; the cheapest few that met the targets were then simulated "
             f"{times(plan.confirm_replications)} more on fresh chance events, and the cheapest "
             f"of those whose every target held at the stated confidence was chosen.")
    blocks = [f'<p class="chair">{html.escape(plan.statement())}</p>']
    if plan.chosen is not None:
        items = "".join(f"<li>{html.escape(x)}</li>" for x in plan.plan_lines())
        cost = plan.candidates[plan.candidates["chosen"]]["cost_mean"].iloc[0]
        blocks.append(f'<div class="keep"><p>The plan{text_html(start)}, at an average '
                      f"workforce cost of {html.escape(kpi('cost_gbp').format(cost))}:</p>"
                      f"<ul>{items or '<li>no change</li>'}</ul></div>")
    if len(plan.candidates):
        blocks.append(table_html(plan_candidates_table(plan),
                                 "The cheapest plans, run again on fresh chance events"))
        blocks.append('<p class="note">The lowest (or highest) likely value is the one-sided '
                      "bound the check uses: a plan meets a target when that bound does. "
                      "These ranges come from the runs of each plan: chance, and any inputs the "
                      "scenario gives as ranges.</p>")
    if len(plan.trials):
        blocks.append(figure_html(frontier_chart(plan), frontier_alt(plan)))
    return section_html(PLAN_TITLE, intro, *blocks)


def sensitivity_section(sens, rows: int = 8) -> str:
    """What the answer depends on, from a sensitivity analysis (a
    :class:`~workbench.decision.sensitivity.SensitivityResult`, e.g. loaded by
    :func:`workbench.decision.sensitivity.load_sensitivity`): the finding in a sentence, the
    tornado chart with its text alternative, and the inputs ranked by their Morris effect with
    their Sobol total index where one was estimated. Every value escaped."""
    import pandas as pd

    from ..analysis.registry import kpi
    from ..decision.charts import tornado_alt, tornado_chart

    k = kpi(sens.kpi)
    m = sens.morris[sens.morris["kpi"] == sens.kpi].sort_values("rank")
    yrs = ("" if sens.years is None
           else f" over {sens.years:g} year{'' if sens.years == 1 else 's'}")
    each = (f"Each of the {counted(len(m), 'uncertain input')}" if len(m) != 1
            else "The one uncertain input")
    s = (sens.sobol[sens.sobol["kpi"] == sens.kpi].set_index("input")
         if len(sens.sobol) and "kpi" in sens.sobol else None)
    s = s if s is not None and len(s) else None   # none estimated (sensitivity --sobol-top 0)
    sobol = ("; the inputs that mattered most were then given variance-based (Sobol) indices"
             if s is not None else "")
    intro = (f"Many inputs of the model are not known exactly. {each} "
             f"was moved across its range, alone and with the others (Morris screening), "
             f"and {k.label.lower()}{yrs} was measured on the same chance events each time"
             f"{sobol}.")
    blocks = [f'<p class="chair">{html.escape(sens.sentence())}</p>']
    if len(sens.tornado):
        blocks.append(figure_html(tornado_chart(sens), tornado_alt(sens)))
    def pm(v, conf, fmt) -> str:
        """An estimate with its 95% range (as `workbench sensitivity` prints it); bare where
        the range is not known."""
        conf = pd.to_numeric(conf, errors="coerce")
        return fmt(v) + ("" if pd.isna(conf) else f" ± {fmt(conf)}")

    mconf = m["mu_star_conf"] if "mu_star_conf" in m else [float("nan")] * len(m)
    columns = {
        "Rank": m["rank"].astype(int).to_numpy(),
        "Input": [str(x)[:1].upper() + str(x)[1:] for x in m["label"]],
        f"Morris effect ({k.display_unit(difference=True)})":
            [pm(v, c, lambda x: k.format(x, unit=False)) for v, c in zip(m["mu_star"], mconf)],
        "Share of the spread it drives (Sobol total)":
            [pm(float(s.loc[p, "ST"]), s.loc[p, "ST_conf"] if "ST_conf" in s else None,
                lambda x: f"{float(x):.2f}")
             if s is not None and p in s.index else "" for p in m["input"]],
    }
    if s is None:   # no Sobol index was estimated: no empty column
        columns.pop("Share of the spread it drives (Sobol total)")
    table = pd.DataFrame(columns).head(rows)
    top = min(rows, len(m))
    blocks.append(table_html(table, f"The {counted(top, 'input')} that matter most" if top != 1
                             else "The input that matters most"))
    blocks.append('<p class="note">Morris effect: the average size of the change in the '
                  "measure per the input's whole range (lowest to highest value), from moves of "
                  "one input at a time; ± gives each estimate's 95% range. Sobol total: the "
                  "share of the measure's spread that goes with the input, alone or with others "
                  "(0 to 1; given for the top inputs only).</p>")
    if s is None:   # the note's Sobol part only where there are Sobol indices
        note, _, _ = blocks[-1].partition(" Sobol total:")
        blocks[-1] = note if note.endswith("</p>") else note + "</p>"
    caution = sens.sobol_caution() if s is not None else ""
    if caution:   # indices outside 0 to 1, or ranges too wide to read (a small Sobol sample)
        blocks.append(f'<p class="note"><strong>{html.escape(caution)}</strong></p>')
    return section_html(SENSITIVITY_TITLE, intro, *blocks)
