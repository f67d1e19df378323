"""Writing scenario files: a variant saved from the app, and a template to fill in by hand.

A saved variant names its base file and states only what differs from it, under a comment that
says who saved it, when, and what it changes::

    # Academy 24 + agency cap 10%: saved by A. Manager on 2026-11-24 10:02 from the workbench app.
    # Starts from baseline.yaml (Baseline) and changes:
    #   - Academy places a year: 12 → 24
    base: baseline.yaml
    name: Academy 24 + agency cap 10%
    academy:
      intake_per_year: 24

The file is read back and checked before it is kept, so a saved file always validates and holds
exactly the scenario that was saved (:func:`save_variant`). :func:`variant_template` writes the
commented starting point of ``workbench new``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import os
import re
import unicodedata
from pathlib import Path
from typing import Any, Iterable, Sequence

import yaml

from .. import files
from .errors import ScenarioError
from .load import load_scenario, load_scenarios
from .schema import Scenario

__all__ = ["file_name_for", "name_key", "save_variant", "variant_changes", "variant_template",
           "variant_yaml"]

# Blocks a variant file states whole (see ``derive.merge_variant``): an outcome distribution and a
# distribution spec (a mapping with ``dist``) replace the base's rather than merging into it.
_WHOLE_KEYS = {"next"}


def _plain(v: Any) -> Any:
    """YAML-ready data: tuples as lists, floats to 10 significant digits (so that 6875.000000000001
    is written 6875.0; the saved scenario is checked against the original to that precision)."""
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if isinstance(v, float) and math.isfinite(v):
        return float(f"{v:.10g}")
    return v


def _same(a: Any, b: Any) -> bool:
    """Equal as scenario data (numbers to 1e-9 relative)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) \
            and not isinstance(a, bool) and not isinstance(b, bool):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    return a == b


def _diff(base: dict, variant: dict) -> dict:
    out = {}
    for key, v in variant.items():
        b = base.get(key)
        if key in base and _same(b, v):
            continue
        if (isinstance(v, dict) and isinstance(b, dict) and key not in _WHOLE_KEYS
                and "dist" not in v and set(b) <= set(v)):
            out[key] = _diff(b, v)
        else:
            out[key] = v  # stated whole: a list, a distribution, an outcome block, a new value
    return out


def variant_changes(base: Scenario, variant: Scenario) -> dict[str, Any]:
    """What a variant file over ``base`` must state to give ``variant``: the nested fields whose
    values differ (blocks merged key by key, distributions and outcome blocks whole)."""
    return _plain(_diff(base.model_dump(mode="python"), variant.model_dump(mode="python")))


def _header(lines: Iterable[str]) -> str:
    # one comment line per line of text; a line break in a name cannot end the comment early
    return "".join(f"# {' '.join(str(t).split())}".rstrip() + "\n" for t in lines)


def variant_yaml(base: Scenario, base_ref: str, variant: Scenario, author: str = "",
                 what: Sequence[str] = (), when: dt.datetime | None = None,
                 tool: str = "the workbench app") -> str:
    """The text of a variant file: a comment (who, when, what), ``base:``, then the changes.

    Parameters
    ----------
    base : Scenario
        The scenario the variant starts from.
    base_ref : str
        How the file names its base (a path relative to the file's folder).
    variant : Scenario
        The scenario to write.
    author : str
        Who saved it (shown in the comment; blank: "someone").
    what : sequence of str
        The changes in plain English, one a line (default: the changed fields).
    when : datetime, optional
        When it was saved (default: now).
    tool : str
        What wrote it, for the comment.
    """
    changes = variant_changes(base, variant)
    when = when or dt.datetime.now()
    what = list(what) or [f"{k}" for k in changes if k not in ("name", "description")]
    head = [f"{variant.name}: saved by {author.strip() or 'someone'} on {when:%Y-%m-%d %H:%M} "
            f"from {tool}.",
            f"Starts from {base_ref} ({base.name}) and changes:"]
    head += [f"  - {line}" for line in what] or ["  (nothing: the same settings as its base)"]
    head += ["Check it with `workbench validate FILE`; run it with `workbench run FILE`."]
    # the description always: a variant without one reads as "Variant of <base>: ..."
    body = {"base": base_ref, "name": variant.name, "description": variant.description}
    body.update({k: v for k, v in changes.items() if k not in ("name", "base", "description")})
    text = yaml.safe_dump(body, sort_keys=False, allow_unicode=True, width=96)
    return _header(head) + text


#: Names Windows keeps for devices: ``con.yaml`` there opens the console, not a file.
_WINDOWS_DEVICES = frozenset(["con", "prn", "aux", "nul"] + [f"{d}{i}" for d in ("com", "lpt")
                                                             for i in range(10)])


def name_key(name: str) -> str:
    """How a scenario name reads: the same for names that differ only in capitals, in how an
    accent is encoded (``é`` or ``e`` + a combining accent) or in full-width letters. Two
    scenarios in one folder need names that read differently (the report labels them by name)."""
    return unicodedata.normalize("NFKC", " ".join(name.split())).casefold()


def file_name_for(name: str) -> str:
    """A file name for a scenario name: lower case, words joined by ``_`` (``academy_24.yaml``).

    Accented letters lose their accents (``Café`` -> ``cafe.yaml``, however the accent is
    encoded); a name whose letters have no plain Latin form (``План``) gets a short code made
    from it (``scenario_1a2b3c4d.yaml``), so that two such names get two files; a name of no
    letters or digits at all is ``scenario.yaml``. The name is never a path: ``../../x`` gives
    ``x.yaml`` in the folder saved to, and a Windows device name (``CON``) gets ``_scenario``."""
    plain = "".join(ch for ch in unicodedata.normalize("NFKD", name)
                    if not unicodedata.combining(ch))
    stem = re.sub(r"[^a-z0-9]+", "_", plain.lower()).strip("_")[:60].strip("_")
    if not stem and any(ch.isalnum() for ch in name):
        code = hashlib.sha256(name_key(name).encode("utf-8")).hexdigest()[:8]
        stem = f"scenario_{code}"
    if stem in _WINDOWS_DEVICES:
        stem += "_scenario"
    return f"{stem or 'scenario'}.yaml"


def save_variant(variant: Scenario, base_path: str | Path, folder: str | Path | None = None,
                 author: str = "", what: Sequence[str] = (), overwrite: bool = False,
                 tool: str = "the workbench app") -> Path:
    """Save ``variant`` as a file over its base, check it reads back as the same scenario, and
    return its path.

    Parameters
    ----------
    variant : Scenario
        The scenario to save (its ``name`` names the file and must differ from every other
        scenario in ``folder``, so that the report can tell them apart).
    base_path : str or Path
        The base's file.
    folder : str or Path, optional
        Where to write (default: the base's folder, so that the picker and the report find it).
    author, what, tool
        For the comment (see :func:`variant_yaml`).
    overwrite : bool
        Replace a file of the same name (default: refuse).

    Raises
    ------
    ScenarioError
        For a name already used by another scenario or file, an unreadable base, or a file that
        would not read back as the same scenario (nothing is left behind then).
    """
    base_path = Path(base_path)
    folder = Path(folder) if folder is not None else base_path.parent
    base = load_scenario(base_path)
    path = folder / file_name_for(variant.name)
    if path.exists() and not overwrite:
        raise ScenarioError(f"{path}: a file of this name exists already; choose another "
                            f"scenario name (the file name is made of the name's letters and "
                            f"digits, in lower case: the name needs other letters or digits)")
    if path.resolve() == base_path.resolve():
        raise ScenarioError(f"{path}: would overwrite the scenario it starts from; choose "
                            f"another name")
    others = sorted(p for p in list(folder.glob("*.yaml")) + list(folder.glob("*.yml"))
                    if p.resolve() != path.resolve() and not p.name.startswith("."))
    for p in others:
        try:
            used = load_scenarios([p])
        except ScenarioError:
            continue  # a broken file elsewhere in the folder is not this save's problem
        same = [n for n in used if name_key(n) == name_key(variant.name)]
        if same:
            like = "" if same[0] == variant.name else f" as '{same[0]}' (the same but for " \
                "capitals, spaces or how an accent is written)"
            raise ScenarioError(f"the name '{variant.name}' is used by {p.name} already{like}; "
                                f"scenario names must differ (the report labels scenarios by "
                                f"name)")
    ref = Path(os.path.relpath(base_path.resolve(), folder.resolve())).as_posix()
    text = variant_yaml(base, ref, variant, author=author, what=what, tool=tool)
    try:
        # becomes the file only if it reads back as saved, and (unless overwriting) only if no
        # file took the name meanwhile: two pages saving one name at once must not both succeed
        with files.writing(path, exclusive=not overwrite) as tmp:
            tmp.write_text(text, encoding="utf-8")
            back = load_scenario(tmp)
            if not _same(back.model_dump(mode="python"),
                         _plain(variant.model_dump(mode="python"))):
                raise ScenarioError(f"{path}: the written file does not read back as the "
                                    f"scenario saved (a block it removes cannot be stated as a "
                                    f"change); nothing was saved")
    except FileExistsError:
        raise ScenarioError(f"{path}: a file of this name was saved a moment ago (from another "
                            f"page or by a colleague); yours was not saved over it. Choose "
                            f"another scenario name") from None
    return path


#: Fields a hand-written variant usually changes, shown (commented out) in a new template.
TEMPLATE_FIELDS = (
    "demand.referrals_per_year", "demand.trend_pct_per_year", "recruitment.enabled",
    "recruitment.success_pct", "recruitment.time_to_hire_weeks", "academy.intake_per_year",
    "academy.start_month", "agency.enabled", "agency.cover_share_pct", "agency.cap_share_pct",
    "retention.enabled", "retention.payment_gbp_per_year", "retention.turnover_reduction_pct",
    "caseload.caps", "workforce.turnover_pct_per_year",
)


def _field_note(block: str, field: str) -> str:
    from .reference import field_summary

    return field_summary(block, field)


def variant_template(name: str, base_path: str | Path, out: str | Path | None = None,
                     overwrite: bool = False) -> Path:
    """Write a commented variant template (``workbench new``): ``base:``, ``name:``, a
    description to fill in, and the fields variants usually change, commented out with the base's
    values and what each means. The file validates as written (it then equals its base).

    Raises
    ------
    ScenarioError
        For a bad base, a blank name, a name or file that is taken.
    """
    if not name.strip() or any(ch < " " for ch in name):
        raise ScenarioError(f"scenario name {name!r}: give a name of one line of text")
    base_path = Path(base_path)
    base = load_scenario(base_path)
    path = Path(out) if out is not None else base_path.parent / file_name_for(name)
    if path.resolve() == base_path.resolve():
        raise ScenarioError(f"{path}: is the scenario it starts from; a variant goes in a file "
                            f"of its own (choose another name or --out)")
    if path.exists() and not overwrite:
        raise ScenarioError(f"{path}: exists already (choose another name or --out)")
    if name_key(name) == name_key(base.name):
        # 'BASELINE' or 'baseline ' was written, then refused beside its base by the report and
        # the app ("differs from 'Baseline' only by letter case or spaces")
        like = "" if name == base.name else f" ('{base.name}') but for letter case or spaces"
        raise ScenarioError(f"the name '{name}' is the base's own{like}; a variant needs its own "
                            f"name")
    ref = Path(os.path.relpath(base_path.resolve(), path.parent.resolve())).as_posix()
    data = base.model_dump(mode="python")
    lines = [_header([f"{name}: a variant of {ref} ({base.name}), written by `workbench new` on "
                      f"{dt.date.today():%Y-%m-%d}.",
                      "State only what differs from the base: every field left out keeps the "
                      "base's value.",
                      "To change a field, remove the '# ' in front of it and of its block name, "
                      "and set the value.",
                      "Every field, with its unit, range and default: docs/scenario-reference.md.",
                      "Check the file with `workbench validate FILE`."]).rstrip("\n"),
             yaml.safe_dump({"base": ref, "name": name}, sort_keys=False,
                            allow_unicode=True).rstrip("\n"),
             "description: >-\n  What this scenario tests, and why, in a sentence or two.", ""]
    blocks: dict[str, list[str]] = {}
    for dotted in TEMPLATE_FIELDS:
        block, field = dotted.split(".")
        value = yaml.safe_dump({field: _plain(data[block][field])}, sort_keys=False,
                               default_flow_style=True, width=10_000).strip()[1:-1]
        blocks.setdefault(block, []).append(f"#   {value:<40} # {_field_note(block, field)}")
    for block, fields in blocks.items():
        lines.append(f"# {block}:")
        lines.extend(fields)
    text = "\n".join(lines) + "\n"
    try:
        # becomes the file only if it loads, and never over a file made meanwhile
        with files.writing(path, exclusive=not overwrite) as tmp:
            tmp.write_text(text, encoding="utf-8")
            load_scenario(tmp)
    except FileExistsError:
        raise ScenarioError(f"{path}: a file of this name was made a moment ago; it was left "
                            f"as it is (choose another name or --out, or add --force)") from None
    return path
