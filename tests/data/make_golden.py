"""Write the reference results that tests/test_golden.py compares against.

Run only when a change is *meant* to change results (say why in the commit):

    .venv/bin/python tests/data/make_golden.py

The baseline and two variants, seeds 1-3, two simulated years: every KPI and every weekly
column, stored exactly (floats round-trip through JSON unchanged).
"""
from __future__ import annotations

import gzip
import json
import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
from workbench import load_scenario, simulate  # noqa: E402  (the installed package)

FILES = ("baseline.yaml", "academy_expansion.yaml", "demand_surge.yaml")
SEEDS = (1, 2, 3)
YEARS = 2.0
OUT = Path(__file__).with_name("golden.json.gz")


def _clean(v):
    if isinstance(v, float) and math.isnan(v):
        return "nan"
    if hasattr(v, "isoformat"):
        return v.isoformat()
    if hasattr(v, "item"):
        return _clean(v.item())
    return v


def capture() -> dict:
    out = {}
    for f in FILES:
        sc = load_scenario(ROOT / "scenarios" / f)
        for seed in SEEDS:
            run = simulate(sc, seed=seed, years=YEARS)
            ts = run.timeseries
            out[f"{f}:{seed}"] = {
                "kpis": {k: _clean(v) for k, v in run.kpis.items()},
                "weekly": {c: [_clean(x) for x in ts[c].tolist()] for c in ts.columns},
            }
    return out


if __name__ == "__main__":
    data = capture()
    with gzip.open(OUT, "wt") as fh:
        json.dump(data, fh, sort_keys=True)
    print(f"wrote {OUT} ({len(data)} runs)")
