"""An authority against its statistical neighbours and England, from the published statistics.

The comparison notebook (``notebooks/02_compare_scenarios.ipynb``) and the scrutiny report show
where a council stands before anyone models it: the published figures of the authority, of the
neighbours it is usually compared with, and of England, side by side
(:func:`~workbench.published.neighbours.neighbour_table`), as

- a table (:func:`table_html`: a caption, header cells with their scope, every text escaped);
- a dot plot in small multiples (:func:`plot_neighbours`: a panel per measure, the authority
  highlighted, England a dashed reference line) with its text alternative
  (:func:`alt_neighbours`);
- one plain-English sentence per notable difference (:func:`differences`);
- all three as one report section (:func:`neighbours_section`).

Counts (children referred, children in need, on plans, looked after) are in the table only: they
measure an authority's size as much as its practice, so the chart and the sentences compare the
rates, shares and averages alone. Each figure is the authority's latest in the files, with its
year; a sentence compares figures of the same year only.

Without a folder of downloads the view reads the workbench's example files
(``tests/data/published``: the published layout, invented figures) and says so wherever it
shows them.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import matplotlib.pyplot as plt
import pandas as pd

from . import plots  # noqa: F401  (its settings: text in charts shown as written, no mathematics)
from ..published import PublishedError, find_authority, neighbour_table, read_published
from ..published.neighbours import MEASURES
from ..published.tables import TABLES
from ..scenario.catalog import PACKAGE_ROOT, project_root
from .report_charts import figure_html
from .report_page import section_html
from .tables import bidi_html, isolate, scroll_table, text_html

__all__ = ["EXAMPLE_DATA", "NeighbourView", "alt_neighbours", "differences", "example_data_folder",
           "neighbour_view", "neighbours_section", "plot_neighbours", "table_html", "view_section"]

#: The example files in the published layout (invented figures), relative to the project.
EXAMPLE_DATA = Path("tests") / "data" / "published"
#: A difference from England of at least this share of England's figure is worth a sentence.
NOTABLE_SHARE = 0.10

FOCUS_COLOUR = "#0072B2"      # the authority (Okabe-Ito blue, as the app's first option)
NEIGHBOUR_COLOUR = "#666666"  # 5.7:1 on white
ENGLAND_STYLE = dict(color="#B22222", linestyle="--", linewidth=1.3)

#: How a sentence names each compared measure (MEASURES' label -> words, unit after the number).
_WORDS = {
    "Re-referrals within 12 months (%)": ("re-referral rate", "%"),
    "Referrals closed with no further action (%)": ("no further action rate", "%"),
    "Assessments finished within 45 working days (%)":
        ("assessment timeliness (finished within 45 working days)", "%"),
    "Working days to finish an assessment (median)": ("median assessment time", " working days"),
    "Section 47 enquiries per 100 referrals": ("section 47 rate (enquiries per 100 referrals)", ""),
    "ICPCs per 100 section 47 enquiries": ("ICPC rate (conferences per 100 section 47 enquiries)",
                                           ""),
    "Average caseload (cases per case-holding FTE)": ("average caseload", ""),
    "Agency workers (% of FTE)": ("agency worker rate", "%"),
    "Vacancies (% of posts)": ("vacancy rate", "%"),
    "Turnover (% a year)": ("turnover rate", "%"),
    "Sickness absence (% of days)": ("sickness absence rate", "%"),
}
_FORMAT = {label: fmt for label, _spec, fmt in MEASURES}
_WORKFORCE = set(next(t for t in TABLES if t.key == "workforce").measures)
_PERIOD = {label: ("workforce" if spec[0] in _WORKFORCE else
                   "at31" if spec[0].endswith("at31") else "year")
           for label, spec, _fmt in MEASURES}


def example_data_folder() -> Path:
    """The folder of example files in the published layout (invented figures).

    Raises
    ------
    PublishedError
        When neither the project nor the installed package holds them (then give a folder of
        downloads).
    """
    for root in (project_root(), PACKAGE_ROOT):
        if (root / EXAMPLE_DATA).is_dir():
            return root / EXAMPLE_DATA
    raise PublishedError(f"no example files in {EXAMPLE_DATA}: give the folder of the published "
                         "CSV files you downloaded (docs/published.md says which)")


@dataclass(frozen=True)
class NeighbourView:
    """An authority, its neighbours and England, side by side.

    Attributes
    ----------
    authority : str
        The authority's name as the files give it.
    neighbours : tuple of str
        Its neighbours' names, in the order asked for.
    table : pandas.DataFrame
        For reading: a row per measure, a column per authority and England, values with their
        year (:func:`~workbench.published.neighbours.neighbour_table`).
    numbers : pandas.DataFrame
        ``measure, authority, year, value`` (NaN where the files give no figure).
    folder : str
        The folder read.
    files : tuple of str
        The published files in it that were read.
    example : bool
        True when the folder is the example files (invented figures).
    notes : tuple of str
        How each authority was matched and followed (renames, new codes).
    """

    authority: str
    neighbours: tuple[str, ...]
    table: pd.DataFrame
    numbers: pd.DataFrame
    folder: str
    files: tuple[str, ...] = ()
    example: bool = False
    notes: tuple[str, ...] = field(default=())

    @property
    def names(self) -> list[str]:
        """The authority, then its neighbours."""
        return [self.authority, *self.neighbours]

    def value(self, measure: str, who: str) -> tuple[float, int | None]:
        """A measure's value and year for an authority or "England" (NaN, None: not given)."""
        rows = self.numbers[(self.numbers.measure == measure) & (self.numbers.authority == who)]
        if rows.empty or pd.isna(rows.value.iloc[0]):
            return math.nan, None
        year = rows.year.iloc[0]
        return float(rows.value.iloc[0]), None if pd.isna(year) else int(year)


def neighbour_view(authority: str, neighbours: Sequence[str] = (),
                   data: str | Path | None = None) -> NeighbourView:
    """Read the published files and set an authority beside its neighbours and England.

    Parameters
    ----------
    authority : str
        By name ("Durham") or code (``E06000047``, ``840``), as ``workbench from-published --la``.
    neighbours : sequence of str
        The authorities to compare it with (its statistical neighbours), by name or code.
    data : str or Path, optional
        The folder of downloaded CSV (or ZIP) files (a relative path not found from the working
        directory is taken from the project's folder); None: the example files (invented
        figures).

    Raises
    ------
    PublishedError
        A name that matches no authority (with the close matches), one authority given twice,
        or a folder that holds none of the published tables.
    """
    folder = Path(data) if data is not None else example_data_folder()
    if not folder.is_absolute() and not folder.exists():
        folder = project_root() / folder   # a notebook's path, relative to the project
    published = read_published(folder)
    queries = [authority, *neighbours]
    found = [find_authority(published, q) for q in queries]
    seen: dict[str, str] = {}
    for q, a in zip(queries, found):
        # (files with no codes: authorities told apart by name, as the reader tells them apart;
        # by a blank code, every two were "the same authority")
        key = a.code or f"name {a.name}"
        if key in seen:
            raise PublishedError(f"{seen[key]!r} and {q!r} are the same authority ({a.name}): "
                                 "give each neighbour once, and not the authority itself")
        seen[key] = q
    shown, numbers = neighbour_table(found)
    notes = tuple(n for a in found for n in a.notes)
    return NeighbourView(found[0].name, tuple(a.name for a in found[1:]), shown, numbers,
                         str(folder), tuple(sorted(published.files)), data is None, notes)


# --------------------------------------------------------------------------------------------
# Words
# --------------------------------------------------------------------------------------------

def compared_measures() -> list[str]:
    """The measures the chart and the sentences compare: rates, shares and averages (counts
    depend on an authority's size and stay in the table)."""
    return [label for label, _spec, fmt in MEASURES if fmt != "count"]


def _words(measure: str) -> tuple[str, str]:
    default = (measure.split(" (")[0].lower(), "%" if _FORMAT.get(measure) == "pct" else "")
    return _WORDS.get(measure, default)


def _number(measure: str, v: float) -> str:
    return f"{v:,.1f}{_words(measure)[1]}"


def _period(measure: str, year: int) -> str:
    kind = _PERIOD.get(measure, "year")
    if kind == "workforce":
        return f"30 September {year}"
    return f"31 March {year}" if kind == "at31" else f"year to 31 March {year}"


def differences(view: NeighbourView, notable_share: float = NOTABLE_SHARE) -> list[str]:
    """One plain-English sentence per notable difference, in the order of the table.

    A difference is notable when the authority's figure is above (or below) those of all its
    neighbours (two or more, with a figure of the same year), or differs from England's of the
    same year by at least ``notable_share`` of England's figure. The words say higher or lower,
    never better or worse: whether more is better depends on the council's circumstances.

    Returns
    -------
    list of str
        E.g. "County Durham's average caseload of 22.1 (30 September 2023) is higher than all 3
        neighbours' and England's 16.2."
    """
    out = []
    for measure in compared_measures():
        a, year = view.value(measure, view.authority)
        if year is None:
            continue
        near = {n: v for n, (v, y) in ((n, view.value(measure, n)) for n in view.neighbours)
                if y == year}
        e, ey = view.value(measure, "England")
        if ey != year:
            e = math.nan
        # compared as shown (one decimal): "16.2% is higher than England's 16.2%" was said
        sa = _shown(a)
        above = len(near) >= 2 and all(_shown(v) < sa for v in near.values())
        below = len(near) >= 2 and all(_shown(v) > sa for v in near.values())
        off = (not math.isnan(e) and e > 0 and abs(a - e) >= notable_share * e
               and sa != _shown(e))
        if above or below or off:
            out.append(_sentence(view, measure, a, year, near, e, above, below))
    return out


def _shown(v: float) -> float:
    """A figure as the sentences and the table show it (one decimal, :func:`_number`)."""
    return round(v, 1)


def _sentence(view, measure, a, year, near: dict, e, above, below) -> str:
    what, unit = _words(measure)
    head = f"{isolate(view.authority)}'s {what} of {_number(measure, a)} ({_period(measure, year)})"
    england = "" if math.isnan(e) else f"England's {_number(measure, e)}"
    if above or below:
        side = "higher" if above else "lower"
        group = f"all {len(near)} neighbours'"
        if not england:
            return f"{head} is {side} than {group}."
        if _shown(a) == _shown(e):
            return f"{head} is {side} than {group} and the same as {england}."
        if (a > e) == above:
            return f"{head} is {side} than {group} and {england}."
        return f"{head} is {side} than {group} but {'lower' if above else 'higher'} than {england}."
    side = "higher" if a > e else "lower"
    if not near:
        return f"{head} is {side} than {england}."
    if len(near) == 1:
        (name, v), = near.items()
        return f"{head} is {side} than {england} ({isolate(name)}: {_number(measure, v)})."
    lo, hi = min(near.values()), max(near.values())
    low = _number(measure, lo) if unit == "%" else f"{lo:,.1f}"
    return (f"{head} is {side} than {england} (its {len(near)} neighbours: "
            f"{low} to {_number(measure, hi)}).")


def alt_neighbours(view: NeighbourView) -> str:
    """The dot plot's text alternative: what it shows and where the authority stands."""
    measures = compared_measures()
    n = len(view.neighbours)
    who = (f"its {n} neighbour{'s' if n != 1 else ''} ({', '.join(map(isolate, view.neighbours))})"
           if n else "no neighbours")
    me = isolate(view.authority)
    top, bottom, missing = [], [], []
    for m in measures:
        a, year = view.value(m, view.authority)
        if year is None:
            missing.append(m)
            continue
        near = [v for v, y in (view.value(m, x) for x in view.neighbours) if y == year]
        if near and all(_shown(v) < _shown(a) for v in near):   # as shown: a tie is no top
            top.append(f"{m} ({_number(m, a)})")
        elif near and all(_shown(v) > _shown(a) for v in near):
            bottom.append(f"{m} ({_number(m, a)})")
    text = (f"Dot plot in {len(measures)} panels, one per measure: a dot for {me} "
            f"(highlighted) and one for each of {who}, with England's figure as a dashed line. ")
    if n:
        text += (f"{me} is the highest of the group on {len(top)} "
                 f"measure{'s' if len(top) != 1 else ''}{': ' + '; '.join(top) if top else ''}. "
                 f"It is the lowest on {len(bottom)}"
                 f"{': ' + '; '.join(bottom) if bottom else ''}. ")
    if missing:
        text += f"Not given for {me}: {'; '.join(missing)}. "
    if view.example:
        text += "The figures are invented (the workbench's example files)."
    return text.strip()


# --------------------------------------------------------------------------------------------
# The chart
# --------------------------------------------------------------------------------------------

def plot_neighbours(view: NeighbourView, ncols: int = 3):
    """Small multiples: a panel per compared measure, a row per authority, England a dashed line.

    The authority is the first row, in blue with a larger diamond and its value written beside
    it; the neighbours are grey dots. Each panel has its own scale (the measures have different
    units). A figure not given is written as such in its row.

    Returns
    -------
    matplotlib.figure.Figure
    """
    measures = compared_measures()
    names = view.names
    nrows = math.ceil(len(measures) / ncols)
    height = 0.9 + 0.28 * len(names)
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.1 * ncols, 0.9 + height * nrows),
                             sharey=True, squeeze=False, layout="constrained")
    rows = list(range(len(names)))[::-1]   # the authority at the top
    for ax, measure in zip(axes.flat, measures):
        values = [view.value(measure, who) for who in names]
        e, _ = view.value(measure, "England")
        given = [v for v, _ in values if not math.isnan(v)] + ([] if math.isnan(e) else [e])
        lo, hi = (min(given), max(given)) if given else (0.0, 1.0)
        pad = (hi - lo) * 0.15 or max(abs(hi) * 0.1, 1.0)
        ax.set_xlim(lo - pad, hi + pad * 2.2)
        for i, ((v, y), who, row) in enumerate(zip(values, names, rows)):
            if math.isnan(v):
                ax.text(lo, row, "not given", va="center", fontsize=7, color="#555555",
                        style="italic")
                continue
            if i == 0:
                ax.plot([v], [row], marker="D", markersize=8, color=FOCUS_COLOUR, linestyle="",
                        zorder=3, label=view.authority)
                ax.annotate(f"{v:,.1f}", (v, row), xytext=(7, 0), textcoords="offset points",
                            va="center", fontsize=7.5, color=FOCUS_COLOUR, fontweight="bold")
            else:
                ax.plot([v], [row], marker="o", markersize=5.5, color=NEIGHBOUR_COLOUR,
                        linestyle="", zorder=2, label="Neighbours" if i == 1 else None)
        if not math.isnan(e):
            ax.axvline(e, **ENGLAND_STYLE, label="England", zorder=1)
        ax.set_title(_wrap(measure), loc="left", fontsize=8.5)
        ax.set_ylim(-0.7, len(names) - 0.3)
        ax.grid(axis="x", color="#e5e5e5", linewidth=0.6)
        ax.tick_params(labelsize=7.5)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    for ax in list(axes.flat)[len(measures):]:
        ax.set_visible(False)
    axes[0][0].set_yticks(rows, names)
    for ax in axes[:, 0]:
        ax.tick_params(axis="y", labelsize=8)
        for label in ax.get_yticklabels():
            if label.get_text() == view.authority:
                label.set_fontweight("bold")
                label.set_color(FOCUS_COLOUR)
    legend: dict = {}
    for ax in axes.flat:
        for h, lb in zip(*ax.get_legend_handles_labels()):
            legend.setdefault(lb, h)
    fig.legend(list(legend.values()), list(legend), loc="outside upper right", ncols=3,
               frameon=False, fontsize=8)
    fig.suptitle(f"{view.authority} against its neighbours and England", x=0.01, ha="left",
                 fontsize=12, fontweight="bold")
    note = ("Each panel: one measure from the published statistics, the latest year each "
            "authority gives (the table shows the years); its own scale. Counts are in the table "
            "only.")
    if view.example:
        note += " Invented figures (the workbench's example files)."
    fig.supxlabel(note, x=0.01, ha="left", fontsize=7.5, color="#555555")
    return fig


def _wrap(text: str, width: int = 38) -> str:
    words, lines, line = text.split(), [], ""
    for w in words:
        if line and len(line) + 1 + len(w) > width:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    return "\n".join(lines + [line])


# --------------------------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------------------------

_TD = "padding:4px 10px;border-bottom:1px solid #ddd;text-align:right;vertical-align:top"
_TH = "padding:4px 10px;border-bottom:1px solid #ddd;text-align:left;vertical-align:top"


def _caption(view: NeighbourView) -> str:
    who = ", ".join(map(isolate, view.neighbours)) if view.neighbours else "no neighbours"
    text = (f"{isolate(view.authority)} against its neighbours ({who}) and England: each "
            "authority's latest published figure, with its year")
    return text + (" (invented figures: the workbench's example files)" if view.example else "")


def table_html(view: NeighbourView, caption: str = "") -> str:
    """The table as accessible HTML: a caption, column headers (``scope="col"``), each measure a
    row header (``scope="row"``), the authority's column emphasised; every text escaped."""
    cols = list(view.table.columns)
    head = "".join(f'<th scope="col" style="{_TH if i == 0 else _TD}">{bidi_html(str(c))}</th>'
                   for i, c in enumerate(cols))
    body = []
    for row in view.table.itertuples(index=False):
        cells = [f'<th scope="row" style="{_TH};font-weight:normal">'
                 f'{html.escape(str(row[0]))}</th>']
        for c, v in zip(cols[1:], row[1:]):
            style = _TD + (";font-weight:600;background:#eef5fb" if c == view.authority else "")
            cells.append(f'<td style="{style}">{html.escape(str(v))}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    caption = caption or _caption(view)
    table = (f'<table class="wb-table neighbours" style="border-collapse:collapse;font-size:0.92em;'
             f'margin:0.4em 0 1em 0"><caption style="text-align:left;font-weight:bold;'
             f'padding-bottom:4px">{text_html(caption)}</caption><thead><tr>{head}</tr></thead>'
             f'<tbody>{"".join(body)}</tbody></table>')
    return scroll_table(table, caption)


def _sources(view: NeighbourView) -> str:
    files = ", ".join(Path(f).name for f in view.files)
    text = (f"Source: the Department for Education's published statistics (children in need, "
            f"children looked after, children's social work workforce), files read from "
            f"{Path(view.folder).name}/: {files}. Rates per 100 are worked out from the published "
            "counts; assessments within 45 working days from the duration bands.")
    if view.example:
        text = ("These are invented figures in the published layout (the workbench's example "
                "files), to show the view: give the folder of your downloads for real ones. "
                + text)
    if view.notes:
        text += " " + " ".join(f"{n}." if not n.endswith(".") else n for n in view.notes)
    return f'<p class="source" style="color:#555;font-size:0.88em">{html.escape(text)}</p>'


def view_section(view: NeighbourView, level: int = 2, anchor: str = "neighbours",
                 title: str = "") -> str:
    """The view as one HTML section: heading, the sentences, the table, the chart (an embedded
    PNG with its text alternative) and the sources. Every text is escaped."""
    said = differences(view)
    if said:
        points = "<ul>" + "".join(f"<li>{text_html(s)}</li>" for s in said) + "</ul>"
    else:
        points = ("<p>" + text_html(f"No figure of {isolate(view.authority)}'s stands out: "
                                    "none is above or below those of all its neighbours, or "
                                    f"{NOTABLE_SHARE:.0%} or more away from England's.")
                  + "</p>")
    intro = (f"Where {isolate(view.authority)} stood in the latest published statistics, beside "
             + (f"{len(view.neighbours)} neighbour{'s' if len(view.neighbours) != 1 else ''} "
                "and England" if view.neighbours else "England")
             + ". Higher or lower is not better or worse on its own: it says where to ask.")
    chart = figure_html(plot_neighbours(view), alt_neighbours(view))
    heading = title or f"{isolate(view.authority)} against its neighbours and England"
    return section_html(heading, intro, points, table_html(view), chart, _sources(view),
                        level=level, anchor=anchor)


def neighbours_section(authority: str, neighbours: Sequence[str] = (),
                       data: str | Path | None = None, *, level: int = 2,
                       anchor: str = "neighbours", title: str = "") -> str:
    """The report's section on an authority against its neighbours and England (HTML).

    Parameters
    ----------
    authority : str
        By name or code, as ``workbench from-published --la``.
    neighbours : sequence of str
        Its statistical neighbours, by name or code (may be empty: England only).
    data : str or Path, optional
        The folder of the published CSV files; None: the example files (invented figures, and
        the section says so).
    level : int
        The heading's level (``<h2>`` by default).
    anchor : str
        The section heading's ``id``, for a contents link.
    title : str
        The heading (default "<authority> against its neighbours and England").

    Returns
    -------
    str
        A ``<section>``: the heading, one sentence per notable difference, the table (caption,
        header scopes), the dot plot as an embedded PNG with alt text, the sources. Escaped.

    Raises
    ------
    PublishedError
        (A :class:`~workbench.errors.UserError`.) A name not in the files, with the close
        matches; an authority given twice; a folder with none of the published tables.
    """
    view = neighbour_view(authority, neighbours, data)
    return view_section(view, level=level, anchor=anchor, title=title)
