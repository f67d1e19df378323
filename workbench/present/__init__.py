"""Presentation: tables, charts, the report's words and the explorer, all reading results
(experiments' tidy tables) and the KPI registry; nothing here runs the model itself."""
