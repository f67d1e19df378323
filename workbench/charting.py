"""matplotlib as every chart of the workbench uses it, set in one place.

Every module that draws imports this first. Text in charts is shown as written: a scenario,
lever or team name with two "$" in it ("Pay £5 $ or $ 10") was set as mathematics, and one such
as "Cost $^$" stopped the chart with a ValueError (the report's, the app's, the optimiser's and
the back-test's charts all failed). No chart of the workbench uses mathematics, so matplotlib's
``text.parse_math`` is off for the process.
"""

from __future__ import annotations

import matplotlib

matplotlib.rcParams["text.parse_math"] = False
