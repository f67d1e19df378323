"""The discrete-event model (SimPy). Imports no plotting, widgets or reporting."""

from .simulation import Run, Simulation, simulate

__all__ = ["Run", "Simulation", "simulate"]
