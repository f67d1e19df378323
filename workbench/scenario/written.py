"""Notes on how a valid scenario file reads that may not be what its author meant, found in the
files as written (their text and their ``base:`` chain), beside
:func:`~workbench.scenario.load.file_notes`: a variant's list that drops its base's policies, and
a count or an amount written with a thousands point."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from .derive import merge_variant


#: The lists of policies a variant may add to: a list is stated whole (as every list), so a
#: variant giving one surge or campaign of its own drops its base's with nothing said.
_POLICY_LISTS = (("demand", "surges", "surge"), ("recruitment", "campaigns", "campaign"))


def lists_replaced(chain: list[tuple[Path, dict[str, Any]]]) -> list[str]:
    """Notes for a variant's list of surges or campaigns that leaves out its base's."""
    base: dict[str, Any] = {}
    for _, data in reversed(chain[1:]):
        base = merge_variant(base, {k: v for k, v in data.items() if k != "base"})
    file, own = chain[0]
    notes = []
    for block, key, what in _POLICY_LISTS:
        mine, theirs = own.get(block), base.get(block)
        mine = mine.get(key) if isinstance(mine, dict) else None
        theirs = theirs.get(key) if isinstance(theirs, dict) else None
        if not isinstance(mine, list) or not isinstance(theirs, list):
            continue
        dropped = [e for e in theirs if e not in mine]
        if not dropped:
            continue
        names = [f"'{e['name']}'" if isinstance(e, dict) and e.get("name")
                 else f"from {e.get('start_date')}" if isinstance(e, dict)
                 else repr(e) for e in dropped]
        notes.append(f"{block}.{key}: {file.name} gives a list of its own, which replaces its "
                     f"base's whole, so the base's {what}{'s' if len(dropped) > 1 else ''} "
                     f"{' and '.join(names)} {'do' if len(dropped) > 1 else 'does'} not run; "
                     f"to keep {'them' if len(dropped) > 1 else 'it'}, list "
                     f"{'them' if len(dropped) > 1 else 'it'} here too")
    return notes


#: Fields of children, posts, staff or pounds: 6.250 written there is far more likely six
#: thousand two hundred and fifty with a thousands point (as written in much of Europe) than six
#: and a quarter, and YAML reads it as 6.25 (referrals of 6.25 a year, pay of GBP 1.28 a week).
_WHOLE_AMOUNTS = re.compile(r"referrals_per_year|gbp|hires|count|open_cases|establishment_fte|"
                            r"cases_max")
_POINT_THOUSANDS = re.compile(r"[+-]?[1-9]\d{0,2}(?:\.\d{3})+")


def thousands_points(chain: list[tuple[Path, dict[str, Any]]], loader: type) -> list[str]:
    """Notes for a count or an amount of money written with a point before three digits (6.250,
    1.280): a valid number that is not the one meant, with nothing said. ``loader`` is the YAML
    loader the files are read with (:mod:`.load`'s)."""
    notes = []

    def walk(node: Any, keys: tuple[str, ...], file: Path) -> None:
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                walk(v, keys + (str(k.value),), file)
        elif isinstance(node, yaml.SequenceNode):
            for i, v in enumerate(node.value):
                walk(v, keys + (str(i),), file)
        elif (isinstance(node, yaml.ScalarNode) and _POINT_THOUSANDS.fullmatch(node.value)
              and any(_WHOLE_AMOUNTS.search(k) for k in keys)):
            whole = int(node.value.replace(".", ""))
            notes.append(f"{'.'.join(keys)}: {node.value} ({file.name}, line "
                         f"{node.start_mark.line + 1}) reads as {float(node.value):g}, not "
                         f"{whole:,}; if {whole:,} is meant, write {whole} (a scenario file "
                         f"writes numbers without thousands separators)")

    for file, _ in chain:
        try:
            walk(yaml.compose(file.read_text(encoding="utf-8-sig"), Loader=loader), (), file)
        except (yaml.YAMLError, OSError, UnicodeDecodeError, RecursionError):
            continue   # loading the file says what is wrong with it
    return notes
