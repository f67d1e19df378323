"""Names and text as HTML, in their own direction: the one place that decides how a name typed
by a user (a scenario's name, an authority, a title) is isolated from the words around it
(Unicode's bidirectional algorithm, UAX #9), escaped, and given break points where it is too long
to fit a table's column or an A4 page. :mod:`workbench.present.tables` re-exports these for every
page, chart and file the package writes."""

from __future__ import annotations

import html
import re
import unicodedata

__all__ = ["FSI", "PDI", "balance_bidi", "bidi_html", "isolate", "keep_figures", "text_html",
           "unbreakable_length"]

#: A word longer than this (a name typed without spaces) may break every :data:`_PIECE`
#: characters (``<wbr>``), so that it wraps within a table's column or the page instead of
#: running past the A4 print width. Shorter words never break.
_LONG_WORD = 24
_PIECE = 16


# --------------------------------------------------------------------------- right to left
#: The Unicode directional formatting characters that come in pairs (UAX #9): the embeddings and
#: overrides LRE, RLE, LRO, RLO (closed by PDF, U+202C) and the isolates LRI, RLI, FSI (closed
#: by PDI, U+2069). FSI ... PDI is how a plain-text name is isolated here.
_EMBEDDINGS, _PDF = "\u202a\u202b\u202d\u202e", "\u202c"
_ISOLATES, FSI, PDI = "\u2066\u2067\u2068", "\u2068", "\u2069"
#: Characters that can reorder the text around them: right-to-left letters (R, AL: Hebrew,
#: Arabic, U+200F RLM), Arabic digits (AN), and the paired controls themselves.
_MOVERS = {"R", "AL", "AN", "LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"}
#: In HTML an isolate becomes <bdi>: FSI reads its direction from its first letter (dir auto).
_BDI = {"\u2066": '<bdi dir="ltr">', "\u2067": '<bdi dir="rtl">', FSI: "<bdi>", PDI: "</bdi>"}


def balance_bidi(text: str) -> str:
    """``text`` without the directional controls that have no partner.

    What is stripped, and why: an opening embedding, override or isolate (U+202A, U+202B,
    U+202D, U+202E, U+2066-U+2068) that is never closed would carry its direction, or reverse
    the letters, past the end of the name into the sentence around it; a closing PDI (U+2069)
    with no isolate of its own would close the isolate the name is put in, and let the name's
    direction out; a PDF (U+202C) with no embedding is ignored by browsers but not by every
    plain-text reader (a spreadsheet, a screen reader). A PDI also closes the embeddings opened
    inside its isolate, so those are unpartnered too. Pairs that are closed are kept (the writer
    meant them, and inside an isolate they cannot reach the text around it), and so are the
    marks LRM, RLM and ALM (U+200E, U+200F, U+061C), which are letters without a partner to
    lose. Scenario names and the report's options refuse every such character already
    (:func:`workbench.scenario.basics.one_line_text`); this guards everything else that is
    shown: descriptions, published names, names built in code.
    """
    if not any(ch in _EMBEDDINGS or ch in _ISOLATES or ch in (_PDF, PDI) for ch in text):
        return text
    drop: set[int] = set()
    stack: list[tuple[int, bool]] = []  # (position, is an isolate)
    for i, ch in enumerate(text):
        if ch in _EMBEDDINGS or ch in _ISOLATES:
            stack.append((i, ch in _ISOLATES))
        elif ch == _PDF:
            if stack and not stack[-1][1]:
                stack.pop()
            else:
                drop.add(i)
        elif ch == PDI:
            if any(iso for _, iso in stack):
                while True:
                    j, iso = stack.pop()
                    if iso:
                        break
                    drop.add(j)  # an embedding the PDI closes without its PDF
            else:
                drop.add(i)
    drop.update(j for j, _ in stack)  # never closed
    return "".join(ch for i, ch in enumerate(text) if i not in drop)


def _moves_outside_isolates(text: str) -> bool:
    depth = 0
    for ch in text:
        if ch in _ISOLATES:
            depth += 1
        elif ch == PDI:
            depth -= 1
        elif depth == 0 and unicodedata.bidirectional(ch) in _MOVERS:
            return True
    return False


def isolate(text: str) -> str:
    """A name (or any text a user typed) ready to stand inside a sentence: its unpartnered
    directional controls stripped (:func:`balance_bidi`) and, when it holds right-to-left
    letters, Arabic digits or directional controls outside an isolate, wrapped in FSI ... PDI
    (U+2068, U+2069), so that it reads in its own direction and cannot reorder the words and
    numbers around it ("Highest: خطة 2027 (£13.6m)" otherwise shows the figure before the
    name, and a list of two Arabic names shows them in the wrong order).

    The one helper for every name that reaches a reader: plain-text contexts (``<title>``,
    ``alt``, ``aria-label``, widget labels, CSV, Excel and Markdown) keep FSI ... PDI, which
    Unicode's bidirectional algorithm honours; :func:`text_html` turns them into ``<bdi>`` in
    HTML. Other text is returned as it is, so that names in left-to-right scripts and text
    already isolated (calling it twice) are unchanged.
    """
    text = balance_bidi(str(text))
    return f"{FSI}{text}{PDI}" if _moves_outside_isolates(text) else text


def text_html(text: str, wbr: bool = False) -> str:
    """Text (a sentence holding names isolated by :func:`isolate`) as HTML: escaped, and each
    isolate as ``<bdi>`` (its unpartnered controls stripped first, so that the tags pair);
    ``wbr=True``: a word of more than 24 characters may wrap (``<wbr>`` every 16)."""
    text = balance_bidi(str(text))
    if wbr:
        out = "".join(
            "<wbr>".join(html.escape(part[i:i + _PIECE]) for i in range(0, len(part), _PIECE))
            if len(part) > _LONG_WORD else html.escape(part)
            for part in re.split(r"(\s+)", text))
    else:
        out = html.escape(text)
    return "".join(_BDI.get(ch, ch) for ch in out) if any(ch in _BDI for ch in out) else out


def bidi_html(text: str) -> str:
    """A name, or text that stands on its own (a table cell, a heading), as HTML: escaped,
    isolated in ``<bdi>`` when it holds right-to-left text (:func:`isolate`: a name such as
    "خطة 24 (=1+1)" otherwise showed as "(1+1=) 24 خطة"), a word of more than 24 characters
    may wrap (``<wbr>``)."""
    return text_html(isolate(text), wbr=True)


def unbreakable_length(text: str) -> int:
    """The characters of ``text``'s longest piece that cannot wrap in the HTML of
    :func:`bidi_html`: its longest word, or for a word of more than 24 characters the 16 between
    its break points (directional controls, which show as nothing, not counted)."""
    text = "".join(ch for ch in balance_bidi(str(text)) if ch not in _BDI)
    return max((min(len(w), _PIECE) if len(w) > _LONG_WORD else len(w) for w in text.split()),
               default=0)


#: A signed sum of money ("+£0.24m", "-£1.74m"): a browser may break a line between its sign and
#: the pound sign.
_SIGNED_MONEY = re.compile(r"[+\-−]£\d[\d,]*(?:\.\d+)?[mk]?")


def keep_figures(escaped: str) -> str:
    """Escaped HTML with each signed sum of money kept on one line: page one printed "(95% range
    -" at a line's end and "£0.54m to +" under it, each figure's sign on the line above it (the
    pattern holds no character that escaping changes, so it matches no entity)."""
    return _SIGNED_MONEY.sub(lambda m: f'<span style="white-space:nowrap">{m.group(0)}</span>',
                             escaped)
