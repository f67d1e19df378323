"""Binary heaps of the model's own objects, ordered by two native fields.

The engine's scheduled calls and a team's queue of children waiting are heaps that are pushed
and popped hundreds of thousands of times a run. Kept as heaps of tuples (``heapq``), every
comparison goes through Python's generic tuple and float comparison; here an entry is a compiled
object whose order is read from two typed fields, ``key`` then ``seq``. ``seq`` is unique within
a heap, so the order is total and entries come off in exactly the order ``heapq`` would give
the tuples ``(key, seq, ...)``.
"""

from __future__ import annotations

from typing import TypeVar


class Keyed:
    """An entry of a heap, ordered by (``key``, ``seq``)."""

    def __init__(self, key: float, seq: int) -> None:
        self.key: float = key
        self.seq: int = seq


#: the entries of one heap (the engine's calls, or a team's queue)
K = TypeVar("K", bound=Keyed)


def _before(a: Keyed, b: Keyed) -> bool:
    return a.key < b.key or (a.key == b.key and a.seq < b.seq)


def push(heap: list[K], entry: K) -> None:
    """Add ``entry`` to ``heap`` (``heapq.heappush``)."""
    heap.append(entry)
    pos = len(heap) - 1
    while pos > 0:
        parent = (pos - 1) >> 1
        p = heap[parent]
        if not _before(entry, p):
            break
        heap[pos] = p
        pos = parent
    heap[pos] = entry


def pop(heap: list[K]) -> K:
    """Remove and return the first entry of a non-empty ``heap`` (``heapq.heappop``)."""
    top = heap[0]
    last = heap.pop()
    n = len(heap)
    if n:
        pos = 0
        while True:
            child = 2 * pos + 1
            if child >= n:
                break
            c = heap[child]
            right = child + 1
            if right < n:
                r = heap[right]
                if _before(r, c):
                    child = right
                    c = r
            if not _before(c, last):
                break
            heap[pos] = c
            pos = child
        heap[pos] = last
    return top
