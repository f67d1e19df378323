"""A generated scenario as YAML, with the source of every value as a comment above it.

Comments go on their own lines above the field (wrapped), so a long citation never hides the
value; small mappings (a distribution, a stage's ``next``, a staff group) are written on one
line, as the bundled scenario files write them.
"""

from __future__ import annotations

import datetime as dt
import textwrap

import yaml

from ..files import one_line

__all__ = ["scenario_text"]

WIDTH = 98


def _scalar(v) -> str:
    if isinstance(v, bool) or v is None:
        return "true" if v is True else "false" if v is False else "null"
    if isinstance(v, float):
        return f"{v:g}" if abs(v) >= 1e-4 or v == 0 else repr(v)
    if isinstance(v, (int, dt.date)):
        return str(v)
    return yaml.safe_dump(str(v), default_style=None, width=10 ** 9).strip().removesuffix("...").strip()


def _flow(v) -> str:
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}: {_flow(x)}" for k, x in v.items()) + "}"
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_flow(x) for x in v) + "]"
    return _scalar(v)


def _inline(v) -> bool:
    """Written on one line: a scalar, a list of scalars, or a mapping of scalars and lists."""
    if isinstance(v, dict):
        return all(not isinstance(x, dict) and (not isinstance(x, list) or
                   all(not isinstance(y, (dict, list)) for y in x)) for x in v.values())
    if isinstance(v, (list, tuple)):
        return all(not isinstance(x, (dict, list)) for x in v)
    return True


def scenario_text(data: dict, comments: dict, header: str = "") -> str:
    """YAML for a scenario: ``data`` nested as in a file, ``comments`` by dotted path.

    Parameters
    ----------
    data : dict
        The fields (``base`` first when the file is a variant).
    comments : dict
        Dotted path -> comment, written above the field.
    header : str
        Lines written as comments at the top.
    """
    out = [f"# {one_line(h)}".rstrip() for h in header.splitlines()]

    def comment(text: str, pad: str):
        for line in textwrap.wrap(one_line(text), WIDTH - len(pad) - 2, break_on_hyphens=False):
            out.append(f"{pad}# {line}")

    def emit(node: dict, path: str, indent: int):
        pad = " " * indent
        for key, value in node.items():
            p = f"{path}.{key}" if path else str(key)
            if p in comments:
                comment(comments[p], pad)
            # a block whose fields have their own comments is written out, one field a line
            nested = any(k.startswith(p + ".") for k in comments)
            if isinstance(value, dict) and not (_inline(value) and path and not nested):
                out.append(f"{pad}{key}:" if value else f"{pad}{key}: {{}}")
                emit(value, p, indent + 2)
            elif isinstance(value, list) and not _inline(value):
                out.append(f"{pad}{key}:")
                out.extend(f"{pad}  - {_flow(x)}" for x in value)
            else:
                out.append(f"{pad}{key}: {_flow(value)}")

    emit(data, "", 0)
    return "\n".join(out) + "\n"
