"""Identifiers a spreadsheet turned into numbers in scientific notation.

A case system's child id of twelve digits, opened in a spreadsheet and saved again as CSV, is
read as a number and written as ``7.49562E+11``: its last digits are lost, and children whose
ids differ only there become one child (the audit's extract: 4,602 children read as 4,588, and
a re-referral rate of 18.35% for 18.10%; sequential ids collapsed to two values and the case
extract was said to have its columns swapped). The identifiers cannot be got back from the file:
it has to be exported again with the column as text. :func:`scientific_ids` finds such a column
before anything else is said about the file, and says how, without quoting a value.
"""

from __future__ import annotations

import re

import pandas as pd

from .cells import Problem
from .layouts import Column

#: What a spreadsheet writes for a number too long for its cell: a digit, a point and a few
#: more digits, then E+ and the power of ten (``7.49562E+11``, ``5E+11``). Only a spreadsheet
#: writes the ``E+``: no case system or HR system gives identifiers of that shape.
SCIENTIFIC = re.compile(r"[0-9](\.[0-9]+)?[eE]\+[0-9]{1,3}")

HOW_TO_EXPORT = (
    "a spreadsheet turned the identifiers into rounded numbers (a long number is shown and saved "
    "as d.dddddE+NN, its last digits lost), so different people now share one value and cannot "
    "be told apart. Export the file again from the source system, and do not open and save it "
    "in a spreadsheet; or, in Excel, import it with Data > From Text/CSV and set this column's "
    "type to Text (or format the column as Text before pasting the values), then save as CSV")


def scientific_ids(df: pd.DataFrame, layout: tuple[Column, ...], file: str) -> list[Problem]:
    """One problem for each identifier column of ``df`` (headers matched to ``layout``) with
    values in scientific notation: how many rows, and what to do. No value is quoted."""
    out = []
    for col in layout:
        if col.kind != "id" or col.name not in df.columns:
            continue
        text = df[col.name].astype(str).str.strip()
        hit = text.str.fullmatch(SCIENTIFIC.pattern).to_numpy(dtype=bool)
        n = int(hit.sum())
        if n:
            given = int((text != "").sum())
            out.append(Problem(file, f"{n:,} of its {given:,} rows with a value hold a number "
                                     f"in scientific notation, not an identifier: {HOW_TO_EXPORT}"
                                     " (the file's other checks follow once its identifiers are "
                                     "whole)", column=col.name))
    return out
