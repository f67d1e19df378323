"""YAML's messages for the commonest slips in a scenario file, in plain words: a tab, a quote or
a bracket never closed, a name without its ':', a field of a ``workbench new`` template
uncommented without its block's name."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import yaml

from .errors import ScenarioError


def yaml_in_words(exc: yaml.MarkedYAMLError, problem: Any) -> str:
    """PyYAML's words for the commonest slips (a tab, a quote or a bracket never closed, a name
    without its ':') in plain ones; any other problem as PyYAML says it."""
    text = str(problem)
    opened = exc.context_mark.line + 1 if exc.context_mark else None
    if "'\\t'" in text or "'\t'" in text:
        return "a tab character: YAML indents with spaces only; replace the tab with spaces"
    if exc.context == "while scanning a quoted scalar" and opened:
        return (f"a quote opened at line {opened} is never closed; close it on the same line "
                f"(name: 'Plan A') or remove it")
    if exc.context in ("while parsing a flow mapping", "while parsing a flow sequence") \
            and opened and "<stream end>" in text:
        bracket = "{ ... }" if "mapping" in exc.context else "[ ... ]"
        return f"a '{bracket[0]}' opened at line {opened} is never closed: write {bracket}"
    if text.startswith("expected a scalar node, but found"):
        # `demand: !!str` above its fields (a tag for one value on a block or a list)
        kind = "a list" if text.endswith("sequence") else "a block of fields"
        return (f"a tag for a single value (such as !!str or !!int) is on {kind}; remove the "
                f"tag")
    if exc.context == "while scanning a simple key" and opened:
        return (f"line {opened} has no ':' after its name; write name: value (or name: "
                f"with its fields under it)")
    return text


def indented_too_far(text: str, line: int) -> str:
    """In words, a line indented under nothing: most often a field of a ``workbench new``
    template uncommented without its block's name (YAML said "expected <block end>, but found
    '<block mapping start>'")."""
    lines = text.splitlines()
    above = [n for n in range(min(line, len(lines))) if lines[n].strip()]
    if above and lines[above[-1]].strip() == "...":
        # YAML's end of a document: every line after it was said to be 'indented too far'
        return (f"line {above[-1] + 1} is '...', which ends a YAML document, so the lines after "
                f"it cannot be read; remove the '...' line")
    for n in range(min(line, len(lines)) - 1, -1, -1):
        here = lines[n]
        if here.strip() and not here.lstrip().startswith("#") and not here[:1].isspace():
            break   # a top-level field of its own: no commented block name between
        m = re.fullmatch(r"#\s?([A-Za-z_]\w*):\s*", here)
        if m:
            return (f"this line is indented under '{m[1]}:', which is still commented out (line "
                    f"{n + 1}, '{here.strip()}'): remove the '# ' in front of '{m[1]}:' too")
    return ("this line is indented more than the line before it allows: a field goes under its "
            "block's name (demand:, teams: ...), indented by two spaces more, or at the start of "
            "the line")


#: Spaces that look like a space but that YAML does not read as indentation (a no-break space, as
#: copied from a web page, an e-mail or a Word document; the narrow and ideographic ones).
_ODD_SPACES = re.compile("^[ ]*([\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000])")


def wide_indent(path: Path, text: str) -> None:
    """Refuse a line indented with a space YAML does not read as one: the line's field was read
    as a field of its own, named with the space (" referrals_per_year: unknown field; did you
    mean 'referrals_per_year'?") and its block said to be empty."""
    for n, line in enumerate(text.splitlines(), start=1):
        m = _ODD_SPACES.match(line)
        if m and not line.lstrip(" ").startswith("#"):
            raise ScenarioError(f"{path}: line {n} is indented with a no-break or other special "
                                f"space (U+{ord(m[1]):04X}, as copied from a web page, an e-mail "
                                f"or a Word document), which YAML does not read as indentation; "
                                f"indent it with ordinary spaces")


def half_character(data: Any, where: str = "") -> str | None:
    """The field (dotted) of the first name or text in ``data`` holding a lone surrogate, or
    None when there is none."""
    todo = [(data, where)]
    while todo:
        x, at = todo.pop()
        items = x.items() if isinstance(x, dict) else enumerate(x) if isinstance(x, list) else ()
        for k, v in items:
            here = f"{at}.{k}" if at else str(k)
            for t in (k, v):
                if isinstance(t, str) and _SURROGATE.search(t):
                    return here.encode("utf-8", "backslashreplace").decode()
            if isinstance(v, (dict, list)):
                todo.append((v, here))
    return None


_SURROGATE = re.compile("[\ud800-\udfff]")


def key_forms(key: str) -> list[Any]:
    """The values YAML may have read a name written ``key`` as (a problem's path is text): the
    text, and the number or date it reads as (``1``, ``1.5``, ``2017-10-31``)."""
    out: list[Any] = [key]
    for kind in (int, float, dt.date.fromisoformat):
        try:
            out.append(kind(key))
        except (ValueError, TypeError):
            pass
    return out
