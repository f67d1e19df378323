"""Random streams: one per source of randomness, spawned from one seed.

Every source (arrivals, family sizes, work content, plan durations, routing at each stage...) has
its own generator, spawned by name from ``numpy.random.SeedSequence(seed)``. Replication i of every
scenario uses the same seed, so the same child meets the same luck in each scenario (common random
numbers) and a change to one stage does not shift the numbers drawn elsewhere.
"""

from __future__ import annotations

import zlib
from typing import Any, Mapping

import numpy as np

from ..scenario import Exponential, Fixed, Gamma, Histogram, LogNormal, Uniform

_BUFFER = 512


def stream(seed: int, name: str) -> np.random.Generator:
    """The generator for one named source of randomness under a replication seed."""
    key = zlib.crc32(name.encode())
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence([int(seed), key])))


def residual_life(dist, rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Elapsed and remaining lengths of n spells under way on a given day.

    A spell under way is likelier to be a long one (length-biased sampling): its length is drawn
    in proportion to itself from a pool of the distribution's draws, and the day falls uniformly
    within it. Used for the warm start's open plans and the agency assignments in post at the
    start."""
    if n == 0:
        return np.zeros(0), np.zeros(0)
    pool = draw_array(dist, rng, max(20000, 20 * n))
    lengths = rng.choice(pool, size=n, p=pool / pool.sum())
    u = rng.random(n)
    return u * lengths, (1 - u) * lengths


def draw_array(dist, rng: np.random.Generator, n: int) -> np.ndarray:
    """n draws from a scenario distribution spec."""
    if isinstance(dist, Fixed):
        return np.full(n, dist.value, dtype=float)
    if isinstance(dist, Exponential):
        return rng.exponential(dist.mean, n)
    if isinstance(dist, LogNormal):
        sigma2 = np.log1p(dist.cv ** 2)
        mu = np.log(dist.mean) - sigma2 / 2
        return rng.lognormal(mu, np.sqrt(sigma2), n)
    if isinstance(dist, Gamma):
        shape = 1 / dist.cv ** 2
        return rng.gamma(shape, dist.mean / shape, n)
    if isinstance(dist, Uniform):
        return rng.uniform(dist.low, dist.high, n)
    if isinstance(dist, Histogram):
        edges = np.asarray(dist.edges)
        probs = np.asarray(dist.probs) / np.sum(dist.probs)
        idx = rng.choice(len(probs), size=n, p=probs)
        return rng.uniform(edges[idx], edges[idx + 1])
    raise TypeError(f"unknown distribution {dist!r}")


class Sampler:
    """Draws one value at a time from a distribution, buffered for speed."""

    __slots__ = ("dist", "rng", "_buf", "_i")

    def __init__(self, dist: Any, rng: np.random.Generator):
        self.dist: Any = dist
        self.rng: Any = rng
        self._buf: list[float] = []
        self._i: int = 0

    def __call__(self) -> float:
        if self._i >= len(self._buf):
            self._buf = draw_array(self.dist, self.rng, _BUFFER).tolist()
            self._i = 0
        v = self._buf[self._i]
        self._i += 1
        return v


class Uniforms:
    """Buffered U(0, 1) draws."""

    __slots__ = ("rng", "_buf", "_i")

    def __init__(self, rng: np.random.Generator):
        self.rng: Any = rng
        self._buf: list[float] = []
        self._i: int = 0

    def __call__(self) -> float:
        if self._i >= len(self._buf):
            self._buf = self.rng.random(_BUFFER).tolist()
            self._i = 0
        v = self._buf[self._i]
        self._i += 1
        return v


class Router:
    """Chooses an outcome with given probabilities from its own uniform stream."""

    __slots__ = ("outcomes", "cum", "u")

    def __init__(self, probs: Mapping[Any, float], rng: np.random.Generator):
        self.outcomes: list[str] = list(probs)
        c = np.cumsum(list(probs.values()))
        c[-1] = 1.0 + 1e-12
        self.cum: list[float] = c.tolist()
        self.u: Uniforms = Uniforms(rng)

    def __call__(self) -> str:
        u = self.u()
        for out, c in zip(self.outcomes, self.cum):
            if u < c:
                return out
        return self.outcomes[-1]
