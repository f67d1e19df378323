"""Serving the managers' app: Voila on ``notebooks/app.ipynb`` with the offline page template.

:func:`serve` (``workbench app``, ``make app``) starts Voila on a local address, waits until the
page answers, prints the address and keeps serving until Ctrl+C. Voila shows the notebook's
widgets with no code; each browser tab gets its own Python kernel, and one kernel is kept
started and run ahead (``preheat``), so the page opens in a second or two rather than the ten
or so a cold kernel takes to start and import the model. A kernel (about 0.5 GB with its two
simulation workers) is shut down a few minutes after its page closes (:data:`CULL_IDLE_S`), never
while its page is open (:class:`AppKernelManager`); the page itself says when it has lost the
server (the page template, ``app_template``).
"""

from __future__ import annotations

import errno
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

__all__ = ["APP_NOTEBOOK", "CULL_IDLE_S", "CULL_INTERVAL_S", "TEMPLATE_ROOT", "free_port", "start",
           "serve", "voila_command", "wait_until_up"]

APP_NOTEBOOK = PACKAGE_ROOT / "notebooks" / "app.ipynb"
#: A Jupyter data folder holding the ``workbench`` Voila template (the lab template, offline).
TEMPLATE_ROOT = Path(__file__).resolve().parent / "app_template"
DEFAULT_PORT = 8866

#: Seconds a page's kernel is kept once the page is closed (no connection) and the kernel is
#: quiet. Each kernel holds about 0.5 GB with its two simulation workers, and every page load
#: starts one, so a closed page's kernel must go. Five minutes is well over the two minutes or
#: so a page keeps trying to reconnect after a network blip or a short sleep (it then carries on
#: with the same kernel), and over the seconds between Voila handing a preheated kernel to a
#: page and the page connecting to it; a kernel with its page open, or running a simulation or
#: a plan search, is never shut down however long it is quiet.
CULL_IDLE_S = 300
#: Seconds between looks for kernels to shut down: a closed page's kernel goes between
#: CULL_IDLE_S and CULL_IDLE_S + CULL_INTERVAL_S after the page closed. A look costs next to
#: nothing, so once a minute.
CULL_INTERVAL_S = 60


def free_port(host: str = "127.0.0.1", preferred: int | None = DEFAULT_PORT) -> int:
    """``preferred`` if nothing listens on it, else a port the system says is free."""
    last: OSError | None = None
    for port in ([preferred] if preferred else []) + [0]:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            try:
                s.bind((host, port))
            except OSError as exc:
                last = exc
                continue
            return s.getsockname()[1]
    if last is not None and last.errno != errno.EADDRINUSE:
        # an address this computer does not have ("bad host", 10.9.9.9) read "no free port"
        reason = last.strerror or str(last)
        raise UserError(f"--host {host}: this computer cannot listen on that address "
                        f"({reason}); give one of its own addresses, such as 127.0.0.1 (this "
                        f"computer only, the default) or 0.0.0.0 (every network it is on)")
    raise UserError(f"no free port on {host}")


def _cull_settings(cull_idle_s, cull_interval_s) -> tuple[int, int]:
    """The culling settings as whole seconds, or :class:`UserError` saying what was expected."""
    try:
        idle, interval = int(cull_idle_s), int(cull_interval_s)
        ok = idle == cull_idle_s and interval == cull_interval_s and idle >= 0 and interval >= 1
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise UserError(f"the app's kernel culling: cull_idle_s ({cull_idle_s!r}) must be a whole "
                        f"number of seconds, 0 or more (0: never), and cull_interval_s "
                        f"({cull_interval_s!r}) a whole number of seconds, 1 or more")
    if idle and idle <= interval:
        raise UserError(f"the app's kernel culling: cull_idle_s ({idle}) must be longer than "
                        f"cull_interval_s ({interval}), or a page handed a preheated kernel "
                        f"could lose it before it connects")
    return idle, interval


def voila_command(port: int, host: str = "127.0.0.1", preheat: bool = True,
                  notebook: Path = APP_NOTEBOOK, cull_idle_s: int = CULL_IDLE_S,
                  cull_interval_s: int = CULL_INTERVAL_S) -> list[str]:
    """The command that serves the app with Voila (run with :func:`app_environment`).

    A page's kernel is shut down once the page has been closed (no connection) and the kernel
    has been quiet for ``cull_idle_s`` seconds, looked for every ``cull_interval_s`` seconds
    (:data:`CULL_IDLE_S`, :data:`CULL_INTERVAL_S`; ``cull_idle_s=0``: never). A kernel with a
    page connected, or busy running, is never shut down.
    """
    cull_idle_s, cull_interval_s = _cull_settings(cull_idle_s, cull_interval_s)
    cmd = [sys.executable, "-m", "voila", str(notebook), "--no-browser", f"--port={port}",
           f"--Voila.ip={host}", "--Voila.port_retries=0", "--template=workbench",
           "--strip_sources=True", "--show_tracebacks=False",
           f"--VoilaConfiguration.multi_kernel_manager_class={__name__}.AppKernelManager",
           f"--MappingKernelManager.cull_idle_timeout={cull_idle_s}",
           f"--MappingKernelManager.cull_interval={cull_interval_s}",
           "--MappingKernelManager.cull_connected=False", "--MappingKernelManager.cull_busy=False"]
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
          preheat: bool = True, quiet: bool = False, cull_idle_s: int = CULL_IDLE_S,
          cull_interval_s: int = CULL_INTERVAL_S) -> tuple[subprocess.Popen, str]:
    """Start the app server in the background and wait until it answers.

    Parameters
    ----------
    cull_idle_s, cull_interval_s : int
        Seconds a closed page's kernel is kept, and between looks for such kernels
        (:data:`CULL_IDLE_S`, :data:`CULL_INTERVAL_S`, which say why those values; ``cull_idle_s=0``
        keeps every kernel until the server stops). A kernel with its page open is never shut
        down.

    Returns
    -------
    (subprocess.Popen, str)
        The server process (stop it with ``terminate()``) and the page's address.
    """
    if scenarios is not None and not Path(scenarios).is_dir():
        raise UserError(f"--scenarios {scenarios}: not a folder")
    cmd_kw = dict(zip(("cull_idle_s", "cull_interval_s"),
                      _cull_settings(cull_idle_s, cull_interval_s)))
    if port:   # an address this computer cannot listen on is said, not a URL's traceback
        free_port(host, preferred=None)
    port = port or free_port(host)
    url = f"http://{host}:{port}/"
    out = subprocess.DEVNULL if quiet else None
    proc = subprocess.Popen(voila_command(port, host, preheat, **cmd_kw),
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
    address, open it in a browser; stopping stops Voila and its kernels too.

    ``settings`` are :func:`start`'s: ``scenarios``, ``replications``, ``years``, ``executor``,
    ``preheat``, and ``cull_idle_s`` / ``cull_interval_s`` (a closed page's kernel is shut down
    after :data:`CULL_IDLE_S` seconds by default, an open page's never).
    """
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


# ============================================================================================
# The kernel manager: a closed page's kernel is shut down, an open page's never
# ============================================================================================

def _app_kernel_manager() -> type:
    from datetime import timedelta

    from jupyter_server._tz import utcnow
    from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager

    class AppKernelManager(AsyncMappingKernelManager):
        """Jupyter's kernel manager, under Voila's preheated pool, with the culling the app needs.

        ``cull_connected=False`` and ``cull_busy=False`` (:func:`voila_command`) keep a kernel
        whose page is open, or which is running, whatever its quiet time. Three more rules:

        - a kernel's quiet time restarts when its last page connection closes: a page read for
          an hour and then closed keeps its kernel ``cull_idle_timeout`` more, so a page whose
          connection dropped for a moment (it reconnects by itself for about two minutes) finds
          its kernel still there;
        - a kernel waiting in the preheated pool counts as active (Voila never culls it), so
          that when a page takes it its quiet time counts from about then, not from when it
          was started, perhaps hours before: it is not shut down before the page connects;
        - a kernel still starting is not culled (Voila assumes a start shorter than the
          timeout; a short timeout in a test, or a busy machine, need not keep to that), unless
          it has been starting ten times the timeout: it is stuck.
        """

        def notify_disconnect(self, kernel_id):
            super().notify_disconnect(kernel_id)
            kernel = self._kernels.get(kernel_id)
            if kernel is not None and not self._kernel_connections.get(kernel_id):
                kernel.last_activity = utcnow()

        async def cull_kernels(self):
            now = utcnow()
            for pool in getattr(self, "_pools", {}).values():
                for task in pool:
                    if task.done() and not task.cancelled() and task.exception() is None:
                        kernel = self._kernels.get(task.result().get("kernel_id"))
                        if kernel is not None:
                            kernel.last_activity = now
            await super().cull_kernels()

        async def cull_kernel_if_idle(self, kernel_id):
            kernel = self._kernels.get(kernel_id)
            if (kernel is not None and getattr(kernel, "execution_state", None) == "starting"
                    and utcnow() - kernel.last_activity
                    < timedelta(seconds=10 * self.cull_idle_timeout)):
                return
            await super().cull_kernel_if_idle(kernel_id)

    AppKernelManager.__module__, AppKernelManager.__qualname__ = __name__, "AppKernelManager"
    return AppKernelManager


def __getattr__(name: str):
    # Voila imports the kernel manager by its dotted name (voila_command); it is made on first
    # use so that importing this module (every `workbench` command) does not import
    # jupyter_server
    if name == "AppKernelManager":
        cls = globals()[name] = _app_kernel_manager()
        return cls
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
