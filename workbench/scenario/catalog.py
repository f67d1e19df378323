"""The scenario catalog: where the scenario files are, in which order they are shown, and loading
a list of them by the names people type (``scenarios/baseline.yaml`` from a notebook folder)."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from .errors import ScenarioError
from .load import load_scenarios
from .schema import Scenario

#: Bundled scenario files (by stem) in the order managers and councillors meet them: the baseline
#: first, then the workforce levers, then the demand shock.
DEFAULT_ORDER = ("baseline", "recruitment_drive", "academy_expansion", "agency_cover",
                 "agency_reduction", "retention_payment", "demand_surge")
#: Reference authorities for validation (``workbench validation``), not policy options for the
#: baseline's council: left out of the default list, so reports never compare them with it.
REFERENCE_SCENARIOS = ("england_average",)

#: The folder the package was installed from (holds the bundled ``scenarios/``).
PACKAGE_ROOT = Path(__file__).resolve().parents[2]


def project_root(start: str | Path | None = None) -> Path:
    """The project folder: the nearest one holding ``scenarios/baseline.yaml``.

    Parameters
    ----------
    start : str or Path, optional
        Where to look up from (default: the working directory, e.g. ``notebooks/``).

    Returns
    -------
    Path
        The first of ``start`` and its parents with ``scenarios/baseline.yaml``, else
        :data:`PACKAGE_ROOT`.
    """
    here = Path(start or Path.cwd()).resolve()
    for p in (here, *here.parents):
        if (p / "scenarios" / "baseline.yaml").exists():
            return p
    return PACKAGE_ROOT


def scenario_files(folder: str | Path | None = None) -> list[Path]:
    """The scenario files in a folder, in :data:`DEFAULT_ORDER`.

    Parameters
    ----------
    folder : str or Path, optional
        Default: the ``scenarios/`` folder of :func:`project_root`.

    Returns
    -------
    list of Path
        ``*.yaml`` and ``*.yml`` files: the bundled ones in :data:`DEFAULT_ORDER` (the baseline
        first), then any others alphabetically; not the :data:`REFERENCE_SCENARIOS`.
    """
    folder = Path(folder) if folder is not None else project_root() / "scenarios"
    # hidden files are not scenarios: a save in progress, an editor's copy, macOS's "._" files
    files = [p for p in sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml"))
             if p.stem not in REFERENCE_SCENARIOS and not p.name.startswith(".")]
    rank = {n: i for i, n in enumerate(DEFAULT_ORDER)}
    return sorted(files, key=lambda p: (rank.get(p.stem, len(rank)), p.stem))


def bundled_scenarios() -> list[Path]:
    """The scenario files shipped with the package (``PACKAGE_ROOT/scenarios``), baseline first."""
    return scenario_files(PACKAGE_ROOT / "scenarios")


def load_scenario_files(files: Sequence[str | Path] | None = None,
                        root: str | Path | None = None) -> tuple[dict[str, Scenario], dict[str, Path]]:
    """Load scenario files (default: every one in the project), labelled by their ``name``.

    Parameters
    ----------
    files : sequence of str or Path, optional
        Relative paths are taken from ``root``, so that a notebook in ``notebooks/`` can name
        ``scenarios/baseline.yaml``. Default: :func:`scenario_files` of ``root / "scenarios"``.
    root : str or Path, optional
        The project folder (default: :func:`project_root`).

    Returns
    -------
    (scenarios, paths) : tuple of dict
        Each scenario and its file, keyed by the scenario's name, in the order given.

    Raises
    ------
    ScenarioError
        Every problem at once: a missing or bad file, two files with one name, no files at all.
    """
    root = Path(root) if root is not None else project_root()
    if not files:
        paths = scenario_files(root / "scenarios")
    else:
        paths = [Path(f) if Path(f).is_absolute() else root / f for f in files]
    if not paths:
        raise ScenarioError(f"no scenario files found in {root / 'scenarios'}")
    loaded = load_scenarios(paths)
    scenarios = {name: sc for name, (sc, _) in loaded.items()}
    where = {name: p for name, (_, p) in loaded.items()}
    return scenarios, where
