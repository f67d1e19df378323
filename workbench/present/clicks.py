"""Clicks from the page that act once the changes sent before them are in.

The page (ipywidgets' front end) sends a control's changes one at a time, the next once the
kernel has answered the last, but a button's click at once. So the kernel can get "change,
click, change": pressing Run straight after moving a slider with the arrow keys ran the value
before the last presses (app audit D3). :class:`SettledClicks` holds a click from the page until
the controls it watches have been quiet for :data:`SETTLE_S` (at most :data:`WAIT_MAX_S` after
the click), then calls the button's handlers on the kernel's event loop. ``button.click()``
from Python acts at once.
"""

from __future__ import annotations

import asyncio
import math
import time
from typing import Any, Callable

__all__ = ["SETTLE_S", "WAIT_MAX_S", "SettledClicks"]

#: A click acts this long after it reaches the kernel, and as long after the last change of a
#: watched control (seconds). It covers the page's round trip to the kernel (a few milliseconds
#: on this computer or a local network; over a link slower than about a quarter of a second a
#: late change could still miss the click).
SETTLE_S = 0.3
#: The longest a click waits for the controls to settle (seconds).
WAIT_MAX_S = 2.0


class SettledClicks:
    """Buttons whose clicks from the page wait for the watched controls to settle.

    Parameters
    ----------
    is_open : callable
        Whether the page is still open (a click that settles after the page closed is dropped).
    """

    def __init__(self, is_open: Callable[[], bool]):
        self.changed_at = -math.inf   # when a watched control last changed (time.monotonic)
        self._is_open = is_open

    def note_change(self, _change: Any = None) -> None:
        self.changed_at = time.monotonic()

    def watch(self, *widgets: Any) -> None:
        """Count a change of any of ``widgets``' values as a change the clicks wait for."""
        for widget in widgets:
            widget.observe(self.note_change, names="value")

    def defer(self, button: Any) -> None:
        """Make a click on ``button`` from the page call its handlers once the watched controls
        have settled, on the kernel's event loop (a run there blocks the loop as a click handler
        did, so a progress bar moves as before). The button is disabled while its click waits."""
        own = getattr(button, "_handle_button_msg", None)   # ipywidgets' handler: at once
        if own is None:
            return
        button.on_msg(own, remove=True)
        clicked: list[float] = []   # when the click waiting to act came (one at a time)

        def settled(loop):
            now = time.monotonic()
            wait = self.changed_at + SETTLE_S - now
            if wait > 0 and now - clicked[0] < WAIT_MAX_S:
                loop.call_later(wait, settled, loop)
                return
            clicked.clear()
            button.disabled = False
            if self._is_open():
                button.click()

        def on_msg(_widget, content, _buffers):
            if content.get("event") != "click" or clicked:
                return
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:   # no event loop (not in a kernel): at once
                button.click()
                return
            clicked.append(time.monotonic())
            button.disabled = True
            loop.call_later(SETTLE_S, settled, loop)

        button.on_msg(on_msg)
