"""``workbench new NAME --from BASE.yaml [--out FILE]``: start a scenario file by hand.

Writes a variant of BASE: ``base:``, ``name:``, a description to fill in, and the fields variants
usually change, commented out with the base's values, units and ranges
(:func:`workbench.scenario.save.variant_template`). The file validates as written.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import UserError
from . import args as types


def _shown(name: str) -> str:
    """The name as typed, quoted with its invisible characters written out (``'a\\u202eb'``),
    cut short when long."""
    if len(name) <= 60:
        return repr(name)
    return f"{name[:60]!r}... ({len(name):,} characters)"


def check_name(name: str, base_path: Path) -> None:
    """Refuse a name the scenario schema would refuse, in words naming the name as typed.

    The name is checked by the schema itself, on the base with only its name changed, so the
    rules are the schema's; a blank name, or one of several lines, is left to
    :func:`~workbench.scenario.save.variant_template`, which says so before reading the base.
    Checked before anything is written: otherwise the message named the hidden temporary file
    the template is checked in (``.a_b.31506.partial.yaml: 1 problem(s)``)."""
    import pydantic

    from ..scenario import load_scenario
    from ..scenario.basics import MAX_NAME_CHARS
    from ..scenario.schema import Scenario

    if not name.strip() or any(ch < " " for ch in name):
        return
    data = load_scenario(base_path).model_dump(mode="python")
    try:
        Scenario.model_validate({**data, "name": name})
    except pydantic.ValidationError as exc:
        for e in exc.errors():
            if tuple(e["loc"]) != ("name",):
                continue   # not the name's: the template's own check reports it
            if e["type"] == "string_too_long":
                problem = (f"give a name of at most {MAX_NAME_CHARS} characters (it labels a "
                           f"line of a table or a heading)")
            else:
                problem = str(e["msg"]).removeprefix("Value error, ")
            raise UserError(f"scenario name {_shown(name)}: {problem}") from None


def cmd_new(args) -> int:
    """Write the template and say what to do next."""
    from ..scenario.save import variant_template

    if args.out is not None:
        types.output_file(args.out, "--out", ".yaml", ".yml")
    check_name(args.name, Path(args.base))
    path = variant_template(args.name, Path(args.base), out=args.out, overwrite=args.force)
    print(f"Wrote {path}: a variant of {Path(args.base).name}. Uncomment and change the fields "
          f"your scenario changes (every field: docs/scenario-reference.md), then check it with "
          f"`workbench validate {path}`.")
    return 0


def register(sub) -> None:
    """Add ``new`` to the ``workbench`` parser."""
    n = sub.add_parser("new", help="write a commented template for a new scenario file",
                       description="Write a variant of a scenario file with the fields variants "
                                   "usually change, commented out, to fill in by hand.")
    n.add_argument("name", metavar="NAME", help="the new scenario's name, e.g. \"Academy 30\"")
    n.add_argument("--from", dest="base", required=True, metavar="BASE",
                   help="the scenario file it varies, e.g. scenarios/baseline.yaml")
    n.add_argument("--out", default=None, metavar="FILE",
                   help="file to write, ending in .yaml or .yml (default: NAME in lower case, "
                        "next to BASE)")
    n.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    n.set_defaults(func=cmd_new)
