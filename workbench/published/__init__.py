"""A model of any English council from its published statistics.

Read the Department for Education's open-data CSV files (children in need, children looked
after, children's social work workforce) from a folder (:func:`read_published`), pick an
authority by name or code (:func:`find_authority`), and write a scenario for it whose every
value cites the table, year and figure it came from (:func:`build_scenario`); compare
authorities with England (:func:`neighbour_table`); check a generated scenario out of sample
(:mod:`workbench.published.outofsample`).
"""

from .authorities import Authority, Figure, find_authority
from .build import Built, build_scenario
from .neighbours import neighbour_table
from .read import Published, PublishedError, read_published

__all__ = ["Authority", "Built", "Figure", "Published", "PublishedError", "build_scenario",
           "find_authority", "neighbour_table", "read_published"]
