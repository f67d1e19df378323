"""Page one of the scrutiny report: the answer first.

The options ranked against the baseline on the measures a committee asks about (timeliness,
children waiting, caseloads, stability, cost a year), each difference with its 95% range and a
reading (better, worse, no clear change); what each unit of improvement costs a year; the
pressures as stress tests applied to the options; and a few sentences a chair can read aloud.
Every number and every sentence is built from the experiment's results (paired differences from
:meth:`Experiment.compare`, labels and formats from :mod:`workbench.analysis.registry`).
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from types import SimpleNamespace

import pandas as pd

from ..analysis.registry import KPI, kpi
from .bidi import keep_figures
from .report_design import ReportDesign
from .report_text import baseline_words, counted, times
from .tables import (bidi_html, bound_text, difference_reading, display_name, isolate,
                     runs_with_value, scroll_table, text_html)

__all__ = ["PAGE_ONE_KPIS", "OptionResult", "chair_sentences", "option_results",
           "page_one_html", "ranked_table", "stress_table"]

#: The measures of page one: the service measures, then the cost a year (last).
PAGE_ONE_KPIS = ["assessment_within_45wd_pct", "unallocated_mean", "caseload_mean",
                 "sw_changes_per_child_year", "cost_per_year_gbp"]
#: The cost measure that prices each improvement.
COST_KPI = "cost_per_year_gbp"

#: One unit of improvement of each page-one service measure, in words, for "GBP ... a year per".
_UNIT_WORDS = {
    "assessment_within_45wd_pct": "point more assessments on time",
    "unallocated_mean": "child fewer waiting",
    "caseload_mean": "case off the average caseload",
    "sw_changes_per_child_year": "0.1 fewer changes of social worker a child",
}
#: Units priced per tenth (a whole change of social worker per child is a very large change).
_TENTHS = {"changes per child per year"}


@dataclass
class Difference:
    """One option's paired difference from its comparator on one measure."""

    kpi: KPI
    diff: float
    low: float
    high: float
    comparator_mean: float
    runs: int | None = None     # the paired runs behind it (``n`` of Experiment.compare)
    sd: float = math.nan        # the spread of the paired differences (``sd_difference``)
    made: int | None = None     # the runs made of the option (more than ``runs`` when some
    #                             had no value: none of the measure fell due in them)

    @property
    def reading(self) -> str:
        """The reading ``workbench compare`` gives the same row (tables.difference_reading):
        "higher in every run" when every paired run differed by the same amount, "one run:
        cannot tell" from a single run."""
        row = SimpleNamespace(difference=self.diff, ci_low=self.low, ci_high=self.high,
                              n=self.runs, sd_difference=self.sd)
        return difference_reading(row, self.kpi)

    @property
    def every_run(self) -> bool:
        """Every paired run gave the same difference, so there is no range (the runs agree)."""
        return (math.isnan(self.low) and self.sd == 0 and (self.runs or 0) >= 2
                and not math.isnan(self.diff))

    def text(self) -> str:
        """E.g. "+4.0 pts (95% range +2.0 to +6.0 pts)"; pounds in millions."""
        k = self.kpi
        if math.isnan(self.diff):
            return "not compared"
        return f"{k.format(self.diff, True)}{self.range_text()}"

    def range_text(self) -> str:
        """The range as ' (95% range a to b)' in the measure's format; without one (too few
        runs, or every run giving the same difference: :meth:`Experiment.compare`), says so."""
        if math.isnan(self.low) or math.isnan(self.high):
            if math.isnan(self.diff):
                return ""
            if self.runs == 1:
                return (" (one run: no range)" if not self.made or self.made <= 1 else
                        f" (only 1 of {self.made} runs had a value in both: no range)")
            if self.every_run:
                return (" (the same in every run)" if not self.made or self.runs >= self.made
                        else f" (the same in each of the {self.runs} of {self.made} runs that "
                             f"had a value in both)")
            return " (95% range cannot be estimated from these runs)"
        if self.low == self.high == self.diff == 0:
            return " (the same in every run)"  # identical runs: no range to show
        k = self.kpi
        some = (f"; {runs_with_value(self.runs, self.made, both=True)}"
                if self.runs and self.made and self.runs < self.made else "")
        return (f" (95% range {bound_text(k, self.low, True, False)} to "
                f"{bound_text(k, self.high, True)}{some})")


@dataclass
class OptionResult:
    """Everything page one says about one option against its comparator."""

    label: str
    name: str
    differences: dict[str, Difference]

    @property
    def service(self) -> list[Difference]:
        return [d for n, d in self.differences.items() if n != COST_KPI]

    @property
    def cost(self) -> Difference | None:
        return self.differences.get(COST_KPI)

    @property
    def better(self) -> list[Difference]:
        return [d for d in self.service if d.reading in ("better", "better in every run")]

    @property
    def worse(self) -> list[Difference]:
        return [d for d in self.service if d.reading in ("worse", "worse in every run")]

    @property
    def score(self) -> tuple[int, float]:
        """Sort key: clearly better minus clearly worse (more first), then cost (less first)."""
        c = self.cost.diff if self.cost is not None and not math.isnan(self.cost.diff) else 0.0
        return (-(len(self.better) - len(self.worse)), c)

    def unit_costs(self) -> list[str]:
        """What each clearly better measure costs a year per unit of improvement (two
        significant figures: the ranges behind them are wide); one line when the option costs
        no more or less."""
        cost = self.cost
        if cost is None or math.isnan(cost.diff) or not self.better:
            return []
        if cost.reading == "too small to show":
            return ["A change in cost too small to show: nothing to price"]
        if not cost.every_run:   # the same difference in every run is priced as it stands
            if math.isnan(cost.low) or math.isnan(cost.high):
                return ["No range for the cost from these runs: not priced"]
            if cost.low <= 0 <= cost.high:
                return ["No clear extra cost"]
        if cost.diff < 0:
            return ["Costs less a year: no extra cost to price"]
        out = []
        for d in self.better:
            gain = abs(d.diff) * (10 if d.kpi.unit in _TENTHS else 1)
            unit = _UNIT_WORDS.get(d.kpi.name) or f"unit of {d.kpi.label.lower()}"
            each = cost.diff / gain
            each = round(each, 1 - int(math.floor(math.log10(each)))) if each > 0 else each
            # two figures: under £1 a pound with no pence read "£0 a year per ..."
            price = f"£{each:,.0f}" if abs(each) >= 1 or each == 0 else f"£{each:.2g}"
            out.append(f"{price} a year per {unit}")
        return out


def _differences(cmp: pd.DataFrame, label: str, names, made: int | None = None
                 ) -> dict[str, Difference]:
    out = {}
    for name in names:
        r = cmp[(cmp.scenario == label) & (cmp.kpi == name)]
        if r.empty:
            continue
        r = r.iloc[0]
        n = r.get("n", math.nan)
        out[name] = Difference(kpi(name), float(r.difference), float(r.ci_low),
                               float(r.ci_high), float(r.baseline_mean),
                               runs=None if n != n else int(n),
                               sd=float(r.get("sd_difference", math.nan)), made=made)
    return out


def option_results(exp, comparator: str, labels, names=PAGE_ONE_KPIS) -> list[OptionResult]:
    """Each of ``labels`` against ``comparator`` (paired on common random numbers), ranked:
    most measures clearly better less clearly worse first, then the cheaper."""
    present = [n for n in names if n in exp.kpis.columns]
    cmp = exp.compare(comparator, kpis=present)
    results = [OptionResult(lb, display_name(exp, lb),
                            _differences(cmp, lb, present, int((exp.kpis.scenario == lb).sum())))
               for lb in labels]
    return sorted(results, key=lambda r: r.score)


def _cell(d: Difference | None) -> str:
    if d is None:
        return "<td>not compared</td>"
    word = d.reading
    way = word.removesuffix(" in every run")
    cls = {"better": "better", "worse": "worse"}.get(way, "neutral")
    # the word carries the meaning; the colour and the mark only repeat it (WCAG 1.4.1), so
    # the mark is hidden from screen readers, which read it as "black up-pointing triangle"
    mark = {"better": "▲ ", "worse": "▼ "}.get(way, "")
    mark = f'<span aria-hidden="true">{mark}</span>' if mark else ""
    word_html = f'<span class="reading {cls}">{mark}{html.escape(word.capitalize())}</span>'
    k = d.kpi
    return (f"<td>{word_html} {figures_html(k.format(d.diff, True))}"
            f'<span class="range">{figures_html(d.range_text())}</span></td>')


def figures_html(text: str) -> str:
    """``text`` escaped, each signed sum of money kept on one line (:func:`bidi.keep_figures`)."""
    return keep_figures(html.escape(text))


def _table(results: list[OptionResult], caption: str, first_header: str,
           names=PAGE_ONE_KPIS, ranked: bool = True) -> str:
    heads = [f'<th scope="col">{html.escape(first_header)}</th>']
    heads += [f'<th scope="col">{html.escape(kpi(n).label)}</th>' for n in names]
    heads.append('<th scope="col">What each improvement costs</th>')
    rows = []
    for i, r in enumerate(results, 1):
        rank = f"{i}. " if ranked else ""
        cells = "".join(_cell(r.differences.get(n)) for n in names)
        costs = r.unit_costs()
        cost_html = ("<ul>" + "".join(f"<li>{html.escape(c)}</li>" for c in costs) + "</ul>"
                     if costs else "No clear improvement to price")
        rows.append(f'<tr><th scope="row">{rank}{bidi_html(r.name)}</th>{cells}'
                    f"<td>{cost_html}</td></tr>")
    table = (f'<table class="wb-table ranked"><caption>{text_html(caption, wbr=True)}</caption>'
             f"<thead><tr>{''.join(heads)}</tr></thead><tbody>{''.join(rows)}</tbody></table>")
    note = no_range_note([d for r in results for d in r.differences.values()])
    return scroll_table(table, caption) + (f'<p class="note">{html.escape(note)}</p>' if note else "")


def no_range_note(ds: list[Difference]) -> str:
    """What a reading without a range means, for the readings shown ("" when every one has a
    range): the same words as ``workbench compare`` uses."""
    if any(d.runs == 1 and not math.isnan(d.diff) for d in ds):
        return ("One run: cannot tell. With a single run there is no range to show how sure we "
                "can be, so no difference is called better or worse.")
    notes = []
    if any(d.every_run and d.reading.endswith(" in every run") for d in ds):
        notes.append("'Higher in every run' (or better, worse, lower): every paired run differed "
                     "by the same amount, so there is no range, but no run disagreed.")
    if any(d.reading == "no change in any run" for d in ds):
        notes.append("'No change in any run': every paired run gave exactly the same value, so "
                     "there is no range and nothing to tell apart.")
    return " ".join(notes)


def ranked_table(exp, design: ReportDesign) -> str:
    """The options against the baseline, ranked, as an HTML table (every value escaped, once:
    the caption escaped the baseline's name twice, so "<b>" showed as "&lt;b&gt;")."""
    results = option_results(exp, design.baseline, design.options)
    base = baseline_words(display_name(exp, design.baseline))  # the name's case kept
    rng = "" if getattr(exp, "replications", 2) < 2 else ", with its 95% range"
    return _table(results, f"Each option against the {base}: average difference over the "
                           f"period (cost: a year){rng}", "Option (ranked)")


def stress_table(exp, design: ReportDesign, pressure: str) -> list[str]:
    """Two HTML tables (every value escaped): what one pressure does to the baseline, then the
    options under it against the baseline under it, ranked."""
    runs = design.stress[pressure]
    effect = option_results(exp, design.baseline, [runs[design.baseline]])
    name = isolate(display_name(exp, pressure))
    base = baseline_words(display_name(exp, design.baseline))
    effect[0].name = f"{name}: what it does to the {base}"
    under = option_results(exp, runs[design.baseline], [runs[o] for o in design.options])
    for r in under:
        r.name = next(display_name(exp, o) for o in design.options if runs[o] == r.label)
    head = _table(effect, f"Stress test: {name} against the {base}", "Pressure", ranked=False)
    body = _table(under, f"Each option under the stress test against the {base} "
                         f"under it, ranked", "Option under the stress test (ranked)")
    return [head, body]


def _names(ds: list[Difference]) -> str:
    words = [d.kpi.label[:1].lower() + d.kpi.label[1:] for d in ds]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _cost_phrase(r: OptionResult) -> str:
    c = r.cost
    if c is None or math.isnan(c.diff):
        return ""
    if c.reading == "too small to show":
        return " with a change in cost too small to show"
    if c.reading == "no change in any run":
        return " with no change in cost in any run"
    if c.every_run:
        pass    # the same difference in every run: said as it stands, "(the same in every run)"
    elif c.runs == 1:
        return " (its cost a year comes from a single run)"
    elif math.isnan(c.low) or math.isnan(c.high):
        return " (its cost a year has no 95% range from these runs)"
    elif c.low <= 0 <= c.high:
        return " with no clear change in cost"
    return f" at {c.kpi.format(abs(c.diff))} a year {'more' if c.diff > 0 else 'less'}{c.range_text()}"


def _tied(good: list[OptionResult]) -> list[OptionResult]:
    """The options after the first of ``good`` (ranked, none clearly worse on anything) as many
    measures clearly better as it: the cost a year alone ranked it before them."""
    return [r for r in good[1:] if len(r.better) == len(good[0].better)] if good else []


def _tie_words(good: list[OptionResult], names=None) -> str:
    """"; <others> is clearly better on as many measures, and <first> is first only on its
    lower cost a year, ..." when the first of ``good`` ranks first on cost alone; else ""."""
    tied = _tied(good)
    if not tied:
        return ""
    name = names or (lambda r: r.name)
    said = [isolate(name(r)) for r in tied]
    listed = said[0] if len(said) == 1 else ", ".join(said[:-1]) + " and " + said[-1]
    return (f"; {listed} {'is' if len(said) == 1 else 'are'} clearly better on as many "
            f"measures, and {isolate(name(good[0]))} is first only on its lower cost a year, "
            f"not on the size of its improvements")


#: How many of the clearly worse options the chair's sentence names (the worst first).
WORST_NAMED = 3


def _how_bad(r: OptionResult) -> tuple[int, float]:
    """Sort key, worst first: more measures clearly worse, then the larger relative change."""
    size = sum(abs(d.diff) / abs(d.comparator_mean) if d.comparator_mean else abs(d.diff)
               for d in r.worse)
    return (-len(r.worse), -size)


def _worse_sentence(bad: list[OptionResult]) -> str:
    """The clearly worse options, the worst first; past :data:`WORST_NAMED`, how many others
    and where all of them are listed."""
    named = "; ".join(f"{isolate(r.name)} is clearly worse on {_names(r.worse)}"
                      for r in bad[:WORST_NAMED])
    rest = len(bad) - WORST_NAMED
    if rest > 0:
        named += (f"; and {counted(rest, 'other option')} {'is' if rest == 1 else 'are'} "
                  f"clearly worse on at least one measure (all are in the table above)")
    return named + "."


def chair_sentences(exp, design: ReportDesign) -> list[str]:
    """Three to five plain sentences a chair can read aloud, generated from the results (two or
    three for the baseline alone, with no options to compare)."""
    # every name is isolated (tables.isolate): the sentences are plain text, shown as HTML;
    # a scenario's name keeps its case (a proper noun), only the project's own words are lowered
    base = baseline_words(display_name(exp, design.baseline))
    results = option_results(exp, design.baseline, design.options)
    n = exp.replications
    if not results:
        out = [f"There are no options in this paper: it shows the {base} alone, simulated "
               f"{times(n)}{' on different chance events' if n > 1 else ''}."]
    else:
        out = [f"We compared {counted(len(results), 'option')} with the {base}, each simulated "
               f"{times(n)} on the same chance events."]
    good = [r for r in results if r.better and not r.worse]
    if good:
        top = good[0]
        # "does best" only of the table's first: an option clearly better on more measures but
        # clearly worse on one can rank above it, and the sentence contradicted the table
        lead = ("ranks highest of the options clearly worse on nothing" if top is not results[0]
                else "ranks first" if _tied(good) else "does best")
        out.append(f"{isolate(top.name)} {lead}: clearly better on {_names(top.better)}"
                   f"{_cost_phrase(top)}{_tie_words(good)}.")
    elif results:
        out.append(f"No option is clearly better than the {base} on the service measures without "
                   f"being clearly worse on another.")
    bad = sorted((r for r in results if r.worse), key=_how_bad)
    if bad:
        out.append(_worse_sentence(bad))
    shown = list(results)
    for p in design.pressures[:1]:
        runs = design.stress[p]
        effect = option_results(exp, design.baseline, [runs[design.baseline]])[0]
        hurt, helped = effect.worse, effect.better
        # a pressure may make a measure clearly better (a fall in referrals): "no clear
        # difference" beside a table saying "Better" was wrong
        said = ([f"{_names(hurt)} clearly worse"] if hurt else []) + (
            [f"{_names(helped)} clearly better"] if helped else [])
        what = ("makes " + ", and ".join(said) if said
                else "makes no clear difference to the service measures")
        under = option_results(exp, runs[design.baseline], [runs[o] for o in design.options])
        shown += [effect, *under]
        held = [r for r in under if r.better and not r.worse]
        best = (next(isolate(display_name(exp, o)) for o in design.options if runs[o] == held[0].label)
                if held else None)
        # "helps most" only of the first of the stress table (as "does best" above), and not
        # when the cost a year alone put it before another as many measures clearly better
        # (it may help less on them)
        helps = ("ranks highest under it of the options clearly worse on nothing"
                 if not held or held[0] is not under[0]
                 else "ranks first under it" + _tie_words(held, names=lambda r: next(
                     display_name(exp, o) for o in design.options if runs[o] == r.label))
                 if _tied(held) else "helps most under it")
        tail = ("" if not design.options else f"; {best} {helps}" if best
                else "; no option clearly offsets it" if hurt
                else "; no option is clearly better under it")
        others = [isolate(display_name(exp, q)) for q in design.pressures[1:]]
        # the sentences speak of the first stress test only: the others are named, not lost
        more = (f" The other stress test{'s' if len(others) > 1 else ''} ("
                f"{others[0] if len(others) == 1 else ', '.join(others[:-1]) + ' and ' + others[-1]}"
                f") {'are' if len(others) > 1 else 'is'} in the stress tests' tables."
                if others else "")
        out.append(f"The stress test, {isolate(display_name(exp, p))}, {what}{tail}.{more}")
    if n < 2:
        out.append("With a single run there is no range to show how sure we can be"
                   + (": no difference can be called clearly better or worse." if results
                      or design.pressures else "."))
    elif results or design.pressures:
        out.append("Each difference has a 95% range; 'no clear change' means the range includes "
                   "no change at all, and 'too small to show' that the range excludes no "
                   "change but the difference itself rounds to zero at the last digit shown"
                   + ("; 'no change in any run' that every run gave exactly the same value"
                      if any(d.reading == "no change in any run" for r in shown
                             for d in r.differences.values()) else "")
                   + ("; a difference the same in every run has no range, but no run disagreed."
                      if any(d.every_run for r in shown for d in r.differences.values())
                      else "."))
    else:
        out.append("Each figure has a 95% range showing how sure we can be of it.")
    return out[:5]


def page_one_html(exp, design: ReportDesign, question: str) -> str:
    """Page one: the question, the ranked table, how it is ranked, the sentences to read aloud
    (for the baseline alone, a line saying there are no options to rank, in place of the table)."""
    sentences = "".join(f"<li>{text_html(s)}</li>" for s in chair_sentences(exp, design))
    if design.options:
        ranked = (f"{ranked_table(exp, design)}"
                  f'<p class="note">Ranked by how many of the four service measures are clearly '
                  f"better less how many are clearly worse, then by cost a year (lower first). "
                  f"Timeliness, waiting, caseloads and stability are averages over the period; "
                  f"cost is a year's. Differences are paired: each option ran on the same "
                  f"simulated referrals.</p>")
    else:
        base = baseline_words(display_name(exp, design.baseline))
        alone = (f"There are no options to rank: this paper shows the {base} alone. Its "
                 f"figures are under All the measures.")
        ranked = f'<p class="note">{text_html(alone)}</p>'
    return (f'<section class="page-one" aria-labelledby="answer">'
            f'<h2 id="answer">The answer in brief</h2>'
            f'<p class="question"><strong>The question:</strong> {text_html(question)}</p>'
            f"{ranked}"
            f'<h3>For the chair</h3><ul class="chair">{sentences}</ul></section>')
