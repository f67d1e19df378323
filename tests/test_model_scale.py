"""Large teams keep an index of their workers (allocation.INDEX_FROM_FTE) so that allocation does
not scan the team: the index must choose exactly the worker a scan chooses.

Tier 1 (exact) checks on states we control: random teams, each worker's load, cap, availability
and restriction drawn at random, where the index's answers (``_best_indexed`` for a case of
weight 1, ``_search`` for a weighted one or a sibling group, up to the hard limit or a ceiling)
are compared with a scan of every worker. Then whole runs: the same scenario with every team
indexed and with none give the same results. Timings are in benchmarks/README.md, not here.
"""

from __future__ import annotations

import json
import math
import random

import pytest

from workbench.model.allocation import INDEX_FROM_FTE, Team
from workbench.model.entities import StageInfo
from workbench.model.simulation import Simulation
from workbench.model.workload import Worker
from workbench.scenario.derive import scale_authority

TEAM = "families_first"   # a case-holding team of the baseline (its caps are read)


class _Cfg:
    """What Team reads of a team's scenario entry."""

    def __init__(self, fte: float):
        self.establishment_fte = fte
        self.case_holding = True


def _stage(baseline, nqsw_allowed: bool, cap_weight: float) -> StageInfo:
    st = next(iter(baseline.stages.values()))
    return StageInfo("s", 0, st.model_copy(update={"nqsw_allowed": nqsw_allowed,
                                                    "cap_weight": cap_weight}))


def _scan_best(team: Team, cfg: StageInfo, now: float, exclude) -> Worker | None:
    """The scan _choose makes in a small team: lowest (load + 1) / cap, ties to the lowest id."""
    found, best, best_id = None, math.inf, -1
    for w in team.workers:
        if not w.available or w.cap <= 0.0 or w is exclude:
            continue
        if not cfg.nqsw_allowed and now < w.restricted_until:
            continue
        r = (w.load + 1.0) / w.cap
        if r < best or (r == best and w.id < best_id):
            found, best, best_id = w, r, w.id
    return found


def _scan_ceiling(team: Team, cfg: StageInfo, w_need: float, ceiling: float,
                  now: float) -> Worker | None:
    """allocate_waiting's scan: room up to ``ceiling`` x cap, lowest ratio, first in the list."""
    best, best_ratio = None, math.inf
    for w in team.workers:
        if not w.available or w.cap <= 0.0 or not w.can_hold(cfg, now):
            continue
        new_load = w.load + w_need
        if new_load > ceiling * w.cap + 1e-9:
            continue
        if new_load / w.cap < best_ratio:
            best, best_ratio = w, new_load / w.cap
    return best


def _random_team(sim: Simulation, rng: random.Random, n: int, now: float,
                 pressed: bool, in_id_order: bool = False) -> Team:
    team = Team(sim.alloc, TEAM, 99, _Cfg(INDEX_FROM_FTE + n))
    assert team.indexed
    for i in range(n):
        wtype = rng.choice(["experienced", "experienced", "nqsw", "academy", "agency"])
        fte = rng.choice([1.0, 1.0, 0.8, 0.5])
        joined = now - rng.uniform(0.0, 700.0)
        # ids in join order (a team nobody moved into), or not (academy graduates moved in)
        wid = 100 + i if in_id_order else 1000 - 3 * i if rng.random() < 0.5 else 5000 + i
        w = Worker(sim.settings, sim.eng, wid, team, wtype, fte, rng.uniform(0.0, 20.0), joined)
        team.join(w)
        if rng.random() < 0.3:
            w.change(joined, cap_factor=rng.choice([0.5, 0.8, 0.01]))
        # loads in steps of half a case, many of them equal (ties); in a pressed team all near
        # the hard limit, where only a few workers have room for a weighted case
        if pressed:
            w.load = max(0.0, math.floor(w.hard_cap) - rng.choice([0.0, 0.5, 1.0, 1.5, 2.0]))
        else:
            w.load = rng.choice([0.0, 0.5, 1.0]) * rng.randint(0, int(w.hard_cap) + 3)
        w.last = joined
        team.reindex(w)
        if rng.random() < 0.1:
            w.available = False          # absent or gone (the index is not told at once)
    # later changes leave stale entries in the heaps, as a run does
    for w in rng.sample(team.workers, k=n // 3):
        w.load = max(0.0, w.load + rng.choice([-1.5, -1.0, 1.0, 1.5, 2.0]))
        team.reindex(w)
    return team


@pytest.mark.parametrize("in_id_order", [False, True])
@pytest.mark.parametrize("seed", range(12))
def test_the_index_chooses_the_worker_a_scan_chooses(baseline, seed, in_id_order):
    rng = random.Random(seed)
    sim = Simulation(baseline, seed, 10.0)
    now = 400.0
    team = _random_team(sim, rng, rng.choice([5, 40, 200]), now, pressed=seed % 2 == 1,
                        in_id_order=in_id_order)
    # in id order, _search leaves out a tie after its first (by id) for a case of weight 1
    assert team.id_order is in_id_order
    checked = 0
    for nqsw_allowed in (True, False):
        for weight in (1.0, 1.5, 0.5):
            cfg = _stage(baseline, nqsw_allowed, weight)
            for exclude in [None] + rng.sample(team.workers, k=3):
                # a case of weight 1: the top of the index
                assert team._best_indexed(cfg, now, exclude) is _scan_best(team, cfg, now, exclude)
                # a weighted case or a sibling group whose best worker lacks room
                for w_need in (weight, 2 * weight, 3 * weight):
                    got = team._search(cfg, w_need, -1.0, now, exclude)
                    assert got is team._scan(cfg, w_need, now, exclude), (nqsw_allowed, w_need)
                    checked += got is not None
            # managers' allocation above the hard limit (no one excluded)
            for ceiling in (1.0, 1.3, 2.5):
                got = team._search(cfg, weight, ceiling, now, None)
                assert got is _scan_ceiling(team, cfg, weight, ceiling, now)
    assert checked > 0   # some searches found someone (the states are not all full)


def _results(sim: Simulation) -> dict:
    from workbench.analysis.run import Run
    run = Run.from_record(sim.run())
    ts = run.timeseries
    return json.loads(json.dumps({"kpis": run.kpis,
                                  "weekly": {c: ts[c].tolist() for c in ts.columns}},
                                 default=str))


@pytest.mark.parametrize("factor,seed", [(1.0, 1), (2.0, 2)])
def test_indexed_and_scanned_teams_give_the_same_run(baseline, factor, seed):
    # every response on, managers' allocation of long waiters included: the index's search
    # follows the scan's tie rule (the first in the team's list)
    sc = scale_authority(baseline, factor)
    runs = []
    for indexed in (True, False):
        sim = Simulation(sc, seed, 365.25)
        for team in sim.teams.values():
            team.indexed = indexed
        runs.append(_results(sim))
    assert runs[0] == runs[1]


@pytest.mark.parametrize("seed", range(6))
def test_a_search_through_ties_finds_the_first_in_the_list(baseline, seed):
    """Managers' allocation above the hard limit in a team whose workers sit at the same few
    loads (thousands tie in a large authority): the search leaves out a tie once it has its
    first, and still finds exactly the scan's worker when the workers above it in the index may
    not take the case (absent, gone, or still in their first year)."""
    rng = random.Random(seed)
    sim = Simulation(baseline, seed, 10.0)
    now = 400.0
    team = Team(sim.alloc, TEAM, 99, _Cfg(INDEX_FROM_FTE + 300))
    for i in range(300):
        w = Worker(sim.settings, sim.eng, 10 + i, team, rng.choice(["experienced", "nqsw"]),
                   1.0, rng.choice([0.0, 30.0]), now - 500.0)
        team.join(w)
        w.load = math.floor(w.hard_cap) + rng.choice([0.0, 0.0, 0.0, 1.0])
        w.last = now
        team.reindex(w)
    assert team.id_order
    for w in rng.sample(team.workers, k=120):
        w.available = False              # the index is not told at once
    for nqsw_allowed in (True, False):
        cfg = _stage(baseline, nqsw_allowed, 1.0)
        for ceiling in (1.45, 1.6, 2.5):
            got = team._search(cfg, 1.0, ceiling, now, None)
            assert got is not None
            assert got is _scan_ceiling(team, cfg, 1.0, ceiling, now)
