"""Readers for the statutory returns a council already holds, combined into the case and
workforce tables that calibration consumes (:mod:`workbench.calibration.extracts`).

    from workbench.calibration.returns import read_returns
    data = read_returns("returns/")          # a folder: any mix of formats and years
    cal = calibrate(data.cases, data.roster, template, sources=data.sources)

One module per format: :mod:`.cin_census` (DfE's XML), :mod:`.ssda903` (header and episodes
CSVs), :mod:`.oc3` (the SSDA903 care leavers file), :mod:`.annex_a` (the Ofsted workbook),
:mod:`.workforce_census` (CSV or XML);
:mod:`.combine` joins them and the years; :mod:`.write` writes all four from a case table (the
synthetic returns); :mod:`.independent` makes a case table without the model.
"""

from .combine import ReturnsData, read_returns, return_files
from .common import Origin, ReturnProblem

__all__ = ["Origin", "ReturnProblem", "ReturnsData", "read_returns", "return_files"]
