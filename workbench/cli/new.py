"""``workbench new NAME --from BASE.yaml [--out FILE]``: start a scenario file by hand.

Writes a variant of BASE: ``base:``, ``name:``, a description to fill in, and the fields variants
usually change, commented out with the base's values, units and ranges
(:func:`workbench.scenario.save.variant_template`). The file validates as written.
"""

from __future__ import annotations

from pathlib import Path

from . import args as types


def cmd_new(args) -> int:
    """Write the template and say what to do next."""
    from ..scenario.save import variant_template

    if args.out is not None:
        types.out_file(args.out, "--out")
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
                   help="file to write (default: NAME in lower case, next to BASE)")
    n.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    n.set_defaults(func=cmd_new)
