"""The report as a council paper: the page around the notebook's output, styled for screen and
A4 print, and the PDF written by headless Chromium.

The notebook (``notebooks/report.ipynb``) displays one HTML block a cell, each built by the package
with every value escaped; :func:`page_from_notebook` takes those blocks in order and wraps them in
one self-contained page (language, title, landmarks, print styles). :func:`write_pdf` prints the
page to an A4 PDF with headless Chromium through Playwright and returns its page count.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import os
import shutil
from pathlib import Path
from typing import Sequence

from .. import files
from ..errors import UserError
from .tables import bidi_html, isolate, text_html

__all__ = ["REPORT_STYLE", "CHROMIUM_FLAGS", "EXTRA_BEFORE", "find_chromium", "masthead_html",
           "page_from_notebook", "pdf_pages", "section_html", "write_pdf"]

#: Screen and A4 print styles. Headings are kept with what follows them and charts and table rows
#: are never split; page one (the answer) ends its page. Text colours keep 4.5:1 contrast.
REPORT_STYLE = """
body { font-family: Arial, "Helvetica Neue", sans-serif; color: #1b1b1b; max-width: 60rem;
       margin: 0 auto; padding: 1rem 1.25rem; line-height: 1.45; }
h1 { font-size: 1.6rem; margin: 0.2rem 0 0.4rem; } h2 { font-size: 1.3rem; margin-top: 1.4rem; }
h3 { font-size: 1.05rem; }
.masthead { border-bottom: 3px solid #1d3f72; padding-bottom: 0.5rem; margin-bottom: 0.8rem; }
.masthead .authority { font-weight: bold; font-size: 1.1rem; margin: 0; }
.masthead img { max-height: 60px; max-width: 220px; float: right; }
/* the names take at most half the row: at 320 px "Period the averages cover" took 210 px, and
   the date, the team and the period broke one letter a line (with a reader's text spacing) */
.masthead dl { display: grid; grid-template-columns: fit-content(50%) minmax(0, 1fr); gap: 0 0.8rem;
               margin: 0.3rem 0 0; }
.masthead dt { font-weight: bold; } .masthead dd { margin: 0; }
.wb-table { border-collapse: collapse; font-size: 0.86rem; margin: 0.4rem 0 1rem; width: 100%; }
.wb-table caption { text-align: left; font-weight: bold; padding-bottom: 0.3rem; }
.wb-table th, .wb-table td { border-bottom: 1px solid #c8c8c8; padding: 0.25rem 0.4rem;
                             text-align: left; vertical-align: top; }
.wb-table thead th { background: #eef1f6; }
.wb-table tbody th { font-weight: bold; }
.wb-table ul { margin: 0; padding-left: 1rem; }
/* a wide table scrolls sideways in its own region (the page never does): a visible focus ring
   for the keyboard; the shadows at its edges are inline (tables.scroll_table) */
.wb-scroll { margin: 0.4rem 0 1rem; }
.wb-scroll > .wb-table { margin: 0; }
.wb-scroll:focus-visible { outline: 3px solid #1d3f72; outline-offset: 2px; }
/* on a phone, page one's ranked table keeps room for its seven columns and scrolls (squeezed into
   the screen, its last column's list made every row about 400 px tall); its caption stays in view
   and wraps clear of the region's edge shadow */
@media screen and (max-width: 48rem) {
  .ranked { min-width: 46rem; } .ranked td:last-child { min-width: 13rem; }
  .ranked caption { position: sticky; left: 0; max-width: calc(100vw - 6rem); }
}
/* a long word (a name typed without spaces) wraps rather than running off the page, at 320 px
   as on A4 ("anywhere": a grid's or a list's narrowest width allows for the break too); in
   tables, names carry break points (<wbr>) instead, so that figures and ordinary words in a
   column never break */
main { overflow-wrap: anywhere; }
main table { overflow-wrap: normal; } main caption { overflow-wrap: anywhere; }
/* a table with many columns prints as several narrower ones (tables.table_html gives them,
   hidden by their own style): on screen the whole table scrolls in its region */
.reading { font-weight: bold; } .reading.better { color: #1a6b30; } .reading.worse { color: #a31d12; }
.reading.neutral { color: #4d4d4d; }
.note, figcaption { color: #4d4d4d; font-size: 0.86rem; }
figure { margin: 0.6rem 0 1rem; } figure img { max-width: 100%; height: auto; }
.keep { break-inside: avoid; page-break-inside: avoid; }
.appendix { font-size: 0.78rem; }
ul.first { margin-bottom: 0; } ul.rest { margin-top: 0; }
.range { display: block; color: #4d4d4d; }
@page { size: A4; margin: 14mm 13mm 16mm 13mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  h1, h2, h3, caption, .lead, .keep-next { break-after: avoid; page-break-after: avoid; }
  figure, tr, .keep, .chair, .masthead { break-inside: avoid; page-break-inside: avoid; }
  figure img { max-height: 78mm; width: auto; max-width: 100%; }
  thead { display: table-header-group; }
  .page-one { break-after: page; page-break-after: always; }
  .wb-table { font-size: 7.5pt; line-height: 1.3; } .appendix { font-size: 6.5pt; line-height: 1.15; }
  .ranked { font-size: 7pt; line-height: 1.25; } .ranked th, .ranked td { padding: 0.15rem 0.25rem; }
  .intro, .note, .chair, figcaption { font-size: 8.5pt; } .chair { margin: 0.2rem 0; }
  h2 { margin: 0.6rem 0 0.3rem; font-size: 13pt; } h3 { margin: 0.4rem 0 0.2rem; font-size: 11pt; }
  figure { margin: 0.3rem 0 0.5rem; }
  .appendix th, .appendix td { padding: 0.02rem 0.25rem; }
  .appendix td:first-child, .appendix th:first-child { width: 27%; }
  /* the values (a stage's shares, the caseload aims: settings of their own, said since round
     15) wrap in a quarter of the width: the bundled report keeps to 13 pages */
  .appendix td:nth-child(2) { width: 24%; }
  /* the run details' names on one line each ("Scenario file: Retention payment" took two), and
     the limitations and glossary at 9pt: with session 20's two visits measures in the table of
     all the measures, the bundled report keeps to 13 pages */
  .run-details td:first-child, .run-details th:first-child { width: 30%; }
  ul.first, ul.rest { font-size: 9pt; line-height: 1.35; }
  a { color: inherit; text-decoration: none; }
  /* on paper nothing scrolls: the whole table is printed, within the page's width */
  .wb-scroll { overflow: visible !important; background: none !important; }
  .wb-wide { display: none !important; } .wb-print-parts { display: block !important; }
}
"""

#: Flags for headless Chromium on a machine without a display or network (see the test setup).
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]

_LOGO_TYPES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg",
               b"GIF87a": "image/gif", b"GIF89a": "image/gif"}


def logo_data_uri(path: str | Path) -> str:
    """A PNG, JPEG or GIF logo as a data URI (the page stays one file; no SVG, which can carry
    script). Raises :class:`UserError` naming the file for anything else."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise UserError(f"{p}: the logo file cannot be read ({exc.strerror or exc})") from None
    kind = next((t for magic, t in _LOGO_TYPES.items() if data.startswith(magic)), None)
    if kind is None:
        raise UserError(f"{p}: the logo must be a PNG, JPEG or GIF image")
    if len(data) > 2_000_000:
        raise UserError(f"{p}: the logo is {len(data) / 1e6:.1f} MB; at most 2 MB is expected")
    return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"


def masthead_html(title: str, authority: str, date: str = "", prepared_by: str = "",
                  logo: str | Path | None = None, period: str = "") -> str:
    """The council-paper heading: logo, authority, title, date, prepared by, period (escaped)."""
    img = (f'<img src="{logo_data_uri(logo)}" alt="{html.escape(isolate(authority))} logo">'
           if logo else "")
    today = dt.date.today()
    date = date or f"{today.day} {today:%B %Y}"
    # the period the report's averages cover (after the warm-up): "Period modelled" read as the
    # whole run, which its charts show from the start
    items = [("Date", date), ("Prepared by", prepared_by), ("Period the averages cover", period)]
    dl = "".join(f"<dt>{html.escape(k)}</dt><dd>{bidi_html(v)}</dd>" for k, v in items if v)
    return (f'<header class="masthead">{img}<p class="authority">{bidi_html(authority)}</p>'
            f"<h1>{bidi_html(title)}</h1><dl>{dl}</dl></header>")


def section_html(title: str, intro: str = "", *blocks: str, level: int = 2,
                 anchor: str = "", keep_first: bool = True) -> str:
    """A section: its heading kept on one page with its introduction and first block (escaped
    title and introduction; ``blocks`` are HTML built by the package). ``keep_first=False`` for
    a long table, which may start low on a page: its heading then stays with its first rows."""
    ident = f' id="{html.escape(anchor)}"' if anchor else ""
    head = f"<h{level}{ident}>{text_html(title)}</h{level}>"
    para = f'<p class="lead">{text_html(intro)}</p>' if intro else ""
    first, rest = (blocks[0], blocks[1:]) if blocks and keep_first else ("", blocks)
    return f'<section><div class="keep">{head}{para}{first}</div>{"".join(rest)}</section>'


#: Where :func:`page_from_notebook` puts extra sections: before the first of these headings
#: (after the charts, before the tables and the appendix), else at the end.
EXTRA_BEFORE = ("All the measures", "What each option and pressure changes", "Limitations")


def page_from_notebook(nb, title: str, extra: Sequence[str] = ()) -> str:
    """The executed notebook's HTML outputs, in order, as one self-contained page; ``extra``
    sections (HTML built by the package) go after the charts, before the first heading of
    :data:`EXTRA_BEFORE` that the page has (at the end when it has none)."""
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if "text/html" in data:
                text = data["text/html"]
                parts.append("".join(text) if isinstance(text, list) else text)
    if extra:
        at = len(parts)
        for heading in EXTRA_BEFORE:
            tag = f"<h2>{html.escape(heading)}</h2>"
            found = [i for i, part in enumerate(parts) if tag in part]
            if found:
                at = found[0]
                break
        parts[at:at] = list(extra)
    return ('<!DOCTYPE html>\n<html lang="en-GB"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(isolate(title))}</title><style>{REPORT_STYLE}</style></head>"
            f"<body><main>{''.join(parts)}</main></body></html>\n")


def find_chromium() -> str | None:
    """A Chromium or Chrome executable: ``WORKBENCH_CHROMIUM``, else the first on the PATH."""
    env = os.environ.get("WORKBENCH_CHROMIUM")
    if env:
        return env if Path(env).exists() else None
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def write_pdf(html_path: str | Path, pdf_path: str | Path, chromium: str | None = None) -> int:
    """Print the report to an A4 PDF with headless Chromium; return its number of pages.

    Raises
    ------
    UserError
        When no Chromium is installed or Playwright (``pip install playwright``) is missing.
    """
    chromium = chromium or find_chromium()
    if chromium is None:
        raise UserError("--pdf needs Chromium or Chrome (Debian: apt-get install chromium); "
                        "none was found (set WORKBENCH_CHROMIUM to its path)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise UserError("--pdf needs Playwright: pip install playwright") from None
    pdf_path = Path(pdf_path)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS[1:])
        try:
            page = browser.new_page()
            page.goto(Path(html_path).resolve().as_uri(), wait_until="load")
            # tagged: headings, tables and each chart's text alternative (its alt) reach a
            # screen reader in the PDF, as in the page (an untagged PDF had none of them);
            # outline: the headings as the PDF's bookmarks, its table of contents
            data = page.pdf(format="A4", print_background=True, tagged=True, outline=True,
                     prefer_css_page_size=True, display_header_footer=True,
                     header_template="<span></span>",
                     footer_template='<div style="font-size:8px;width:100%;text-align:center">'
                                     'Page <span class="pageNumber"></span> of '
                                     '<span class="totalPages"></span></div>')
        finally:
            browser.close()
    files.write_bytes(pdf_path, data, "--pdf")
    return pdf_pages(pdf_path)


def pdf_pages(pdf_path: str | Path) -> int:
    """The number of pages of a PDF."""
    from pypdf import PdfReader

    return len(PdfReader(str(pdf_path)).pages)
