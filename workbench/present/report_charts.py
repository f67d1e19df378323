"""The scrutiny report's charts as accessible HTML figures, and the charts only the report draws.

:func:`figure_html` turns a matplotlib figure into a ``<figure>`` with an embedded PNG, its text
alternative (:mod:`workbench.present.alt_text`) as ``alt`` and a visible caption, so that the page
is self-contained and a screen reader reads the finding. :func:`subset` narrows an experiment to
some of its scenarios (the options without the stress tests, say) for the charts of
:mod:`workbench.present.plots`.
"""

from __future__ import annotations

import base64
import dataclasses
import html
import io
from typing import Sequence

import matplotlib.pyplot as plt
import pandas as pd

from .plots import BAND_NOTE, _date_ticks, _line_with_band, _note, chart_name
from .bidi import FSI, PDI
from .tables import balance_bidi, text_html

__all__ = ["chart_finding", "figure_html", "plot_waiting_split", "subset"]


def figure_html(fig, alt: str, caption: str = "", dpi: int = 110) -> str:
    """A figure as ``<figure>`` HTML: an embedded PNG with ``alt`` and an optional caption.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        Closed after rendering (it is not kept in memory).
    alt : str
        The text alternative: what the chart shows and its main finding (escaped here).
    caption : str
        A visible caption (escaped here); default: the chart's finding (:func:`chart_finding`).
    dpi : int
        Resolution: 110 prints sharply on A4 and keeps the page small.
    """
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight", facecolor="white")
    plt.close(fig)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    caption = caption or chart_finding(alt)
    # names in ``alt`` come isolated (FSI ... PDI, tables.isolate): kept as such in the
    # attribute (plain text), as <bdi> in the caption
    cap = f"<figcaption>{text_html(caption)}</figcaption>"
    return (f'<figure class="chart"><img src="data:image/png;base64,{data}" '
            f'alt="{html.escape(balance_bidi(alt), quote=True)}">{cap}</figure>')


def chart_finding(alt: str) -> str:
    """A chart's visible caption, on screen and on paper: its finding (the text alternative's
    sentences after the first, which says what the chart shows, as the chart's own title does);
    the first sentence when the text alternative has no other. The caption was the first
    sentence alone, so that a reader of the printed report had the finding only in the PDF's
    tags, not on the page."""
    depth = 0
    for i, ch in enumerate(alt):  # the first ". " outside a name (names come isolated)
        depth += (ch == FSI) - (ch == PDI)
        if depth <= 0 and alt.startswith(". ", i):
            first, rest = alt[:i], alt[i + 2:]
            break
    else:
        first, rest = alt, ""
    return rest.strip() or first.rstrip(".") + "."


def subset(exp, labels: Sequence[str]):
    """The experiment narrowed to ``labels`` (in that order): the same results, fewer scenarios."""
    labels = [lb for lb in labels if lb in exp.scenarios]
    order = {lb: i for i, lb in enumerate(labels)}

    def pick(df: pd.DataFrame) -> pd.DataFrame:
        if df is None or df.empty or "scenario" not in df:
            return df
        out = df[df.scenario.isin(labels)]
        # tables list scenarios in the order they first appear: keep the order asked for
        return out.sort_values("scenario", key=lambda s: s.map(order), kind="stable")

    return dataclasses.replace(
        exp, scenarios={lb: exp.scenarios[lb] for lb in labels},
        digests={lb: exp.digests[lb] for lb in labels}, kpis=pick(exp.kpis),
        timeseries=pick(exp.timeseries), failures=pick(exp.failures))


def plot_waiting_split(exp, options: Sequence[str], stressed: Sequence[str] = (),
                       pressure: str | None = None, names: dict[str, str] | None = None):
    """Children waiting for a social worker: the options on their own scale and, beside them,
    the options under a stress test on its own scale (a surge would otherwise squash the options
    near zero). ``names`` relabels the legend (an option's own name for its run under the
    pressure); ``stressed`` is in the order of ``options``, so each keeps its colour and style."""
    ts = exp.timeseries
    panels = [("The options", list(options))]
    if stressed:
        panels.append((chart_name(f"Stress test: {pressure}"), list(stressed)))
    fig, axes = plt.subplots(1, len(panels), figsize=(6.2 * len(panels), 4.4), squeeze=False,
                             layout="constrained")
    for ax, (title, labels) in zip(axes[0], panels):
        _line_with_band(ax, ts[ts.scenario.isin(labels)], "unallocated", scenarios=labels)
        ax.set_ylim(bottom=0)
        ax.set_title(title, loc="left", fontsize=10)
        ax.set_ylabel("children (weekly count)")
        _date_ticks(ax, 5)
        handles, _ = ax.get_legend_handles_labels()
        # the legend names each line (a stressed run by its option's name), as charts wrap names
        said = [chart_name((names or {}).get(lb, lb)) for lb in labels
                if (ts.scenario == lb).any()]
        ax.legend(handles, said, frameon=False, fontsize=7, loc="upper left")
    fig.suptitle("Children waiting for a social worker (unallocated)", x=0.01, ha="left",
                 fontsize=12, fontweight="bold")
    _note(fig, BAND_NOTE + (" Each panel has its own scale." if stressed else ""))
    return fig
