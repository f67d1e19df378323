"""What the answer depends on: Morris screening over the uncertain inputs, Sobol indices for the
few that matter, a tornado's numbers and one plain-English sentence (SALib).

The uncertain inputs are the scenario's own ``uncertain:`` block when it has one, else
:data:`DEFAULT_INPUTS`, each from 80% to 120% of the scenario's value. Every sample point is the
scenario with those inputs set (:func:`workbench.scenario.uncertain.apply_inputs`), run for
``replications`` replications on the same seeds as every other point (common random numbers,
so the differences between points are the inputs' doing, not chance), and scored by its mean
KPI. Points are placed on each input's quantiles (:func:`~workbench.scenario.uncertain.quantile`)
so that SALib samples the unit cube.
"""

from __future__ import annotations

import json
import numbers
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from .. import files
from ..analysis.registry import KPIS, kpi, too_short_for
from ..analysis.run import simulate
from ..errors import UserError
from ..scenario import Scenario
from ..scenario.basics import Uniform
from ..scenario.policies import MIN_AGENCY_TENURE_WEEKS
from ..scenario.uncertain import input_value, quantile, value_used
from .points import _UNBOUNDED, Points, point_value  # noqa: F401 (re-exported)
from .runner import Runner
from .saved import saved_column, saved_number

__all__ = ["DEFAULT_INPUTS", "MORRIS_EFFECT", "SensitivityResult", "default_inputs",
           "input_label", "load_sensitivity", "sensitivity", "too_few_inputs"]

#: Inputs nobody knows exactly, with plain-English names (path -> what it is). Those a scenario
#: does not have as a number are left out.
DEFAULT_INPUTS: dict[str, str] = {
    "demand.referrals_per_year": "how many children are referred",
    "demand.rereferral_pct": "how often children are re-referred",
    "front_door.decision_hours.mean": "front-door time per referral",
    "stages.assessment.work_hours.mean": "how long an assessment takes",
    "stages.s47.work_hours.mean": "how long an s47 enquiry takes",
    "stages.icpc.work_hours.mean": "how long preparing a conference takes",
    "stages.cin.ongoing_hours_per_week": "time a child-in-need case takes each week",
    "stages.cp.ongoing_hours_per_week": "time a child-protection case takes each week",
    "stages.lac.ongoing_hours_per_week": "time a looked-after case takes each week",
    "stages.cp.visits.hours.mean": "how long a child-protection visit takes",
    "stages.cin.duration_days.mean": "how long children stay on a child-in-need plan",
    "stages.lac.duration_days.mean": "how long children stay looked after",
    "stages.court.duration_days.mean": "how long care proceedings last",
    "working_time.case_time_pct": "the share of time spent on cases",
    "working_time.absence_pct": "short-term absence",
    "workforce.turnover_pct_per_year.experienced": "how fast experienced staff leave",
    "workforce.turnover_pct_per_year.nqsw": "how fast newly qualified staff leave",
    "workforce.turnover_pct_per_year.agency": "how fast agency staff leave",
    "workforce.pressure_turnover_effect": "how much pressure drives leaving",
    "recruitment.success_pct": "how often adverts fill a post",
    "recruitment.time_to_hire_weeks.mean": "time from offer to start",
    "agency.tenure_weeks.mean": "how long agency staff stay",
    "caseload.caps.experienced": "the caseload aim",
}
#: What the Morris effect (``mu_star``) is, in words: the CLI, the saved result and the report
#: say this. SALib divides each one-input change by the size of the move in the unit cube
#: (two-thirds of the range with four levels), which scales it to the input's whole range.
MORRIS_EFFECT = ("the average size of the change in the measure per the input's whole range "
                 "(lowest to highest value), from moves of one input at a time")
#: The default range of a default input: this share below and above the scenario's value.
SPREAD = 0.2
#: The widest 95% range (plus or minus, on the 0-to-1 scale) of a Sobol total index read
#: without a caution (:meth:`SensitivityResult.sobol_caution`).
SOBOL_ROUGH = 0.25
#: Inputs whose schema has a floor above 0: the default range starts there at the lowest.
_LOWEST = {"agency.tenure_weeks.mean": MIN_AGENCY_TENURE_WEEKS}


def default_inputs(base: Scenario, spread: float = SPREAD) -> dict[str, Any]:
    """The uncertain inputs of ``base``: its ``uncertain:`` block, or each of
    :data:`DEFAULT_INPUTS` it holds as a non-zero number, uniform within ``spread`` of it
    (percentages kept at most 100, inputs of :data:`_LOWEST` at least their floor)."""
    if base.uncertain:
        # a fixed value has no range to screen: it was ranked as 'made no difference'
        return {p: d for p, d in base.uncertain.items() if d.dist != "fixed"}
    data = base.model_dump(mode="python")
    out = {}
    for path in DEFAULT_INPUTS:
        try:
            v = input_value(data, path)
        except KeyError:
            continue
        if isinstance(v, bool) or not isinstance(v, (int, float)) or v <= 0:
            continue
        high = v * (1 + spread)
        if path.endswith("_pct"):
            high = min(high, 100.0 if "turnover" not in path else 99.0)
        low = max(v * (1 - spread), _LOWEST.get(path, 0.0))
        if high > low:
            out[path] = Uniform(dist="uniform", low=low, high=high)
    return out


def input_label(path: str) -> str:
    """An input's plain-English name (its path when it has none)."""
    return DEFAULT_INPUTS.get(path, path)


@dataclass
class SensitivityResult:
    """What :func:`sensitivity` found.

    Attributes
    ----------
    kpi : str
        The KPI analysed first (the ranking and the sentence are about it).
    kpis : tuple of str
        Every KPI analysed on the same runs.
    inputs : dict
        The uncertain inputs and their distributions.
    morris : pandas.DataFrame
        ``kpi, input, label, mu_star, mu_star_conf, sigma, rank``. ``mu_star`` (the Morris
        effect) is in the KPI's unit: the mean absolute change in the KPI per the input's whole
        range, from moves of one input at a time (SALib's elementary effects: each move is
        two-thirds of the range with four levels, and its change is divided by that two-thirds,
        so a KPI that rises by ``a`` for every unit of an input spread over ``w`` units has an
        effect of ``a w``). See :data:`MORRIS_EFFECT`.
    sobol : pandas.DataFrame
        ``kpi, input, label, S1, S1_conf, ST, ST_conf`` for the top inputs (empty when skipped).
    tornado : pandas.DataFrame
        ``input, label, low, high, kpi_low, kpi_high, kpi_base, swing``: the KPI with one
        input at its 5% and 95% quantiles and the others at their medians, widest swing first.
    """

    base: Scenario | None
    kpi: str
    kpis: tuple[str, ...]
    inputs: dict
    morris: pd.DataFrame
    sobol: pd.DataFrame
    tornado: pd.DataFrame
    replications: int
    years: float | None
    elapsed_s: float = 0.0
    n_run: int = 0
    n_loaded: int = 0

    def top(self, n: int = 3) -> list[str]:
        """The inputs with the largest Morris effect on :attr:`kpi`."""
        m = self.morris[self.morris["kpi"] == self.kpi].sort_values("rank")
        return list(m["input"].head(n))

    def sentence(self) -> str:
        """The finding in plain English."""
        k = kpi(self.kpi)
        m = self.morris[self.morris["kpi"] == self.kpi].sort_values("rank")
        if m.empty or not (m["mu_star"] > 0).any():
            return f"{k.label} hardly changed over the ranges of the {len(self.inputs)} inputs."
        lead = float(m["mu_star"].iloc[0])
        # the inputs whose effect is at least a third of the largest: the ones that matter
        big = [input_label(p) for p, mu in zip(m["input"], m["mu_star"]) if mu >= lead / 3][:3]
        names = big[0] if len(big) == 1 else ", ".join(big[:-1]) + " and " + big[-1]
        rest = len(m) - len(big)
        # an input with no effect at all (one value, or unused by the measure) does not
        # "matter less": it made no difference
        none = int((m["mu_star"].iloc[len(big):] == 0).sum())
        others = ("" if rest == 0 else
                  ("; the other input made no difference" if rest == 1 else
                   f"; the other {rest} inputs made no difference") if none == rest else
                  "; the other input matters less" if rest == 1
                  else f"; the other {rest} inputs matter less"
                  + (f" ({none} of them made no difference)" if none else ""))
        return (f"{k.label} depends most on {names}{others} "
                f"(Morris screening of {len(m)} input{'' if len(m) == 1 else 's'} over "
                f"{'its range' if len(m) == 1 else 'their ranges'})." + _unsure(m, len(big)))

    def sobol_caution(self) -> str:
        """A warning when the Sobol indices of :attr:`kpi` cannot be read as they stand ("" when
        they can, or there are none): an index outside 0 to 1 (a share of the measure's variance
        cannot be; a base sample of 2 gave a total of 1.99 for an input that explains it all), or
        95% ranges wider than :data:`SOBOL_ROUGH` (a sample of 16 gave 0.92 ± 0.51)."""
        s = self.sobol
        if not len(s) or "kpi" not in s or "ST" not in s:
            return ""
        s = s[s["kpi"] == self.kpi]
        if s.empty:
            return ""
        cols = [c for c in ("ST", "S1") if c in s]

        def num(c: str) -> np.ndarray:   # a column read back from a file may hold text
            if c not in s:
                return np.zeros(len(s))
            return pd.to_numeric(s[c], errors="coerce").to_numpy(dtype=float)

        idx = np.column_stack([num(c) for c in cols])
        conf = np.nan_to_num(np.column_stack([num(f"{c}_conf") for c in cols]))
        # outside 0 to 1 by more than its own 95% range: no share of a variance
        bad = ~np.isfinite(idx) | (idx - conf > 1.005) | (idx + conf < -0.005)
        if bad.any():
            i, j = (int(x[0]) for x in np.nonzero(bad))
            row = s.iloc[i]
            which, v = ("total" if cols[j] == "ST" else "first-order"), row[cols[j]]
            got = f"came out {float(v):.2f}" if np.isfinite(v) else "could not be estimated"
            return (f"The Sobol indices are not usable: an index is the share of the measure's "
                    f"variance an input drives, between 0 and 1, and the {which} index of "
                    f"{input_label(str(row['input']))} {got}: the Sobol sample is too small to "
                    f"estimate them. Rank the inputs by the Morris effect, or give a larger "
                    f"Sobol sample (64 or more).")
        wide = float(conf[:, 0].max())
        if wide > SOBOL_ROUGH:
            return (f"The Sobol indices are rough: their 95% ranges reach ±{wide:.2f} on a "
                    f"scale of 0 to 1, so they rank the inputs only roughly; a larger Sobol "
                    f"sample narrows them.")
        return ""

    def save(self, folder: str | Path) -> Path:
        """Write ``morris.csv``, ``sobol.csv``, ``tornado.csv`` and ``result.json`` (what was
        analysed, and the sentence) to ``folder``."""
        folder = files.make_folder(folder)
        for name, table in (("morris", self.morris), ("sobol", self.sobol),
                            ("tornado", self.tornado)):
            files.write_table(folder / f"{name}.csv", table, formulas_as_text=True)
        info = {"kpi": self.kpi, "kpis": list(self.kpis),
                "inputs": {p: (d.model_dump(mode="json") if hasattr(d, "model_dump") else d)
                           for p, d in self.inputs.items()},
                "scenario": self.base.name if self.base is not None else None,
                # the report checks the analysis was of its scenario as the file is now
                "scenario_digest": self.base.digest() if self.base is not None else None,
                "replications": self.replications, "years": self.years,
                "elapsed_s": self.elapsed_s, "sentence": self.sentence(),
                "mu_star": f"Morris effect: {MORRIS_EFFECT}, in the measure's unit"}
        files.write_text(folder / "result.json", json.dumps(info, indent=1))
        return folder


def load_sensitivity(folder: str | Path) -> SensitivityResult:
    """A sensitivity analysis from the files :meth:`SensitivityResult.save` wrote (``workbench
    sensitivity --out``): a folder, or a file in it. The result has no scenario (``base`` is
    None); the inputs are known by their paths.

    Raises
    ------
    UserError
        Naming the file and what is wrong with it.
    """
    folder = Path(folder)
    if folder.is_file():
        folder = folder.parent
    if not folder.is_dir():
        raise UserError(f"{folder}: no such folder (give the folder `workbench sensitivity "
                        f"--out` wrote)")
    missing = [f for f in ("morris.csv", "tornado.csv") if not (folder / f).is_file()]
    if missing:
        raise UserError(f"{folder}: not a sensitivity analysis (missing {', '.join(missing)}; "
                        f"`workbench sensitivity --out` writes them)")
    try:
        morris = pd.read_csv(folder / "morris.csv")
        tornado = pd.read_csv(folder / "tornado.csv")
        sobol = (pd.read_csv(folder / "sobol.csv") if (folder / "sobol.csv").is_file()
                 and (folder / "sobol.csv").stat().st_size > 1 else pd.DataFrame())
        info = (json.loads((folder / "result.json").read_text(encoding="utf-8"))
                if (folder / "result.json").is_file() else {})
    except (ValueError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise UserError(f"{folder}: the sensitivity files cannot be read ({exc})") from None
    if not isinstance(info, dict):
        raise UserError(f"{folder / 'result.json'}: not a sensitivity analysis's result (its "
                        f"fields in braces, as `workbench sensitivity --out` writes them)")
    need = {"kpi": morris, "input": morris, "mu_star": morris, "rank": morris,
            "kpi_low": tornado, "kpi_high": tornado, "kpi_base": tornado, "label": tornado}
    for col, df in need.items():
        if col not in df.columns:
            name = "morris.csv" if df is morris else "tornado.csv"
            raise UserError(f"{folder / name}: no column {col!r}")
    if morris.empty:
        raise UserError(f"{folder / 'morris.csv'}: no rows")
    first = str(info.get("kpi") or morris["kpi"].iloc[0])  # the KPI analysed first comes first
    if first not in KPIS:
        raise UserError(f"{folder}: unknown KPI {first!r}")
    kpis = tuple(k for k in info.get("kpis", dict.fromkeys(morris["kpi"])) if k in KPIS)
    ours = morris["kpi"] == first
    if not ours.any():   # the sentence said it "hardly changed" over inputs never analysed
        raise UserError(f"{folder / 'morris.csv'}: no rows for {first!r}, the measure "
                        f"result.json names")
    cmd = "workbench sensitivity --out"
    for file, df, checks in (
            ("morris.csv", morris, (("input", dict(text=True)), ("label", dict(text=True)),
                                    ("mu_star", dict(low=0)), ("rank", dict(whole=True, low=1)))),
            ("tornado.csv", tornado, (("label", dict(text=True)),
                                      ("kpi_low", dict(may_be_blank=True)),
                                      ("kpi_high", dict(may_be_blank=True)),
                                      ("kpi_base", dict(may_be_blank=True)))),
            ("sobol.csv", sobol, (("ST", dict(may_be_blank=True)),
                                  ("S1", dict(may_be_blank=True))))):
        for column, how in checks:
            if column in df:
                df[column] = saved_column(df, column, folder / file, cmd,
                                          rows=ours if df is morris else None, **how)
    inputs = info.get("inputs") or {p: None for p in dict.fromkeys(morris["input"])}
    at = (folder / "result.json", cmd)
    return SensitivityResult(base=None, kpi=first, kpis=kpis or (first,), inputs=inputs,
                             morris=morris, sobol=sobol, tornado=tornado,
                             replications=saved_number(info, "replications", *at, whole=True,
                                                       low=1, default=0),
                             years=saved_number(info, "years", *at, low=0.02, high=30,
                                                may_be_none=True, default=None),
                             elapsed_s=saved_number(info, "elapsed_s", *at, low=0,
                                                    default=0.0))


# the sample points and their values (kept here by these names for the callers)
_Points = Points


def sensitivity(base: Scenario, kpi_name: str = "assessment_within_45wd_pct",
                also: Sequence[str] = ("unallocated_mean", "cost_gbp"),
                inputs: Mapping[str, Any] | None = None, *, trajectories: int = 6,
                levels: int = 4, sobol_top: int = 4, sobol_n: int = 16, tornado_top: int = 8,
                replications: int = 2, years: float | None = 1.0, seed: int = 0,
                executor: str = "process", max_workers: int | None = None,
                scheduler: str | None = None, out: str | Path | None = "outputs",
                name: str | None = None, progress: bool = True,
                simulate_fn: Callable = simulate) -> SensitivityResult:
    """Morris screening of every uncertain input, then Sobol indices and a tornado for the top.

    Parameters
    ----------
    base : Scenario
    kpi_name : str
        The KPI the ranking and the sentence are about.
    also : sequence of str
        Other KPIs analysed on the same runs.
    inputs : dict, optional
        Dotted path -> distribution (default :func:`default_inputs`).
    trajectories, levels : int
        Morris trajectories (r) and grid levels (p); the screening runs ``r (k + 1)`` points.
    sobol_top, sobol_n : int
        Inputs given Sobol indices (0: none) and Saltelli's base sample (``n (top + 2)``
        points; a power of 2).
    tornado_top : int
        Inputs in the tornado (two points each).
    replications : int
        Replications per point, the same seeds at every point.
    years, seed, executor, max_workers, scheduler, out, name, progress, simulate_fn
        As :func:`~workbench.decision.optimise.optimise`.

    Returns
    -------
    SensitivityResult
    """
    from SALib.analyze import morris as morris_analyze
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import morris as morris_sample
    from SALib.sample import sobol as sobol_sample

    t0 = time.perf_counter()
    names = tuple(dict.fromkeys([kpi_name, *also]))
    unknown = [k for k in names if k not in KPIS]
    if unknown:
        raise UserError(f"unknown KPI(s) {unknown}; known: {', '.join(KPIS)}")
    short = too_short_for(kpi_name, years if years is not None else base.horizon_years)
    if short:   # before any run: every sample point would have no value
        raise UserError(f"{short}, so no run could give it a value: simulate 1 year or more "
                        f"(--years) or choose another measure (--kpi)")
    inputs = dict(inputs) if inputs is not None else default_inputs(base)
    if len(inputs) < 2:
        raise UserError(too_few_inputs(base, inputs))
    if int(sobol_top) == 1:
        raise UserError("Sobol indices need at least two inputs (they share the measure's "
                        "variance out among them): give 0 inputs for no Sobol indices, or 2 or "
                        "more (got 1)")
    for what, v, low in (("trajectories", trajectories, 2), ("levels", levels, 2),
                         ("replications", replications, 1), ("sobol_top", sobol_top, 0),
                         ("sobol_n", sobol_n, 2), ("tornado_top", tornado_top, 0),
                         ("seed", seed, 0)):
        # 2.5 trajectories ran as 2, a Sobol sample of 16.0 and a seed of -1 stopped with a
        # TypeError or numpy's "expected non-negative integer"
        if not (isinstance(v, numbers.Real) and v == int(v) and v >= low):
            raise UserError(f"{what} must be a whole number, at least {low} (got {v!r})")
    if int(levels) % 2:   # SALib: "num_levels should be an even number, sample may be biased"
        raise UserError(f"levels must be an even number: an odd grid gives a biased Morris "
                        f"sample (got {levels})")
    sobol_n = int(sobol_n)
    if sobol_n & (sobol_n - 1) or sobol_n < 2:
        raise UserError(f"the Sobol sample size must be a power of 2 (got {sobol_n})")
    paths = list(inputs)
    dists = [inputs[p] for p in paths]
    k = len(paths)
    n_points = (trajectories * (k + 1) + (sobol_n * (min(sobol_top, k) + 2) if sobol_top else 0)
                + 2 * min(tornado_top, k) + 1)
    name = name or f"sensitivity-{base.digest()}"
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=n_points, desc="sample points", unit="point", dynamic_ncols=True)
    with Runner(executor, max_workers, scheduler, out, name, years, simulate_fn,
                about=base.name) as runner:
        pts = _Points(base, paths, dists, runner, int(replications), int(seed), names, bar)
        # Morris: the unit cube; SALib's mu_star is each one-input change divided by the move
        # (two-thirds of the cube with four levels): a change per the input's whole range
        problem = {"num_vars": k, "names": paths, "bounds": [[0.0, 1.0]] * k}
        X = morris_sample.sample(problem, int(trajectories), num_levels=int(levels),
                                 seed=int(seed))
        pts.what = "Morris screening"
        Y = pts.run(X)
        names = _measured(Y, names, kpi_name, years)
        Y = Y[:, [j for j, kn in enumerate(pts.kpis) if kn in names]]
        pts.kpis = names
        rows = []
        for j, kn in enumerate(names):
            y = _filled(Y[:, j], kn, "Morris screening")
            r = morris_analyze.analyze(problem, X, y, num_levels=int(levels), seed=int(seed),
                                       print_to_console=False)
            df = pd.DataFrame({"kpi": kn, "input": paths, "label": [input_label(p) for p in paths],
                               "mu_star": r["mu_star"], "mu_star_conf": r["mu_star_conf"],
                               "sigma": r["sigma"]})
            df["rank"] = df["mu_star"].rank(ascending=False, method="first").astype(int)
            rows.append(df)
        morris = pd.concat(rows, ignore_index=True)
        ranked = list(morris[morris["kpi"] == kpi_name].sort_values("rank")["input"])
        # Sobol for the top few (the others held at their medians)
        sobol = pd.DataFrame(columns=["kpi", "input", "label", "S1", "S1_conf", "ST", "ST_conf"])
        top = ranked[:min(sobol_top, k)]
        if len(top) >= 2:
            sp = {"num_vars": len(top), "names": top, "bounds": [[0.0, 1.0]] * len(top)}
            Xs = sobol_sample.sample(sp, int(sobol_n), calc_second_order=False, seed=int(seed))
            full = np.full((len(Xs), k), 0.5)
            for i, p in enumerate(top):
                full[:, paths.index(p)] = Xs[:, i]
            pts.what = "Sobol sample"
            Ys = pts.run(full)
            srows = []
            for j, kn in enumerate(names):
                y = _filled(Ys[:, j], kn, "Sobol sample")
                if y is None or np.ptp(y) == 0:
                    # no value at any Sobol point (said), or the KPI did not move there:
                    # no input explains any of it
                    z = np.zeros(len(top))
                    s = {"S1": z, "S1_conf": z, "ST": z, "ST_conf": z}
                else:
                    # SALib's Sobol bootstrap is unseeded for a seed of 0 ("if seed:"): shift
                    # it by one so that every seed gives the same confidence intervals each run
                    s = sobol_analyze.analyze(sp, y, calc_second_order=False, seed=int(seed) + 1,
                                              print_to_console=False)
                srows.append(pd.DataFrame({"kpi": kn, "input": top,
                                           "label": [input_label(p) for p in top],
                                           "S1": s["S1"], "S1_conf": s["S1_conf"],
                                           "ST": s["ST"], "ST_conf": s["ST_conf"]}))
            sobol = pd.concat(srows, ignore_index=True)
        tornado = _tornado(pts, paths, ranked[:min(tornado_top, k)], names.index(kpi_name))
        n_run, n_loaded = runner.n_run, runner.n_loaded
    if bar is not None:
        bar.close()
    res = SensitivityResult(base=base, kpi=kpi_name, kpis=names, inputs=inputs, morris=morris,
                            sobol=sobol, tornado=tornado, replications=int(replications),
                            years=years, elapsed_s=time.perf_counter() - t0, n_run=n_run,
                            n_loaded=n_loaded)
    if out is not None:
        res.save(Path(out) / name)
    return res


def _unsure(m: pd.DataFrame, named: int) -> str:
    """A caution when an input said to matter less (after the ``named`` first of ``m``, the
    Morris table of one KPI in rank order) has a 95% range that reaches the leading input's:
    from a few trajectories, "depends most on A; the other input matters less" was said of
    effects of 10 ± 9 and 3 ± 3, a ranking the runs do not settle. "" when none does."""
    conf = (pd.to_numeric(m["mu_star_conf"], errors="coerce").fillna(0.0).to_numpy()
            if "mu_star_conf" in m else np.zeros(len(m)))
    mu = m["mu_star"].to_numpy(dtype=float)
    low = mu[0] - conf[0]
    reach = [input_label(p) for p, v, c in zip(list(m["input"])[named:], mu[named:],
                                               conf[named:]) if v > 0 and v + c >= low]
    if not reach:
        return ""
    names = reach[0] if len(reach) == 1 else ", ".join(reach[:-1]) + " and " + reach[-1]
    one = len(reach) == 1
    return (f" The ranking is not settled: the 95% range{'' if one else 's'} of the Morris "
            f"effect{'' if one else 's'} of {names} reach{'es' if one else ''} that of "
            f"{input_label(m['input'].iloc[0])}, so "
            f"{'it' if one else 'they'} may matter as much; more Morris trajectories narrow "
            f"the ranges.")


def too_few_inputs(base: Scenario, inputs: Mapping[str, Any]) -> str:
    """Why there are too few inputs, naming the scenario and its ``uncertain:`` block."""
    have = ", ".join(inputs) or "none"
    if base.uncertain:
        fixed = [p for p, d in base.uncertain.items() if d.dist == "fixed" and p not in inputs]
        also = (f" (and {', '.join(fixed)} fixed at one value, which has no range to screen)"
                if fixed else "")
        return (f"scenario {base.name!r}: its uncertain: block has {len(inputs)} "
                f"input{'' if len(inputs) == 1 else 's'} "
                f"({have}){also}; sensitivity needs at least two: add another input with its "
                f"range to the uncertain: block")
    return (f"scenario {base.name!r}: sensitivity needs at least two uncertain inputs, and it "
            f"has no uncertain: block and only {len(inputs)} of the default inputs as a number "
            f"above 0 ({have}): add an uncertain: block with two or more inputs and their ranges")


def _measured(Y: np.ndarray, names: tuple[str, ...], first: str,
              years: float | None) -> tuple[str, ...]:
    """The KPIs with a value at some point of ``Y`` (rows: points; columns: ``names``).

    Raises
    ------
    UserError
        When no point has a value of ``first`` (the KPI ranked), or no run finished.
    """
    have = np.isfinite(Y)
    over = ("the scenario's horizon" if years is None
            else f"{years:g} year{'' if years == 1 else 's'}")
    if not have.any():
        raise UserError(f"no run of the {len(Y)} sample points finished (the notes above say "
                        f"why), so there is nothing to analyse")
    if not have[:, names.index(first)].any():
        k = kpi(first)
        raise UserError(f"{first} ({k.label.lower()}) has no value over {over} at any of the "
                        f"{len(Y)} sample points: nothing it measures happened in so short a run "
                        f"(for instance, no visit or review fell due). Simulate more years "
                        f"(--years) or choose another measure (--kpi)")
    out = []
    for j, kn in enumerate(names):
        if have[:, j].any():
            out.append(kn)
        else:
            warnings.warn(f"{kn} ({kpi(kn).label.lower()}) has no value over {over} at any "
                          f"sample point: it is left out of the analysis", UserWarning,
                          stacklevel=3)
    return tuple(out)


def _filled(y: np.ndarray, kn: str, what: str) -> np.ndarray | None:
    """``y`` with the points that have no value given the mean of the others, and a warning
    saying how many (None when none has a value)."""
    miss = ~np.isfinite(y)
    if miss.all():
        warnings.warn(f"{kn} ({kpi(kn).label.lower()}) has no value at any point of the {what}: "
                      f"its Sobol indices are shown as 0", UserWarning, stacklevel=3)
        return None
    if miss.any():
        warnings.warn(f"{kn} ({kpi(kn).label.lower()}) has no value at {int(miss.sum())} of the "
                      f"{len(y)} points of the {what} (nothing it measures happened in some or "
                      f"all of their runs, and an average of only some of a point's runs would "
                      f"set their chance against the inputs); they count as the average of the "
                      f"others, so its effects are understated: "
                      f"simulate more years (--years) for a value at every point", UserWarning,
                      stacklevel=3)
    return np.where(miss, float(np.nanmean(y)), y)


def _tornado(pts: _Points, paths: list[str], top: list[str], j: int) -> pd.DataFrame:
    """The KPI with each of ``top`` at its 5% and 95% quantiles, the others at their medians."""
    unit = []
    for p in top:
        for q in (0.05, 0.95):
            u = np.full(len(paths), 0.5)
            u[paths.index(p)] = q
            unit.append(u)
    unit.append(np.full(len(paths), 0.5))
    pts.what = "tornado"
    Y = pts.run(np.array(unit))[:, j]
    rows = []
    data = pts.base.model_dump(mode="python")
    for i, p in enumerate(top):
        d = pts.dists[paths.index(p)]
        # the values the runs used: a whole-number input's are rounded (10.2 was written for
        # academy places of 10)
        rows.append({"input": p, "label": input_label(p),
                     "low": value_used(data, p, quantile(d, 0.05)),
                     "high": value_used(data, p, quantile(d, 0.95)),
                     "kpi_low": Y[2 * i], "kpi_high": Y[2 * i + 1],
                     "kpi_base": Y[-1], "swing": abs(Y[2 * i + 1] - Y[2 * i])})
    df = pd.DataFrame(rows, columns=["input", "label", "low", "high", "kpi_low", "kpi_high",
                                     "kpi_base", "swing"])
    return df.sort_values("swing", ascending=False, ignore_index=True)
