"""YAML's messages for the commonest slips in a scenario file, in plain words: a tab, a quote or
a bracket never closed, a name without its ':', a field of a ``workbench new`` template
uncommented without its block's name."""

from __future__ import annotations

import re
from typing import Any

import yaml


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
    if exc.context == "while scanning a simple key" and opened:
        return (f"line {opened} has no ':' after its name; write name: value (or name: "
                f"with its fields under it)")
    return text


def indented_too_far(text: str, line: int) -> str:
    """In words, a line indented under nothing: most often a field of a ``workbench new``
    template uncommented without its block's name (YAML said "expected <block end>, but found
    '<block mapping start>'")."""
    lines = text.splitlines()
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
