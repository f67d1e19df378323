"""A scenario file's bytes: a folder, a device or pipe, a file too large to be one, or a name
with ``*`` that no file has, each refused with a message naming it."""

from __future__ import annotations

from pathlib import Path

from .errors import ScenarioError

#: A scenario file is a few kilobytes; a far larger one is the wrong file.
MAX_FILE_BYTES = 1_000_000


def _read_bytes(path: Path) -> bytes:
    """The file's bytes, or a :class:`ScenarioError` saying why it cannot be a scenario file."""
    try:
        if path.is_dir():
            found = sorted(q.name for q in path.glob("*.y*ml") if q.suffix in (".yaml", ".yml"))
            hint = (f"; give a file in it ({path / found[0]}), or every one "
                    f"({path / ('*' + Path(found[0]).suffix)})" if found
                    else "; it holds no .yaml file")
            raise ScenarioError(f"{path}: is a folder, not a scenario file{hint}")
        if path.exists() and not path.is_file():
            # a device (/dev/zero never ends), a pipe (waits for a writer) or a socket
            raise ScenarioError(f"{path}: is not a regular file (a device, pipe or socket); give "
                                f"a scenario file (YAML)")
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ScenarioError(f"{path}: is {size:,} bytes; a scenario file is a few thousand "
                                f"(at most {MAX_FILE_BYTES:,}): is this the right file?")
        return path.read_bytes()
    except FileNotFoundError:
        raise ScenarioError(f"{path}: scenario file not found{_pattern_hint(path)}") from None
    except OSError as exc:
        raise ScenarioError(f"{path}: cannot be read ({exc.strerror or exc})") from None


def expand_pattern(name: str) -> list[str]:
    """The files a name with ``*`` or ``?`` matches, when no file has that name itself (a Windows
    command prompt passes ``scenarios\\*.yaml`` as typed); ``[name]`` otherwise."""
    if not any(c in name for c in "*?") or Path(name).exists():
        return [name]
    import glob

    found = sorted(glob.glob(name))
    return found or [name]


def _pattern_hint(path: Path) -> str:
    """What a name with ``*`` or ``?`` that is no file's matches, for the message."""
    if not any(c in str(path) for c in "*?"):
        return ""
    import glob

    found = sorted(glob.glob(str(path)))
    if not found:
        return " (it is a pattern, and no file matches it)"
    return (f" (it is a pattern, which this command does not expand: it matches "
            f"{len(found):,} file(s); give them by name, e.g. {found[0]})")
