"""Analysis: KPIs, weekly tables and statistics computed from run records (never from a live
simulation)."""
