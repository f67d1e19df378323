"""What a calibration fitted and what it left at the template's values, in plain words."""

from __future__ import annotations


def fit_summary(cal, width: int = 100) -> str:
    """Two lists from a :class:`~workbench.calibration.fit.Calibration`'s provenance: the values
    fitted from the data (with what they came from) and those left at the template's values
    (with why), then the assumed ones. Aggregates only: counts and date ranges."""
    groups: dict[str, list[tuple[str, str]]] = {"fitted": [], "from": [], "assumed": []}
    for path, comment in sorted(cal.provenance.items()):
        kind, _, rest = comment.partition(" ")
        groups.setdefault(kind, []).append((path, rest.split(": ", 1)[-1]))
    titles = {"fitted": f"Fitted from the data ({len(groups['fitted'])})",
              "from": f"Left at the template's values ({len(groups['from'])})",
              "assumed": f"Assumed ({len(groups['assumed'])})"}
    lines = []
    for kind in ("fitted", "from", "assumed"):
        if not groups.get(kind):
            continue
        lines.append(titles[kind] + ":")
        for path, why in groups[kind]:
            text = f"  {path}: {why}"
            lines.append(text if len(text) <= width else text[: width - 3] + "...")
    return "\n".join(lines)
