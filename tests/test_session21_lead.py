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


def test_core_summary_says_compiled(monkeypatch):
    monkeypatch.setattr(model, "core_status", lambda: {"a": "compiled", "b": "compiled"})
    assert model.core_summary() == "workbench: the simulation core is compiled (2 modules)"


def test_core_summary_warns_when_the_build_fell_back(monkeypatch):
    monkeypatch.delenv("WORKBENCH_PURE_PYTHON", raising=False)
    monkeypatch.setattr(model, "core_status", lambda: {"a": "compiled", "b": "interpreted"})
    line = model.core_summary()
    assert "WARNING" in line and "NOT compiled" in line and "1 of 2 modules" in line
    assert "pip install -v" in line


def test_core_summary_when_pure_python_is_asked(monkeypatch):
    monkeypatch.setenv("WORKBENCH_PURE_PYTHON", "1")
    monkeypatch.setattr(model, "core_status", lambda: {"a": "interpreted"})
    line = model.core_summary()
    assert "WORKBENCH_PURE_PYTHON" in line and "WARNING" not in line
