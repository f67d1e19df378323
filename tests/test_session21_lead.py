"""Session 21, the lead's own changes: one helper for spells under way at the start, and the
install's line on whether the simulation core is compiled."""

from __future__ import annotations

import numpy as np

import workbench.model as model
from workbench.model.streams import residual_life
from workbench.scenario import Exponential, Fixed


def test_residual_life_is_length_biased():
    rng = np.random.default_rng(1)
    elapsed, remaining = residual_life(Exponential(dist="exponential", mean=10.0), rng, 40000)
    # a spell under way on a given day is twice as long on average as a fresh one (exponential),
    # and the day falls uniformly within it, so each part averages the fresh mean
    assert abs((elapsed + remaining).mean() - 20.0) < 0.5
    assert abs(remaining.mean() - 10.0) < 0.3
    assert (elapsed >= 0).all() and (remaining >= 0).all()


def test_residual_life_of_fixed_lengths_and_of_none():
    e, r = residual_life(Fixed(dist="fixed", value=30.0), np.random.default_rng(2), 500)
    assert np.allclose(e + r, 30.0)
    e, r = residual_life(Fixed(dist="fixed", value=30.0), np.random.default_rng(2), 0)
    assert e.size == 0 and r.size == 0
