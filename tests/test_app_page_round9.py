"""The managers' app server and page, round 9 of the browser audit (headless Debian Chromium via
Playwright, as tests/test_app_browser.py).

- D2: a closed page's kernel, and its two simulation workers, are shut down after a short quiet
  time; an open page's kernel never is, and the preheated kernel keeps serving pages.
- D6: when the server stops or a page's kernel dies, the page says so (role="alert").
- A1: at 320 px no tab name or label is cut off and the page does not scroll sideways.
- A2: every control the keyboard reaches shows a ring of 3:1 or more against white, at least
  2px wide, not cut off by the box around it; axe finds nothing serious at 1280 and 320 px.

One server serves the module (each start costs a Voila and a preheated kernel), and one page of
each width serves the tests that read it (each page starts a kernel): the culling test runs
first, on two pages of its own (its third, the one the preheated kernel serves, is the 1280 px
page the later tests read), and the server-stop test last, stopping the server.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import time

import psutil
import pytest

from workbench.errors import UserError
from workbench.present.app_server import (CULL_IDLE_S, CULL_INTERVAL_S, free_port, start,
                                          voila_command)

from conftest import SCENARIOS, needs_chromium, still_running

TITLE = "Children's social care workforce: try a policy"
#: The test server's culling: a closed page's kernel goes 10-11 s after the page closed. Not
#: shorter: a page handed the preheated kernel has at least CULL - INTERVAL seconds to connect
#: (its scripts load first), and a loaded machine may take several.
CULL, INTERVAL = 10, 1


def _serve(tmp_path_factory, **kw):
    folder = tmp_path_factory.mktemp("team") / "scenarios"
    folder.mkdir()
    shutil.copy(SCENARIOS / "baseline.yaml", folder / "baseline.yaml")
    # (a port the system gives, not 8866 when free: a server of another test file, on another
    # worker, could take that at the same moment, and this module would then talk to it)
    return start(port=free_port(preferred=None), host="127.0.0.1", scenarios=folder,
                 replications=2, years=0.5, quiet=True, cull_idle_s=CULL,
                 cull_interval_s=INTERVAL, **kw)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """One server for the module; the last test (the server stopping) stops it."""
    proc, url = _serve(tmp_path_factory)
    yield proc, url
    proc.terminate()  # nothing if it has stopped already
    proc.wait(timeout=60)


@pytest.fixture(scope="module")
def page_at(served, chromium):
    """A page of the app ``width`` px wide, opened on first use and then shared by the tests
    that read it (each page starts a kernel: the costly part of these tests). The first is
    opened at the end of the culling test (the next page, served by the preheated kernel), none
    before: they would change its count of the server's kernels."""
    pages = {}

    def page(width: int):
        if width not in pages or pages[width].is_closed():
            pages[width] = open_page(chromium, served[1], width=width)
        return pages[width]

    yield page
    for p in pages.values():
        if not p.is_closed():
            p.close()


def ran(page):
    """``page`` after a run: Run pressed and its results shown (once: a page that has run
    keeps its results)."""
    done = page.get_by_text(re.compile(r"Done in \d"))
    if done.count() == 0:
        page.get_by_role("button", name="Run").click()
        done.wait_for(timeout=120_000)
    return page


def open_page(browser, url: str, width: int = 1280, init_script: str | None = None):
    page = browser.new_page(viewport={"width": width, "height": 800})
    if init_script:
        page.add_init_script(init_script)
    page.goto(url, timeout=120_000)
    page.get_by_text(TITLE).wait_for(timeout=120_000)
    return page


def kernel_of(page, server: psutil.Process) -> psutil.Process:
    """The kernel process of ``page``: the server's child started with the page's kernel id."""
    kid = json.loads(page.locator("#jupyter-config-data").text_content())["kernelId"]
    found = [p for p in server.children() if any(kid in a for a in p.cmdline())]
    assert len(found) == 1, (kid, found)
    return found[0]


def workers_of(kernel: psutil.Process, n: int = 2, timeout: float = 60) -> list[int]:
    """The pids of the kernel's process-pool workers (the app starts them with the page)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        kids = [c.pid for c in kernel.children()]
        if len(kids) >= n:
            return kids
        time.sleep(0.2)
    raise AssertionError(f"kernel {kernel.pid} started {kernel.children()} workers, not {n}")


def alive(pids) -> list[int]:
    return [p for p in pids if psutil.pid_exists(p) and
            psutil.Process(p).status() != psutil.STATUS_ZOMBIE]


# ============================================================================================
# D2: culling
# ============================================================================================

def test_the_server_culls_closed_pages_kernels_only_and_says_why_in_its_settings():
    cmd = voila_command(8899)
    assert "--MappingKernelManager.cull_idle_timeout=300" in cmd
    assert "--MappingKernelManager.cull_interval=60" in cmd
    assert (CULL_IDLE_S, CULL_INTERVAL_S) == (300, 60)
    # never an open page's kernel, never one running a simulation
    assert "--MappingKernelManager.cull_connected=False" in cmd
    assert "--MappingKernelManager.cull_busy=False" in cmd
    assert "--preheat_kernel=True" in cmd and "--pool_size=1" in cmd
    cmd = voila_command(8899, cull_idle_s=0)
    assert "--MappingKernelManager.cull_idle_timeout=0" in cmd  # 0: never
    for idle, interval, says in [(-1, 60, "cull_idle_s (-1)"), (2.5, 1, "cull_idle_s (2.5)"),
                                 (300, 0, "cull_interval_s (0)"), ("x", 60, "cull_idle_s ('x')"),
                                 (60, 60, "longer than cull_interval_s (60)")]:
        with pytest.raises(UserError, match=re.escape(says)):
            voila_command(8899, cull_idle_s=idle, cull_interval_s=interval)
        with pytest.raises(UserError, match=re.escape(says)):
            start(cull_idle_s=idle, cull_interval_s=interval)  # refused before any server


def test_a_kernel_s_quiet_time_counts_from_its_page_closing_or_leaving_the_pool():
    """The kernel manager's own rules (a ten-minute timeout), on stand-in kernels all quiet for
    an hour: one whose page has just closed is kept (it may be reconnecting); one with a page
    still connected, one running, one still starting and one waiting in the preheated pool are
    kept, and the pooled one's quiet time restarts, so that the page it goes to has time to
    connect. Only the one no page has had for an hour is shut down, and one stuck starting for
    two."""
    import asyncio
    from datetime import timedelta
    from types import SimpleNamespace

    from jupyter_server._tz import utcnow

    from workbench.present.app_server import AppKernelManager

    async def cull() -> tuple[list[str], AppKernelManager]:
        mkm = AppKernelManager(cull_idle_timeout=600, cull_interval=60)
        hour_ago = utcnow() - timedelta(hours=1)
        for name, state, connections in [("closed", "idle", 1), ("open", "idle", 2),
                                         ("running", "busy", 0), ("starting", "starting", 0),
                                         ("pooled", "idle", 0), ("forgotten", "idle", 0),
                                         ("stuck", "starting", 0)]:
            mkm._kernels[name] = SimpleNamespace(
                last_activity=hour_ago if name != "stuck" else hour_ago - timedelta(hours=1),
                execution_state=state, kernel_name="python3",
                kernel_spec=SimpleNamespace(metadata={}))
            mkm._kernel_connections[name] = connections
        ready = asyncio.get_running_loop().create_future()
        ready.set_result({"kernel_id": "pooled"})
        mkm._pools = {"app.ipynb": [ready]}  # as Voila's preheating keeps them
        shut: list[str] = []

        async def shutdown_kernel(kernel_id, *args, **kwargs):
            shut.append(kernel_id)

        mkm.shutdown_kernel = shutdown_kernel
        mkm.notify_disconnect("closed")  # its page closed just now
        mkm.notify_disconnect("open")    # one of its two connections closed
        await mkm.cull_kernels()
        return shut, mkm

    shut, mkm = asyncio.run(cull())
    assert shut == ["forgotten", "stuck"]
    assert utcnow() - mkm._kernels["pooled"].last_activity < timedelta(seconds=30)


@needs_chromium
def test_a_closed_page_s_kernel_and_workers_end_an_open_page_s_stay(served, page_at, chromium):
    """Two pages open; one closes: its kernel and both its workers end within CULL + INTERVAL
    seconds and a few to shut down, and none is left orphaned. The other page's kernel, quiet
    for longer than CULL, stays and still runs; so does the preheated kernel, which serves the
    next page at once. A kernel killed outright (SIGKILL, as the system does when memory runs
    out) takes its workers with it, and its page says so."""
    proc, url = served
    server = psutil.Process(proc.pid)
    closing, staying = open_page(chromium, url), open_page(chromium, url)
    opened = time.monotonic()
    k_closing, k_staying = kernel_of(closing, server), kernel_of(staying, server)
    w_closing, w_staying = workers_of(k_closing), workers_of(k_staying)
    closing.close()
    gone_by = CULL + INTERVAL + 15  # the shutdown asks the kernel to stop, then waits for it
    assert still_running([k_closing.pid] + w_closing, timeout=gone_by) == []
    # the open page's kernel has now been quiet longer than CULL (its page reads, nothing runs)
    time.sleep(max(0.0, opened + CULL + 2 * INTERVAL - time.monotonic()))
    assert alive([k_staying.pid] + w_staying) == [k_staying.pid] + w_staying
    pooled = [p for p in server.children() if p.pid != k_staying.pid]
    assert pooled, "no preheated kernel waiting"
    staying.get_by_role("button", name="Run").click()
    staying.get_by_text(re.compile(r"Done in \d")).wait_for(timeout=120_000)

    # a kernel killed outright: its workers notice their parent is gone and end too
    os.kill(k_staying.pid, signal.SIGKILL)
    assert still_running(w_staying, timeout=15) == []
    notice = staying.get_by_role("alert")
    notice.wait_for(timeout=20_000)
    assert "The app has stopped on the server" in notice.inner_text()
    assert "Reload the page" in notice.inner_text()
    staying.close()

    # the preheated kernel, quiet since it started, was kept and serves the next page at once
    # (the module's page at 1280 px, which the tests below read)
    t0 = time.monotonic()
    page = page_at(1280)
    assert time.monotonic() - t0 < 60
    assert kernel_of(page, server).pid in [p.pid for p in pooled]


# ============================================================================================
# A1: reflow at 320 px; A2: focus rings; axe
# ============================================================================================

#: The texts cut off: the tabs' names and the controls' labels whose text runs past their own
#: box or a box around them that hides what overflows, or past the window's edges.
CUT = """() => {
  const sel = '.lm-TabBar-tab, .lm-TabBar-tabLabel, label, .widget-label, .widget-label-basic span';
  const W = document.documentElement.clientWidth, cut = [];
  for (const e of document.querySelectorAll(sel)) {
    // (a label 0 wide is hidden on purpose: a screen reader's name, shown by a heading above)
    if (e.getBoundingClientRect().width < 1 || !e.textContent.trim()) continue;
    const range = document.createRange(); range.selectNodeContents(e);
    const t = range.getBoundingClientRect();
    let bad = t.left < -1 || t.right > W + 1 ||
              (getComputedStyle(e).overflowX !== 'visible' && e.scrollWidth > e.clientWidth + 1);
    for (let a = e; a && a !== document.body && !bad; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (s.overflowX === 'visible' || a.scrollWidth > a.clientWidth + 1 && a !== e &&
          ['auto', 'scroll'].includes(s.overflowX)) continue;  // one that scrolls shows all
      const q = a.getBoundingClientRect();
      bad = t.left < q.left - 1 || t.right > q.right + 1;
    }
    if (bad) cut.push(e.className + ': ' + e.textContent.trim());
  }
  return cut; }"""


@needs_chromium
def test_at_320_px_no_tab_name_or_label_is_cut_off(served, page_at, chromium):
    """WCAG 1.4.10: the tab bars wrap (Lumino shrank the tabs, cutting their names) and labels
    wrap (they ended in "..."); the page never scrolls sideways."""
    _, url = served
    page = page_at(320)  # not run yet: the first test to use it
    names = page.locator(".lm-TabBar-tab").all_inner_texts()
    assert {"Recruitment", "Agency staff", "Summary", "Waiting children"} <= set(names)
    assert page.evaluate(CUT) == []
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 321
    page = open_page(chromium, url, width=768)  # the results' seven tabs were cut here too
    assert page.evaluate(CUT) == []
    page.close()


#: The focused element's ring: [kind, outline style, width px, colour, offset px, what cuts it].
RING = """() => {
  const e = document.activeElement, s = getComputedStyle(e);
  const kind = e.tagName === 'INPUT' ? 'input:' + e.type : e.getAttribute('role') ||
               (e.classList.contains('widget-readout') ? 'readout' : e.tagName.toLowerCase());
  const w = parseFloat(s.outlineWidth), off = parseFloat(s.outlineOffset), r = e.getBoundingClientRect();
  const o = {l: r.left - w - off, t: r.top - w - off, r: r.right + w + off, b: r.bottom + w + off};
  const cut = [];
  for (let a = e.parentElement; a && a !== document.documentElement; a = a.parentElement) {
    const c = getComputedStyle(a);
    if (c.overflowX === 'visible' && c.overflowY === 'visible') continue;
    const q = a.getBoundingClientRect();
    if (o.l < q.left - 0.5 || o.t < q.top - 0.5 || o.r > q.right + 0.5 || o.b > q.bottom + 0.5)
      cut.push(a.className.toString().slice(0, 60));
  }
  return [kind, s.outlineStyle, w, s.outlineColor, off, cut,
          (e.getAttribute('aria-label') || e.textContent || '').trim().slice(0, 40)]; }"""


@needs_chromium
def test_every_control_the_keyboard_reaches_shows_a_ring_of_3_to_1(page_at):
    """WCAG 2.4.7, 2.4.11, 1.4.11: Tab through the whole page (after a run, so that the
    download link is there); each stop shows a solid ring 2px or wider of 3:1 or more against
    white, that no box around it cuts off (JupyterLab's was a 1px or border line of #64b5f6,
    2.2:1, and a ring outside a list or a button was cut off by its box)."""
    page = ran(page_at(1280))
    page.get_by_role("link", name="Download the results (Excel workbook)").wait_for()
    page.locator("select").first.focus()
    seen, bad = set(), []
    for _ in range(150):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement === document.body"):
            break
        kind, style, width, color, _off, cut, name = page.evaluate(RING)
        seen.add(kind)
        if style in ("none", "hidden") or width < 2 or contrast(color, "rgb(255, 255, 255)") < 3 \
                or cut:
            bad.append((kind, name, style, width, color, cut))
    assert bad == []
    assert {"select", "input:number", "input:text", "input:checkbox", "button", "slider", "tab",
            "readout", "a"} <= seen, seen


@needs_chromium
@pytest.mark.parametrize("width", [1280, 320])
def test_axe_finds_nothing_serious(page_at, width):
    """After a run (the page of that width the tests above read, run once)."""
    assert serious(axe(ran(page_at(width)))) == []


# ============================================================================================
# D6: a notice when the server or the kernel is gone
# ============================================================================================

#: Hides Voila's window.jupyterapp from the page's script, which then falls back on watching
#: the kernel's websocket.
NO_APP = ("Object.defineProperty(window, 'jupyterapp', {configurable: false, "
          "get: function () { return undefined; }, set: function (v) {}});")


@needs_chromium
def test_a_page_says_so_when_the_server_stops(served, page_at, chromium):
    """The server stops (Ctrl+C, a crash): each open page shows, within seconds, a notice a
    screen reader announces (role="alert"), dark on light, on a phone too, saying that the
    settings are not saved and to reload; with or without Voila's app object to listen to.
    (The module's server, stopped: this test comes last. The phone's page is the one the tests
    above read and ran at 320 px.)"""
    proc, url = served
    try:
        phone = page_at(320)
        fallback = open_page(chromium, url, init_script=NO_APP)
        assert phone.get_by_role("alert").count() == 0  # nothing while all is well
        time.sleep(5)  # longer than the page's grace for a reconnection: still nothing
        assert phone.get_by_role("alert").count() == fallback.get_by_role("alert").count() == 0
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    for page in (phone, fallback):
        notice = page.get_by_role("alert")
        notice.wait_for(timeout=30_000)
        text = notice.inner_text()
        assert text.startswith("The app has lost its connection to the server."), text
        assert "Your settings on this page are not saved. Reload the page" in text
        assert notice.is_visible() and notice.get_by_role("button",
                                                           name="Reload the page").is_visible()
    box = phone.evaluate("""() => { const n = document.querySelector('[role=alert]');
        const r = n.getBoundingClientRect(), s = getComputedStyle(n);
        return [r.top, r.left, r.right, n.scrollWidth - n.clientWidth, s.color,
                s.backgroundColor, document.scrollingElement.scrollWidth]; }""")
    top, left, right, spill, color, background, page_width = box
    assert top >= 0 and left >= 0 and right <= 320 and spill <= 1 and page_width <= 321, box
    assert contrast(color, background) >= 7, box
    assert serious(axe(phone)) == []
    phone.close()
    fallback.close()


# ============================================================================================
# helpers
# ============================================================================================

def axe(page) -> list[dict]:
    """axe-core's violations on the page (axe-core bundled in axe-playwright-python)."""
    from pathlib import Path

    import axe_playwright_python

    page.evaluate(Path(axe_playwright_python.__file__).with_name("axe.min.js").read_text())
    tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
    return page.evaluate("(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})",
                         tags)["violations"]


def serious(violations: list[dict]) -> list[tuple]:
    return [(v["id"], v["impact"], v["nodes"][0]["html"][:120]) for v in violations
            if v["impact"] in ("serious", "critical")]


def _rgb(css: str) -> tuple[float, float, float]:
    """A CSS colour as computed ("rgb(r, g, b)" or "rgba(r, g, b, a)", over white)."""
    parts = [float(x) for x in re.findall(r"[\d.]+", css)]
    r, g, b, a = (parts + [1.0])[:4]
    return tuple(a * c + (1 - a) * 255 for c in (r, g, b))


def contrast(one: str, two: str) -> float:
    """WCAG's contrast ratio of two CSS colours."""
    def lum(css):
        def ch(c):
            c /= 255
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
        r, g, b = _rgb(css)
        return 0.2126 * ch(r) + 0.7152 * ch(g) + 0.0722 * ch(b)
    hi, lo = sorted((lum(one), lum(two)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_contrast_is_wcag_s():
    assert round(contrast("rgb(29, 63, 114)", "rgb(255, 255, 255)"), 1) == 10.5
    assert round(contrast("rgb(100, 181, 246)", "rgb(255, 255, 255)"), 1) == 2.2
    assert contrast("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)") == 1.0
