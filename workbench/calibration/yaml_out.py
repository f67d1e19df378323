"""Writing a calibrated scenario as YAML with a comment on every value saying where it came from.

Small mappings and lists of scalars go on one line (flow style) so that a stage's ``next`` or a
distribution reads as one line with its comment; long comments go on their own line above.
"""

from __future__ import annotations

from typing import Any

import yaml

from ..files import one_line

FLOW_WIDTH = 90           # characters: longer mappings are written as blocks
FLOW_KEYS = 8             # mappings with more keys are written as blocks
INLINE_COMMENT = 70       # characters: longer comments go on the line above


def _scalar(v: Any) -> str:
    if isinstance(v, float):
        if v == int(v) and abs(v) < 1e15:
            return f"{int(v)}" if abs(v) >= 1 or v == 0 else repr(v)
        return repr(v)
    return yaml.safe_dump(v, default_flow_style=True, width=10 ** 9).strip().removesuffix("\n...").removesuffix("...").strip()


def _flow(v: Any) -> str:
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}: {_flow(x)}" for k, x in v.items() if x is not None) + "}"
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_flow(x) for x in v) + "]"
    return _scalar(v)


def _small(v: Any) -> bool:
    if isinstance(v, dict):
        return len(v) <= FLOW_KEYS and all(not isinstance(x, (dict, list)) or _small(x) and not isinstance(x, dict)
                                           for x in v.values()) and len(_flow(v)) <= FLOW_WIDTH
    if isinstance(v, (list, tuple)):
        return all(not isinstance(x, (dict, list)) for x in v)
    return True


def scenario_yaml(data: dict, comments: dict[str, str], header: str = "") -> str:
    """YAML for a scenario with a comment on each field whose provenance is known.

    Parameters
    ----------
    data : dict
        The scenario as plain data; None values are left out (every optional field defaults to
        None).
    comments : dict
        Dotted field path (``demand.referrals_per_year``) -> comment.
    header : str
        Lines written as comments at the top of the file.
    """
    # (comments one line each: a file or template name holding a character YAML reads as a
    # line break would otherwise end its comment, and the rest would be read as fields)
    lines = ([f"# {one_line(h)}" if h else "#" for h in header.splitlines()] if header else [])

    def emit(node: dict, path: str, indent: int):
        pad = " " * indent
        for key, value in node.items():
            if value is None:
                continue
            p = f"{path}.{key}" if path else str(key)
            c = comments.get(p)
            c = one_line(c) if c else c
            if c and len(c) > INLINE_COMMENT and not (isinstance(value, (dict, list)) and not _small(value)):
                lines.append(f"{pad}# {c}")
                c = None
            tail = f"  # {c}" if c else ""
            if isinstance(value, dict):
                if not value:
                    lines.append(f"{pad}{key}: {{}}{tail}")
                elif _small(value) and path and not any(k.startswith(p + ".") for k in comments):
                    lines.append(f"{pad}{key}: {_flow(value)}{tail}")
                else:
                    lines.append(f"{pad}{key}:{tail}")
                    emit(value, p, indent + 2)
            elif isinstance(value, (list, tuple)):
                if not value:
                    lines.append(f"{pad}{key}: []{tail}")
                elif all(not isinstance(x, (dict, list)) for x in value):
                    lines.append(f"{pad}{key}: {_flow(value)}{tail}")
                else:
                    lines.append(f"{pad}{key}:{tail}")
                    for x in value:
                        if isinstance(x, dict) and _small(x):
                            lines.append(f"{pad}  - {_flow(x)}")
                        else:
                            sub = yaml.safe_dump([x], sort_keys=False, width=100)
                            lines.extend(pad + "  " + ln for ln in sub.splitlines())
            else:
                lines.append(f"{pad}{key}: {_scalar(value)}{tail}")

    emit(data, "", 0)
    text = "\n".join(lines) + "\n"
    # the text must load back to the same data
    assert yaml.safe_load(text) is not None
    return text
