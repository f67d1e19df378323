"""An optimiser's result read back from the files :meth:`OptimiseResult.save
<workbench.decision.optimise.OptimiseResult.save>` wrote (``workbench optimise --out``), for the
report's plan section."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from ..errors import UserError
from .optimise import OptimiseResult
from .saved import saved_column, saved_flags, saved_number
from .targets import parse_targets

__all__ = ["load_result"]


def load_result(folder: str | Path) -> OptimiseResult:
    """An optimiser's result from the files :meth:`OptimiseResult.save` wrote (``workbench
    optimise --out``): a folder, or its ``result.json``.

    The result has no starting scenario (``base`` is None): its words are those written when it
    ran (:meth:`~OptimiseResult.statement`, :meth:`~OptimiseResult.plan_lines`), and the tables
    and the frontier are as they were.

    Raises
    ------
    UserError
        Naming the file and what is wrong with it.
    """
    from .space import LeverRange

    folder = Path(folder)
    if folder.is_file() and folder.name == "result.json":
        folder = folder.parent
    if not folder.is_dir():
        raise UserError(f"{folder}: no such folder (give the folder `workbench optimise --out` "
                        f"wrote, or its result.json)")
    need = ("result.json", "trials.csv", "candidates.csv")
    missing = [f for f in need if not (folder / f).is_file()]
    if missing:
        raise UserError(f"{folder}: not an optimiser's result (missing {', '.join(missing)}; "
                        f"`workbench optimise --out` writes them)")
    try:
        info = json.loads((folder / "result.json").read_text(encoding="utf-8"))
        if not isinstance(info, dict):
            raise UserError("not an optimiser's result (its fields in braces, as `workbench "
                            "optimise --out` writes them)")
        targets = parse_targets(info["targets"])
        ranges = tuple(LeverRange(**d) for d in info["levers"])
        trials = pd.read_csv(folder / "trials.csv", dtype={"plan": str})
        cands = pd.read_csv(folder / "candidates.csv", dtype={"plan": str})
        chosen = info["chosen"]
        at = (folder / "result.json", "workbench optimise --out")
        confidence = saved_number(info, "confidence", *at, low=0.5, below=1)
        reps = saved_number(info, "replications", *at, whole=True, low=1)
        confirm = saved_number(info, "confirm_replications", *at, whole=True, low=1)
        seed = saved_number(info, "seed", *at, whole=True, low=0, default=0)
        years = saved_number(info, "years", *at, low=0.02, high=30, may_be_none=True,
                             default=None)
        elapsed = saved_number(info, "elapsed_s", *at, low=0, default=0.0)
    except UserError as exc:
        if str(exc).startswith(str(folder / "result.json")):
            raise
        raise UserError(f"{folder / 'result.json'}: {exc}") from None
    except (ValueError, KeyError, TypeError, pd.errors.ParserError) as exc:
        what = f"no {exc.args[0]!r} field" if isinstance(exc, KeyError) else str(exc)
        raise UserError(f"{folder}: the optimiser's files cannot be read ({what})") from None
    cols = {"cost_mean", "on_frontier", "feasible", "plan"} | {f"{targets[0].kpi}_mean"}
    if not cols <= set(trials.columns):
        raise UserError(f"{folder / 'trials.csv'}: missing column(s) "
                        f"{', '.join(sorted(cols - set(trials.columns)))}")
    cmd = "workbench optimise --out"
    for name, df, flags, numbers in (
            ("trials.csv", trials, ("on_frontier", "feasible", "margin"), (
                ("cost_mean", dict(may_be_blank=True)),
                (f"{targets[0].kpi}_mean", dict(may_be_blank=True)))),
            ("candidates.csv", cands, ("passed", "chosen"),
             (("cost_mean", dict(low=0, may_be_blank=True)),))):
        # "abc" in a cost stopped the report with a TypeError, "maybe" in a flag read as True
        for col in flags:
            if col in df:
                df[col] = saved_flags(df, col, folder / name, cmd)
        for col, how in numbers:
            if col in df:
                df[col] = saved_column(df, col, folder / name, cmd, **how)
    if chosen is not None and ("chosen" not in cands or not cands["chosen"].any()):
        raise UserError(f"{folder / 'candidates.csv'}: no row is marked chosen, but "
                        f"result.json names a chosen plan")
    if chosen is not None and "cost_mean" in cands:
        saved_column(cands, "cost_mean", folder / "candidates.csv", cmd, low=0,
                     rows=cands["chosen"])   # the chosen plan's cost is said: never "n/a"
    extra = {k: info[k] for k in ("statement", "scenario", "scenario_digest", "plan_lines",
                                  "cost_mean") if k in info}
    return OptimiseResult(base=None, targets=targets, ranges=ranges, trials=trials,
                          candidates=cands, chosen=chosen, chosen_scenario=None,
                          confidence=confidence, replications=reps,
                          confirm_replications=confirm, seed=seed, years=years,
                          elapsed_s=elapsed,
                          stopped=str(info.get("stopped", "")), extra=extra)
