"""Result files: one finished replication per pair of files, so that experiments resume.

Each finished replication is written to ``out/<name>/`` at once: a JSON file of its KPIs and
metadata and a CSV file of its weekly table (aggregates only, never the child-level event log).
A later experiment with the same scenario content, seed, horizon, warm-up, model function and
model code loads them instead of running the replication again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
import warnings
from pathlib import Path

import pandas as pd

from .. import files
from .design import Task

__all__ = ["MODEL_DIGEST"]

#: Version of the file layout; files of another version are run again. 2: the JSON records the
#: weekly file's rows and digest, so that a cut-off weekly file is never loaded.
_FILE_FORMAT = 2
# pandas < 3 needs float_precision="round_trip" to read floats back exactly; pandas 3 does by
# default and deprecates the argument.
_ROUND_TRIP = {} if int(pd.__version__.split(".")[0]) >= 3 else {"float_precision": "round_trip"}
#: The package folders and modules whose code decides a replication's numbers (the layers below
#: the experiment). Module names that no longer exist are skipped, so the list survives moves.
_MODEL_CODE = ("model", "analysis", "scenario", "calendar.py", "metrics.py")


def _model_digest() -> str:
    """Hash of the source of the model and of everything it reads (see ``_MODEL_CODE``)."""
    root = Path(__file__).resolve().parents[1]
    sources: list[Path] = []
    for name in _MODEL_CODE:
        p = root / name
        sources += sorted(p.rglob("*.py")) if p.is_dir() else [p]
    h = hashlib.sha256()
    for f in sources:
        try:
            data = f.read_bytes()
        except OSError:
            continue
        h.update(f.relative_to(root).as_posix().encode())
        h.update(data)
    return h.hexdigest()[:12]


#: Digest of the model code this process imported (read once, at import). Results are keyed by
#: it, and a worker that reports a different one (a Dask worker started from other code) is
#: treated as a failed replication rather than mixed into the results.
MODEL_DIGEST = _model_digest()


def _text_digest(data: bytes) -> str:
    """SHA-256 of a text file's bytes, its line ends read as ``\\n`` (a copy made on Windows,
    or by a tool that rewrote them, holds the same table)."""
    return hashlib.sha256(data.replace(b"\r\n", b"\n")).hexdigest()


def _slug(text: str) -> str:
    s = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()
    return s[:40] or "scenario"


class Store:
    """One JSON (KPIs, metadata) and one CSV (weekly table) per finished replication.

    The file key holds the scenario name, its content digest, the horizon, the warm-up and the
    seed; the JSON also records the model function and the model-code digest, and a file from
    another model or other code is not loaded (it is run again and overwritten). The JSON is
    written last (atomically): it marks the replication finished.

    Parameters
    ----------
    directory : Path
        The experiment's folder (created).
    years : float or None
        Horizon override in years (None: each scenario's own).
    warmup_days : float
        Days left out of the KPIs.
    model : str
        Dotted name of the model function.
    """

    def __init__(self, directory: Path, years: float | None, warmup_days: float,
                 model: str = "workbench.model.simulation.simulate"):
        self.dir = directory
        self.years = years
        self.warmup_days = float(warmup_days)
        self.model = model
        self.model_digest = MODEL_DIGEST
        files.make_folder(self.dir, "the results folder")

    def key(self, t: Task) -> str:
        """The file name (without extension) of replication ``t``."""
        y = "default" if self.years is None else f"{self.years:g}"
        return (f"{_slug(t.scenario.name)}__{t.digest}__y{y}_w{self.warmup_days:g}"
                f"__seed{t.seed}")

    def load(self, t: Task) -> dict | None:
        """Replication ``t`` as written by :meth:`save`, or None when it is missing, partial,
        unreadable or from another model, code, horizon or warm-up.

        A weekly file that is not the one written (cut off part-way, rows missing or changed:
        its digest or its rows differ from those the JSON recorded), or a JSON file that cannot
        be read, is never used: the replication runs again, with a warning naming the file."""
        key = self.key(t)
        jpath, cpath = self.dir / f"{key}.json", self.dir / f"{key}.weekly.csv"
        if not (jpath.exists() and cpath.exists()):
            return None
        try:
            meta = json.loads(jpath.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            return self._again(t, jpath, f"cannot be read ({exc.__class__.__name__})")
        if not isinstance(meta, dict):
            return self._again(t, jpath, "is not a replication's record")
        if (meta.get("format") != _FILE_FORMAT or meta.get("digest") != t.digest
                or meta.get("seed") != t.seed or meta.get("years") != self.years
                or meta.get("warmup_days") != self.warmup_days
                or meta.get("model_digest") != self.model_digest
                or meta.get("model", self.model) != self.model):
            return None   # another layout, scenario, horizon, warm-up or model: run it again
        try:
            raw = cpath.read_bytes()
            rows = meta["weekly_rows"]
            if _text_digest(raw) != meta["weekly_sha256"]:
                lines = raw.replace(b"\r\n", b"\n").count(b"\n") - 1
                cut = "" if raw.endswith(b"\n") else ", its last row cut off"
                return self._again(t, cpath, f"is not the file written ({max(lines, 0):,} full "
                                             f"row(s) of the {rows:,} written{cut})")
            dtypes = meta["weekly_dtypes"]
            dates = [c for c, d in dtypes.items() if d.startswith("datetime")]
            ts = pd.read_csv(cpath, parse_dates=dates, **_ROUND_TRIP)
            ts = ts.astype(dtypes)
            if len(ts) != rows:
                return self._again(t, cpath, f"holds {len(ts):,} rows of the {rows:,} written")
            kpis = {k: (math.nan if v is None else float(v)) for k, v in meta["kpis"].items()}
        except (OSError, ValueError, KeyError, TypeError, pd.errors.ParserError) as exc:
            return self._again(t, cpath, f"cannot be read ({exc.__class__.__name__})")
        return {"ok": True, "kpis": kpis, "timeseries": ts,
                "horizon_days": meta.get("horizon_days", math.nan),
                "elapsed_s": meta.get("elapsed_s", math.nan),
                "cpu_s": meta.get("cpu_s", math.nan), "loaded": True}

    @staticmethod
    def _again(t: Task, path: Path, why: str) -> None:
        """A replication's files that cannot be used: say so (never use them) and run it
        again (None)."""
        warnings.warn(f"{path}: {why}; replication {t.replication} of {t.label!r} (seed "
                      f"{t.seed}) runs again and the file is written again", stacklevel=3)
        return None

    def save(self, t: Task, res: dict, base_seed: int) -> None:
        """Write a successful replication's result (the weekly CSV first, the JSON last)."""
        key = self.key(t)
        ts = res["timeseries"]
        weekly = ts.to_csv(index=False)
        meta = {
            "format": _FILE_FORMAT, "scenario": t.label, "scenario_name": t.scenario.name,
            "digest": t.digest, "replication": t.replication, "base_seed": base_seed,
            "seed": t.seed, "years": self.years, "warmup_days": self.warmup_days,
            "horizon_days": res.get("horizon_days"), "model": self.model,
            "model_digest": self.model_digest,
            "elapsed_s": res.get("elapsed_s"), "cpu_s": res.get("cpu_s"),
            "finished_at": dt.datetime.now().isoformat(timespec="seconds"),
            "kpis": {k: (None if math.isnan(v) else v) for k, v in res["kpis"].items()},
            "weekly_file": f"{key}.weekly.csv",
            "weekly_dtypes": {c: str(d) for c, d in ts.dtypes.items()},
            # what the weekly file holds, so that a cut-off copy is never loaded
            "weekly_rows": len(ts), "weekly_sha256": _text_digest(weekly.encode("utf-8")),
        }
        # each file whole or not at all: a reader sees the old file or the new one
        files.write_text(self.dir / f"{key}.weekly.csv", weekly)
        files.write_text(self.dir / f"{key}.json", json.dumps(meta, indent=1))

    def write_manifest(self, info: dict) -> None:
        """Write ``experiment.json``: what the experiment was asked to run."""
        files.write_text(self.dir / "experiment.json", json.dumps(info, indent=1, default=str))
