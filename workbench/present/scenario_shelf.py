"""The scenarios of a folder, for the explorer's *Start from* list: each file's scenario (or why
it does not load), read again only when the folder changes.

Loading the seven bundled scenarios takes about half a second; the list is read again on each
Run and each choice (so that a scenario saved from another tab joins it, and a file removed or
broken leaves it), so a file is read again only when it, or a file it may take as its base,
changed.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..scenario import Scenario, ScenarioError, load_scenario
from ..scenario.catalog import scenario_files
from .tables import bidi_html, isolate

__all__ = ["ScenarioShelf", "file_state"]


def file_state(path: Path) -> tuple | None:
    """What tells that a file has changed (None: it is not there)."""
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size, st.st_ino


def _folder_state(folder: Path) -> dict[str, tuple | None]:
    """The state of every YAML file of a folder, by name (hidden ones too: a base may be one)."""
    try:
        names = sorted(p.name for p in folder.iterdir() if p.suffix in (".yaml", ".yml"))
    except OSError:
        return {}
    return {n: file_state(folder / n) for n in names}


class ScenarioShelf:
    """The scenario files of ``folder``, each read once until it (or the folder) changes."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self._kept: dict[str, tuple] = {}            # real path -> (state, Scenario or why not)
        self._around: dict[str, tuple | None] = {}   # the folder's files when last scanned

    def scan(self) -> tuple[dict[str, Path], list[str]]:
        """The folder's scenario files that load, by scenario name (the first file of a name
        keeps it; a broken file is left out), and the names two files give (HTML)."""
        state = _folder_state(self.folder)
        if any(state.get(n) != s for n, s in self._around.items()):
            self._kept.clear()   # a file changed or went: any variant may read it as its base
        elif state != self._around:   # files added: only the broken may load now (a base came)
            self._kept = {k: v for k, v in self._kept.items() if isinstance(v[1], Scenario)}
        self._around = state
        found: dict[str, Path] = {}
        twice: list[str] = []
        for p in scenario_files(self.folder):
            got = self.read(p)
            if isinstance(got, str):
                continue
            if got.name in found:   # the first keeps the name; the page says so
                twice.append(f"{bidi_html(got.name)} is the name in "
                             f"{bidi_html(found[got.name].name)} and {bidi_html(p.name)} (the "
                             f"list shows the first)")
            else:
                found[got.name] = p
        return found, twice

    def read(self, path: Path) -> Scenario | str:
        """The scenario in ``path`` or why it does not load, read again only when it changed."""
        key, state = os.path.realpath(path), file_state(Path(path))
        kept = self._kept.get(key)
        if kept is None or kept[0] != state:
            try:
                kept = (state, load_scenario(path))
            except ScenarioError as exc:
                kept = (state, str(exc))
            self._kept[key] = kept
        return kept[1]

    def load(self, path: Path) -> Scenario:
        """The scenario in ``path``, or :class:`ScenarioError` saying why it does not load."""
        got = self.read(path)
        if isinstance(got, str):
            raise ScenarioError(got)
        return got

    def gone_why(self, path: Path) -> str:
        """What became of a listed scenario's file, in words."""
        got = self.read(path)
        if file_state(Path(path)) is None:
            return f"{isolate(Path(path).name)} is no longer in the folder."
        if isinstance(got, str):
            return got
        return f"{isolate(Path(path).name)} now holds another scenario, {isolate(got.name)}."
