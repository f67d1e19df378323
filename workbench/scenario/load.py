"""Reading scenario files: YAML, ``base:`` inheritance, validation and file digests.

A variant file names a base file and states only what differs (blocks are merged key by key,
except an outcome distribution ``next:`` and a distribution spec ``{dist: ...}``, which a variant
states whole)::

    base: baseline.yaml
    name: Academy expansion
    academy:
      intake_per_year: 24
"""

from __future__ import annotations

import copy
import functools
import hashlib
import re
import unicodedata
from pathlib import Path
from typing import Any

import yaml

from .derive import merge_variant
from .errors import DIST_FIELDS, ScenarioError, meant_field
from .reading import MAX_FILE_BYTES, _read_bytes, expand_pattern  # noqa: F401 (validate's)
from .schema import Scenario, validate_scenario
from .yaml_loader import _Loader
from .yaml_words import (half_character, indented_too_far, key_forms, wide_indent,
                         yaml_in_words)


#: Files a ``base:`` chain may hold: the bundled variants have one base; a longer chain is a
#: mistake, and a chain of thousands would exhaust Python's recursion before it was reported.
MAX_BASE_CHAIN = 20
#: Values a file may hold once YAML aliases (``*name``) are followed: the bundled baseline has
#: about 600. Aliases nested in aliases can otherwise expand to billions (or loop for ever).
MAX_VALUES = 100_000




def _too_many_values(data: Any) -> bool:
    """Whether ``data`` holds more than :data:`MAX_VALUES` values, counting a value reached
    through several aliases once for each (as validation and merging would copy it)."""
    count, todo = 0, [data]
    while todo:
        x = todo.pop()
        count += 1
        if count > MAX_VALUES:
            return True
        if isinstance(x, dict):
            todo.extend(x.values())
        elif isinstance(x, list):
            todo.extend(x)
    return False


def _parse(path: Path, raw: bytes) -> dict[str, Any]:
    """The plain data of a scenario file's bytes: a mapping of fields, or a clear error. A file
    is read up to four times to load and check it (its base chain, the notes, the digest), and
    YAML reads a large one slowly (a file of 30,000 teams took 8 s a time): its data is read
    once, and each caller given a copy of its own."""
    return copy.deepcopy(_parse_once(str(path), raw))


@functools.lru_cache(maxsize=8)
def _parse_once(name: str, raw: bytes) -> dict[str, Any]:
    path = Path(name)
    if b"\x00" in raw:
        raise ScenarioError(f"{path}: is not a text file (it holds NUL bytes: a binary file, or "
                            f"text saved as UTF-16); save it as UTF-8 text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise ScenarioError(f"{path}: is not UTF-8 text (line {line} holds bytes that are not "
                            f"UTF-8); save it as UTF-8") from None
    # a byte-order mark further down (two files pasted into one): YAML read it as part of the
    # next name, and "\ufeffdescription: unknown field; did you mean 'description'?" was said
    text = text.replace("\ufeff", "")
    wide_indent(path, text)
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = exc.problem or exc.context
        if exc.problem == "but found another document":
            # a second document after '---' (two files pasted together): PyYAML's words alone
            # were "but found another document"
            problem = ("a scenario file holds one YAML document, and a second one starts here "
                       "(after a '---' line); remove it, or put it in a file of its own")
        elif str(problem).startswith("could not determine a constructor for the tag"):
            # !!python/object:..., !!set, !custom: PyYAML's words named its own machinery
            tag = str(problem).rsplit(" ", 1)[-1].strip("'").replace("tag:yaml.org,2002:", "!!")
            problem = (f"the tag {tag} is not read in scenario files, which hold numbers, dates, "
                       f"text, lists and blocks; write the value itself, without the tag")
        elif exc.context and str(problem).startswith("but "):
            problem = f"{exc.context}, {problem}"
        if mark and "found '<block mapping start>'" in str(problem):
            problem = indented_too_far(text, mark.line)
        elif problem == "found unhashable key":
            # `? [a, b]` or `{a: 1}: x`: PyYAML's words were its own ("unhashable key")
            problem = ("a name that is a list or a block ([...] or {...}) before a ':'; a field "
                       "or a team is named by a word: write the name, then ':'")
        elif problem == "mapping values are not allowed here":
            problem = ("a ': ' that YAML cannot read here: if the line is a field, indent it as "
                       "the fields beside it (two spaces in under its block's name), and check "
                       "the line before has its ':'; if it is text holding ': ', put the text "
                       "in quotes")
        else:
            problem = yaml_in_words(exc, problem)
        raise ScenarioError(f"{path}: not valid YAML{where}: {problem}") from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow
        line = text[:exc.position].count("\n") + 1
        raise ScenarioError(f"{path}: not valid YAML at line {line}: a control character "
                            f"(#x{exc.character:04x}) that YAML does not allow") from None
    except yaml.YAMLError as exc:
        raise ScenarioError(f"{path}: not valid YAML: {exc}") from None
    except RecursionError:
        raise ScenarioError(f"{path}: not valid YAML: blocks nested too deeply to read") from None
    if data is None:
        raise ScenarioError(f"{path}: the file is empty")
    if not isinstance(data, dict):
        raise ScenarioError(f"{path}: expected a mapping of fields at the top level (lines of "
                            f"field: value, such as name: ...), got {_what(data)}")
    if _too_many_values(data):
        raise ScenarioError(f"{path}: holds more than {MAX_VALUES:,} values once its aliases (*name) "
                            f"are followed; a scenario file has a few hundred")
    if "\\u" in text or "\\U" in text:
        where = half_character(data)
        if where is not None:
            # "\ud800" in double quotes: half of a UTF-16 pair, which no file, page or chart can
            # write (the report's HTML failed with a traceback)
            raise ScenarioError(f"{path}: {where}: holds an escape (\\ud800 to \\udfff) that is "
                                f"half of a character, which cannot be written to any file; "
                                f"remove it, or write the character itself")
    return data




def _what(data: Any) -> str:
    """What a file that is not a mapping of fields holds, in words ("str" was Python's)."""
    if isinstance(data, list):
        return "a list, not fields"
    if isinstance(data, str):
        return ("text with no field in it (a table, a web page or notes?); give a scenario "
                "file (YAML)")
    return f"a single value ({str(data)[:40]}); give a scenario file (YAML)"


def _near_names(folder: Path, name: str) -> list[str]:
    """Files in ``folder`` that a ``base:`` of ``name`` not found there most likely meant: the
    name in other letter case, or with .yaml or .yml added or swapped."""
    try:
        files = [q.name for q in folder.iterdir() if q.suffix.lower() in (".yaml", ".yml")]
    except OSError:
        return []
    stem = Path(name).stem if Path(name).suffix.lower() in (".yaml", ".yml") else Path(name).name
    return sorted(f for f in files if Path(f).stem.casefold() == stem.casefold())[:3]


def load_raw(path: str | Path, _seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    """The merged plain data of a scenario file, following ``base:`` links.

    Parameters
    ----------
    path : str or Path
        The scenario file (YAML, UTF-8). Messages name it as given.

    Returns
    -------
    dict
        The file's fields over its base's (and so on up the chain), without ``base``.

    Raises
    ------
    ScenarioError
        If a file on the chain is missing, unreadable, not YAML, or the links form a loop.
    """
    if not str(path).strip():
        raise ScenarioError("a scenario file's name is empty; give the path of a YAML file")
    path = Path(path)
    try:
        key = path.resolve()
    except (RuntimeError, OSError) as exc:  # a loop of symbolic links (RuntimeError on 3.11)
        why = "a loop of symbolic links" if "loop" in str(exc).lower() else str(exc)
        raise ScenarioError(f"{path}: cannot be followed to a file ({why}); give the scenario "
                            f"file itself") from None
    if len(_seen) >= MAX_BASE_CHAIN:
        raise ScenarioError(f"{path}: 'base' links go more than {MAX_BASE_CHAIN} files deep "
                            f"(from {_seen[0].name}); a variant names its base directly")
    if key in _seen:
        chain = " -> ".join(p.name for p in _seen + (key,))
        raise ScenarioError(f"{path}: 'base' links form a loop ({chain})")
    data = _parse(path, _read_bytes(path))
    base = data.pop("base", None)
    if base is None:
        near = [k for k in data if isinstance(k, str) and meant_field(k, ("base",)) == "base"]
        if near:
            # `Base:` (autocorrect): read alone, nine 'required field is missing' came first
            raise ScenarioError(f"{path}: {near[0]}: unknown field; did you mean 'base'? (field "
                                f"names are lower case; base: names the scenario file this one "
                                f"varies, without which it is read alone)")
        return data
    if not isinstance(base, str) or not base.strip():
        raise ScenarioError(f"{path}: base: expected the file name of the scenario this one varies "
                            f"(e.g. baseline.yaml), got {base!r}")
    base_path = path.parent / base
    if base_path.is_symlink() and not base_path.exists():
        # was "file 'a.yaml' not found; did you mean 'a.yaml'?", of the link itself
        raise ScenarioError(f"{path}: base: '{base}' is a symbolic link that leads to no file (a "
                            f"loop of links, or a link to a file moved or deleted); name the "
                            f"scenario file itself")
    if not base_path.exists():
        beside = key.parent / base   # next to the file a symbolic link leads to
        hint = (f"; {path} is a symbolic link to {key}, whose base is beside it there, but a "
                f"base is looked for beside the link: copy the scenario file here instead, or "
                f"link its base here too" if path.is_symlink() and beside.exists() else "")
        near = _near_names(base_path.parent, base_path.name) if not hint else []
        if near:
            hint = f"; did you mean {' or '.join(repr(n) for n in near)}?"
        elif not hint and base != base.strip() and (path.parent / base.strip()).is_file():
            hint = f"; its name has a space at the start or end: write '{base.strip()}'"
        elif not hint and "://" in base:
            hint = ("; a base is named by its path (from this file's folder, or in full), not by "
                    "an address (https://..., file://...): save a file from the web first")
        elif not hint and base.startswith("~"):
            hint = ("; '~' is not read as the home folder here: give the path from this file's "
                    f"folder, or in full ({Path(base).expanduser()})")
        elif "\\" in base and (path.parent / base.replace("\\", "/")).is_file():
            # a Windows path (..\baseline.yaml): a backslash is part of a name elsewhere
            hint = (f"; write the folders with '/' ({base.replace(chr(92), '/')}), which "
                    f"every system reads")
        raise ScenarioError(f"{path}: base: file '{base}' not found (looked in "
                            f"{path.parent}){hint}")
    if base_path.is_dir():
        raise ScenarioError(f"{path}: base: '{base}' is a folder, not a scenario file")
    if not base_path.is_file():
        raise ScenarioError(f"{path}: base: '{base}' is not a regular file (a device, pipe or "
                            f"socket); name a scenario file")
    base_data = load_raw(base_path, _seen + (key,))
    if "description" not in data:
        data["description"] = _variant_description(base_data, base_path)
    merged = merge_variant(base_data, data)
    for path in _fixed_inputs(base_data, data):
        # the variant gives this input a value of its own: that value, not the base's range,
        # is the scenario's (the base's draw replaced it in every run, so a variant setting
        # referrals to 9,000 ran on the base's 5,800-6,800); file_notes says so
        del merged["uncertain"][path]
    return merged


def _fixed_inputs(base: dict[str, Any], own: dict[str, Any]) -> list[str]:
    """The base's uncertain inputs that a variant's ``own`` data gives a value of its own (the
    field, or a block holding it that it states whole) without naming them uncertain itself."""
    inputs = base.get("uncertain")
    mine = own.get("uncertain")
    if not isinstance(inputs, dict) or not inputs:
        return []
    mine = mine if isinstance(mine, dict) else {}
    return [p for p in inputs if isinstance(p, str) and p not in mine
            and _sets({k: v for k, v in own.items() if k != "uncertain"}, p.split("."))]


def file_notes(path: str | Path, sc: Scenario) -> list[str]:
    """Notes (not problems) on how a valid scenario file reads, beside
    :func:`~workbench.scenario.checks.scenario_notes`: a variant that gives no ``name:`` of its
    own takes its base's, so its results were shown under the base's name ("Baseline: one
    replication ...") with nothing said."""
    from .written import lists_replaced, thousands_points

    chain = _chain(Path(path))
    if len(chain) < 2:
        return thousands_points(chain, _Loader)
    notes = []
    if not any(str(k) == "name" for k in chain[0][1]):
        notes.append(f"name: {Path(path).name} gives no name of its own, so it is shown under "
                     f"its base's name ('{sc.name}') in every table and heading; give it a name "
                     f"(name: ...)")
    # from the first base up: the inputs a file below gives a value of its own
    ranges: dict[str, Path] = {}
    for file, data in reversed(chain):
        for p in [p for p in ranges if _fixed_inputs({"uncertain": {p: 0}}, data)]:
            notes.append(f"uncertain.{p}: {file.name} gives it a value of its own, so the range "
                         f"{ranges.pop(p).name} gives it (uncertain:) is not used; to keep a "
                         f"range, give one in {file.name}'s uncertain: block")
        own = data.get("uncertain")
        if isinstance(own, dict):
            ranges.update({p: file for p in own if isinstance(p, str)})
    return notes + lists_replaced(chain) + thousands_points(chain, _Loader)


def _variant_description(base: dict[str, Any], base_path: Path) -> str:
    """The description of a variant file that gives none: the base's, marked as the base's (it
    describes the base, not what the variant changes)."""
    name = base.get("name")
    name = name if isinstance(name, str) and name.strip() else base_path.name
    text = base.get("description")
    text = " ".join(text.split()) if isinstance(text, str) else ""
    return f"Variant of {name} ({base_path.name})" + (f": {text}" if text else "")


def load_scenario(path: str | Path) -> Scenario:
    """Load and validate a scenario file (following ``base:`` links). A problem with a value
    that a base file gives names that file too (the variant does not hold it)."""
    data = load_raw(path)
    try:
        return validate_scenario(data, source=str(path))
    except ScenarioError as exc:
        raise ScenarioError(_name_the_bases(str(exc), Path(path))) from None


def _chain(path: Path) -> list[tuple[Path, dict[str, Any]]]:
    """Each file of ``path``'s ``base:`` chain with its own data, the file itself first (read
    again: only for a message, after :func:`load_raw` has read them all)."""
    out: list[tuple[Path, dict[str, Any]]] = []
    seen: set[Path] = set()
    p: Path | None = path
    while p is not None and len(out) <= MAX_BASE_CHAIN:
        try:
            key = p.resolve()
            if key in seen:
                break
            seen.add(key)
            data = _parse(p, _read_bytes(p))
        except (ScenarioError, OSError, RuntimeError):
            break
        out.append((p, data))
        base = data.get("base")
        p = p.parent / base if isinstance(base, str) and base.strip() else None
    return out


def _sets(data: dict[str, Any], keys: list[str]) -> bool:
    """Whether a file's own ``data`` gives the field at ``keys`` (or a block holding it that a
    variant states whole: a list, an outcome distribution ``next``, a ``dist:`` spec)."""
    node: Any = data
    for key in keys:
        if isinstance(node, dict):
            # looked up, not scanned: a scan of every entry for each problem took minutes for a
            # file of 30,000 teams or uncertain inputs (a problem each)
            found = [k for k in key_forms(key) if k in node]
            if not found and key in DIST_FIELDS and "dist" not in node:
                continue   # the tag in pydantic's path (work_hours.lognormal.low), not a key
            if not found:
                return False
            node = node[found[0]]
            if key in _WHOLE or (isinstance(node, dict) and "dist" in node):
                return True
        else:
            return True   # a list or a value where the path goes on: this file gives it whole
    return True


#: A dotted field path named in a problem's words (caseload.caps, teams.cp_court.caps).
_FIELD = re.compile(r"\b[a-z_]+(?:\.[A-Za-z0-9_*]+)+")
#: Blocks a variant states whole (as :func:`~workbench.scenario.derive.merge_variant` merges).
_WHOLE = {"next"}


def _name_the_bases(message: str, path: Path) -> str:
    """``message`` (a validation's problems, one ``  - field: ...`` a line) with each problem
    whose field comes from a base file, not from ``path`` itself, naming that file: a base with
    a mistake was reported under the variant's name alone, which does not hold the field."""
    chain = _chain(path)
    if len(chain) < 2:
        return message
    lines = message.split("\n")
    for i, line in enumerate(lines):
        if not line.startswith("  - ") or ": " not in line:
            continue
        field, said = line[4:].split(": ", 1)
        keys = field.split(".")
        where = next((p for p, data in chain if _sets(data, keys)), None)
        # a problem naming fields the file itself gives is the file's too (its caseload.caps of
        # 0 leave a base's team no one to hold cases): it was said to be given in the base
        own = [f for f in _FIELD.findall(said) if "*" not in f
               and _sets(chain[0][1], f.split("."))]
        if where is not None and where != path and not own:
            lines[i] = f"{line} [given in {where}, which {path.name} builds on]"
    return "\n".join(lines)


def load_scenarios(paths) -> dict[str, tuple[Scenario, Path]]:
    """Load several scenario files, keyed by scenario name, in the order given.

    Every problem (a missing file, a bad file, two files with the same name) is collected and
    reported together in one :class:`ScenarioError`.
    """
    scenarios: dict[str, tuple[Scenario, Path]] = {}
    seen: dict[str, str] = {}  # each name as compared (name_key) -> the name as given
    problems = []
    for p in map(Path, paths):
        try:
            sc = load_scenario(p)
        except ScenarioError as exc:
            problems.append(str(exc))
            continue
        other = seen.get(name_key(sc.name))
        if other is not None:
            where = scenarios[other][1]
            if other == sc.name:
                problems.append(f"{p}: the name '{sc.name}' is also used by {where}; scenario "
                                f"names must differ")
            else:
                problems.append(f"{p}: the name '{sc.name}' differs from '{other}' ({where}) "
                                f"only by letter case or spaces; a reader would take them for "
                                f"one scenario, so scenario names must differ by more than that")
            continue
        seen[name_key(sc.name)] = sc.name
        scenarios[sc.name] = (sc, p)
    if problems:
        raise ScenarioError("\n".join(problems))
    return scenarios


def name_key(name: str) -> str:
    """A scenario name as two names are compared: letter case, spaces at either end and runs of
    spaces make no difference ("baseline " and "Baseline" are the same name to a reader)."""
    return " ".join(unicodedata.normalize("NFKC", name).split()).casefold()


def file_digest(path: str | Path) -> str:
    """SHA-256 (first 12 hex digits) of a scenario file and its base chain, for run details."""
    h = hashlib.sha256()
    try:
        p = Path(path).resolve()
    except (RuntimeError, OSError):  # a loop of symbolic links: loading it reports the problem
        return h.hexdigest()[:12]
    seen = set()
    while p is not None and p not in seen and p.is_file():
        seen.add(p)
        raw = p.read_bytes()
        h.update(raw)
        try:
            base = _parse(p, raw).get("base")
        except ScenarioError:
            base = None  # a broken file ends the chain; loading it reports the problem
        try:
            p = (p.parent / base).resolve() if isinstance(base, str) and base.strip() else None
        except (RuntimeError, OSError):
            p = None
    return h.hexdigest()[:12]

