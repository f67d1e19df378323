"""Serving the managers' app: Voila on ``notebooks/app.ipynb`` with the offline page template.

:func:`serve` (``workbench app``, ``make app``) starts Voila on a local address, waits until the
page answers, prints the address and keeps serving until Ctrl+C. Voila shows the notebook's
widgets with no code; each browser tab gets its own Python kernel, and one kernel is kept
started and run ahead (``preheat``), so the page opens in a second or two rather than the ten
or so a cold kernel takes to start and import the model.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from ..errors import UserError
from ..scenario.catalog import PACKAGE_ROOT

__all__ = ["APP_NOTEBOOK", "TEMPLATE_ROOT", "free_port", "start", "serve", "voila_command",
           "wait_until_up"]

APP_NOTEBOOK = PACKAGE_ROOT / "notebooks" / "app.ipynb"
#: A Jupyter data folder holding the ``workbench`` Voila template (the lab template, offline).
TEMPLATE_ROOT = Path(__file__).resolve().parent / "app_template"
DEFAULT_PORT = 8866


def free_port(host: str = "127.0.0.1", preferred: int | None = DEFAULT_PORT) -> int:
    """``preferred`` if nothing listens on it, else a port the system says is free."""
    for port in ([preferred] if preferred else []) + [0]:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            try:
                s.bind((host, port))
            except OSError:
                continue
            return s.getsockname()[1]
    raise UserError(f"no free port on {host}")


def voila_command(port: int, host: str = "127.0.0.1", preheat: bool = True,
                  notebook: Path = APP_NOTEBOOK) -> list[str]:
    """The command that serves the app with Voila (run with :func:`app_environment`)."""
    cmd = [sys.executable, "-m", "voila", str(notebook), "--no-browser", f"--port={port}",
           f"--Voila.ip={host}", "--Voila.port_retries=0", "--template=workbench",
           "--strip_sources=True", "--show_tracebacks=False"]
    if preheat:
        cmd += ["--preheat_kernel=True", "--pool_size=1"]
    return cmd


def app_environment(scenarios: str | Path | None = None, replications: int = 4,
                    years: float = 2.0, executor: str = "process") -> dict[str, str]:
    """The environment of the Voila server: the template folder on the Jupyter path, the app's
    settings for :meth:`App.from_environment`, and warnings kept off the page."""
    env = dict(os.environ)
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in (str(TEMPLATE_ROOT), env.get("JUPYTER_PATH"))
                                          if p)
    env["WORKBENCH_APP_REPLICATIONS"] = str(int(replications))
    env["WORKBENCH_APP_YEARS"] = f"{float(years):g}"
    env["WORKBENCH_APP_EXECUTOR"] = executor
    env["PYTHONWARNINGS"] = "ignore"
    if scenarios is not None:
        env["WORKBENCH_APP_SCENARIOS"] = str(Path(scenarios).resolve())
    return env


def wait_until_up(url: str, proc: subprocess.Popen | None = None, timeout_s: float = 120) -> None:
    """Wait until ``url`` answers (the server is up), or raise :class:`UserError` if the server
    process ends first or ``timeout_s`` passes."""
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        if proc is not None and proc.poll() is not None:
            raise UserError(f"the app server stopped (exit status {proc.returncode}) before it "
                            f"served {url}; see the messages above")
        try:
            # a small static file: asking for the page itself would take the preheated kernel
            with urllib.request.urlopen(url + "voila/static/voila.js", timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answers, if not with that file
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.25)
    raise UserError(f"the app server did not answer at {url} within {timeout_s:g} s")


def start(port: int | None = None, host: str = "127.0.0.1", scenarios: str | Path | None = None,
          replications: int = 4, years: float = 2.0, executor: str = "process",
          preheat: bool = True, quiet: bool = False) -> tuple[subprocess.Popen, str]:
    """Start the app server in the background and wait until it answers.

    Returns
    -------
    (subprocess.Popen, str)
        The server process (stop it with ``terminate()``) and the page's address.
    """
    if scenarios is not None and not Path(scenarios).is_dir():
        raise UserError(f"--scenarios {scenarios}: not a folder")
    port = port or free_port(host)
    url = f"http://{host}:{port}/"
    out = subprocess.DEVNULL if quiet else None
    proc = subprocess.Popen(voila_command(port, host, preheat),
                            env=app_environment(scenarios, replications, years, executor),
                            cwd=str(APP_NOTEBOOK.parent), stdout=out, stderr=out)
    try:
        wait_until_up(url, proc)
    except BaseException:
        proc.terminate()
        proc.wait(timeout=30)
        raise
    return proc, url


def serve(port: int | None = None, host: str = "127.0.0.1", open_browser: bool = True,
          **settings) -> int:
    """Serve the app until Ctrl+C (or a service manager's SIGTERM): start Voila, print the
    address, open it in a browser; stopping stops Voila and its kernels too."""
    import signal

    def _stop(_signum, _frame):
        raise KeyboardInterrupt

    proc, url = start(port, host, **settings)
    previous = signal.signal(signal.SIGTERM, _stop)
    print(f"\nThe workbench app is at {url}  (Ctrl+C to stop)\n", flush=True)
    try:
        if open_browser:
            import webbrowser

            webbrowser.open(url)
        return proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        proc.wait(timeout=30)
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)
