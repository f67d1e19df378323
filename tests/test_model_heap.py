"""The model's own heaps (workbench.model.heap) give entries in exactly heapq's order."""

from __future__ import annotations

import heapq
import random

import pytest

from workbench.model.heap import Keyed, pop, push


@pytest.mark.parametrize("seed", range(6))
def test_pushes_and_pops_come_off_in_heapq_order(seed):
    rng = random.Random(seed)
    ours: list[Keyed] = []
    ref: list[tuple[float, int]] = []
    got, want = [], []
    seq = 0
    for _ in range(3000):
        if ref and rng.random() < 0.45:
            e = pop(ours)
            got.append((e.key, e.seq))
            want.append(heapq.heappop(ref))
            continue
        # few distinct keys, so that most comparisons fall to the sequence number
        key = rng.choice([-2.0, -1.0, 0.0, 0.5, 3.25, float(rng.randint(0, 9))])
        seq += 1
        push(ours, Keyed(key, seq))
        heapq.heappush(ref, (key, seq))
    while ref:
        e = pop(ours)
        got.append((e.key, e.seq))
        want.append(heapq.heappop(ref))
    assert ours == []
    assert got == want
    assert len(got) > 1000
