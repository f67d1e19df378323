"""Allocation: where a case goes. A team's queue, choosing a worker, and one place-or-queue.

A case needs a worker in the right team with room under her caseload cap. Siblings go to the
same worker where she has room. Where no eligible worker has room, the scenario may allow
allocation above the cap up to a hard limit; beyond that the child waits unallocated, in a
visible queue ordered by the stage's priority and then by waiting time, while the statutory
clock keeps running.
"""

from __future__ import annotations

import heapq
import math
from typing import Any, Final, Optional

from . import log as R
from .entities import Child, StageInfo
from .heap import Keyed
from .heap import pop as heap_pop
from .heap import push as heap_push
from .log import EventLog
from .workload import Worker, WorkerHeap

_INF: Final = math.inf
INDEX_FROM_FTE: Final = 150.0  # teams with this establishment or more keep a worker index


class Allocation:
    """Gives children workers: the one place-or-queue and the allocation itself, for the journey
    (a new stage, a transfer) and the workforce (a leaver's or mover's cases) alike. Keeps the
    families, so that brothers and sisters share a worker where she has room."""

    def __init__(self, log: EventLog) -> None:
        self.log: EventLog = log
        self.families: dict[int, list[Child]] = {}
        # how hard-pressed the service is, 0 to 1 (set each week by the workforce round from the
        # children waiting; read by the journey's pressure responses)
        self.level: float = 0.0
        # brothers and sisters join a sibling's worker up to this multiple of her cap (managers
        # keep families together above the hard limit when the pressure rules allow it)
        self.sibling_cap_factor: float = 0.0
        # stable cases held by non-qualified staff (pressure.unqualified_*), at most ``_max``
        self.unqualified_held: int = 0

    def place(self, c: Child, team: Team, now: float, allocate: bool = True,
              group: int = 1) -> None:
        """Give child c a worker in ``team``: keep her worker if in that team and she may hold
        the new stage, else allocate."""
        c.team = team
        w = c.worker
        if w is not None and w.team is team and w.can_hold(c.stage_cfg, now):
            w.restage(c, now)
            if c.task is not None and c.task.worker is None:
                w.start_task(c.task, now)
            if c.queued_team is not None:
                # a transfer she waited for is no longer needed (her worker may hold this stage)
                c.queued_team.dequeue(c)
            return
        if w is not None:
            # transfer between teams, or within the team when her worker may not hold the new
            # stage (an NQSW in her ASYE year or an academy trainee, whose assessment became an
            # s47 enquiry): the current worker keeps the case until the team allocates
            w.restage(c, now)
            if c.task is not None and c.task.worker is None:
                w.start_task(c.task, now)
            self.log.rec(now, c.id, R.TRANSFER_ASKED, c.stage_idx, team.idx, w.id, 0.0)
        if c.queued_team is not None:
            c.queued_team.dequeue(c)
        self.place_or_queue(c, team, now, allocate=allocate, group=group)

    def place_or_queue(self, c: Child, team: Team, now: float, exclude: Optional[Worker] = None,
                       allocate: bool = True, group: int = 1) -> None:
        """Allocate child c in ``team`` if a worker (other than ``exclude``) has room; otherwise
        she waits in the team's queue (recorded as unallocated if she has no worker meanwhile).
        A queue she is already in elsewhere is the caller's to leave or keep."""
        new = team.choose(c, now, exclude, group) if allocate else None
        if new is not None:
            self.allocate(c, new, now)
        else:
            team.enqueue(c, now)
            if c.worker is None:
                self.log.rec(now, c.id, R.QUEUED, c.stage_idx, team.idx, -1, 0.0)

    def allocate(self, c: Child, w: Worker, now: float) -> None:
        """Child c goes to worker w (a change of social worker if she had another)."""
        old = c.worker
        waited = now - c.queued_at if c.queued_at == c.queued_at else 0.0
        c.queued_at = math.nan
        if old is not None:
            old.remove_case(c, now)
        w.add_case(c, now)
        self.log.rec(now, c.id, R.ALLOCATED, c.stage_idx, w.team.idx, w.id,
                     waited if old is None else -1.0)
        prev = c.last_worker_id
        if prev != -1 and prev != w.id:
            reason = (R.REASON_TRANSFER if old is not None
                      else c.change_reason or R.REASON_REALLOCATION)
            self.log.rec(now, c.id, R.SW_CHANGE, c.stage_idx, w.team.idx, w.id, reason)
        c.change_reason = 0
        c.last_worker_id = w.id
        # brothers and sisters waiting in the same team's queue follow her to this worker
        fam = self.families.get(c.family)
        if fam and len(fam) > 1:
            team = w.team
            for sib in fam:
                if (sib is not c and sib.worker is None and sib.queued_team is team
                        and w.has_room(sib.stage_cfg, now, self.sibling_cap_factor)):
                    team.dequeue(sib)
                    self.allocate(sib, w, now)
        if old is not None:
            old.team.drain(now, old)


    def hand_to_unqualified(self, c: Child, now: float) -> None:
        """Managers' response under pressure: a stable case goes from her social worker to
        non-qualified staff, who hold it (and make its visits) until her plan moves on."""
        w = c.worker
        assert w is not None
        w.remove_case(c, now)
        c.unqualified = True
        self.unqualified_held += 1
        self.log.rec(now, c.id, R.UNQUALIFIED, c.stage_idx, w.team.idx, w.id,
                     now - c.stage_start_at)

    def release_unqualified(self, c: Child) -> None:
        """Her stage ended: non-qualified staff no longer hold her case."""
        if c.unqualified:
            c.unqualified = False
            self.unqualified_held -= 1


class QEntry(Keyed):
    """A child's entry in her team's queue: ``key`` is minus her stage's priority, ``seq`` the
    team's count of entries when she joined it. An entry whose ``seq`` is not her
    ``queue_seq`` (she left the queue or joined it again since) is skipped when met."""

    def __init__(self, key: float, seq: int, child: Child) -> None:
        super().__init__(key, seq)
        self.child: Child = child


def _queue_order(e: QEntry) -> tuple[float, int]:
    return (e.key, e.seq)


class Team:
    """A team: its workers, the case types it holds, and its queue of children waiting."""

    def __init__(self, alloc: Allocation, name: str, idx: int, cfg: Any):
        self.alloc: Allocation = alloc
        self.name: str = name
        self.idx: int = idx
        self.cfg: Any = cfg
        self.establishment_fte: float = cfg.establishment_fte
        self.workers: list[Worker] = []   # in post (leavers are taken off)
        self.queue: list[QEntry] = []   # children waiting: a heap by (-priority, seq)
        self.qseq: int = 0
        # A large team keeps an index of its workers by (load + 1) / cap, so that choosing a
        # worker does not scan the team (allocation then grows linearly with the authority's
        # size); a small one scans its workers, which is cheaper. A worker is moved in it
        # whenever her load, cap or availability changes. A worker who is no longer available
        # may stay in it until then, so every answer is checked.
        self.indexed: bool = cfg.establishment_fte >= INDEX_FROM_FTE
        self.index: WorkerHeap = WorkerHeap(False)
        # the same for cases newly qualified and academy workers may not hold: workers who may
        # hold them now, and those who may from a later time (a heap of entries checked against
        # her stamp, moved across when the time comes)
        self.open_index: WorkerHeap = WorkerHeap(True)
        self.pending: list[tuple[float, int, int, Worker]] = []
        # bounds on the caps and on hard_cap / cap of every worker ever indexed (they only
        # widen), for the indexed exact search of weighted cases (see _search)
        self.cap_max: float = 0.0
        self.cap_min: float = _INF
        self.limit_max: float = 0.0
        self.joins: int = 0
        # whether the team's list (join order) is also in id order: true until a worker joins
        # after someone with a higher id (an academy graduate moving team). While it holds, the
        # index's order (key, id) is the scan's tie rule too (first in the list), so the exact
        # search can leave out a tie as soon as it has the first of it (see _search).
        self.id_order: bool = True
        self.max_id: int = -1

    # ------------------------------------------------------------------ choosing a worker
    def has_room_under_cap(self) -> bool:
        """Whether some available worker could take one more case without going over her cap."""
        for w in self.workers:
            if w.available and w.cap > 0 and (w.load + 1.0) / w.cap <= 1.0 + 1e-9:
                return True
        return False

    def choose(self, child: Child, now: float, exclude: Optional[Worker] = None, group: int = 1) -> Optional[Worker]:
        """The eligible worker with most room relative to her cap, or None.

        Under her cap if anyone is; otherwise above it up to the hard limit. Siblings first go to
        the worker who holds a brother or sister, if she has room up to the hard limit. The first
        child of a sibling group of ``group`` children looks for room for them all, so that they
        can share a worker; failing that, for herself alone.
        """
        cfg = child.stage_cfg
        fam = self.alloc.families.get(child.family)
        if fam:
            for sib in fam:
                w = sib.worker
                if (w is not None and sib is not child and w.team is self
                        and w.available and w is not exclude
                        and w.has_room(cfg, now, self.alloc.sibling_cap_factor)):
                    return w
        # the first of a sibling group goes to the worker with room for as many of them as anyone
        for g in range(group, 1, -1):
            w = self._choose(child, now, exclude, cfg.cap_weight * g)
            if w is not None:
                return w
        if group > 1:
            # nobody has room for two of them: a worker whose caseload is not protected, whom
            # her brothers and sisters may follow (a protected caseload stays within its hard
            # limit), before anyone at all
            w = self._choose(child, now, exclude, cfg.cap_weight, True)
            if w is not None:
                return w
        return self._choose(child, now, exclude, cfg.cap_weight)

    def join(self, w: Worker) -> None:
        """Worker w joins the team (a new starter, or moved from another team)."""
        self.workers.append(w)
        # her place in ``workers``: the list only grows at its end, so join order is list order
        self.joins += 1
        w.join_seq = self.joins
        if w.id < self.max_id:
            self.id_order = False
        else:
            self.max_id = w.id
        old = w.index_team
        if old is not None and old is not self:
            # she moved from a team with an index: her places there are given up
            old.index.remove(w)
            old.open_index.remove(w)
        w.index_team = self if self.indexed else None
        if self.indexed:
            self.reindex(w)

    def reindex(self, w: Worker) -> None:
        """Her load, cap or availability changed: her index entries are renewed (``w.last`` is
        the time of the change)."""
        w.stamp += 1
        if w.available and w.cap > 0.0:
            if w.cap > self.cap_max:
                self.cap_max = w.cap
            if w.cap < self.cap_min:
                self.cap_min = w.cap
            if w.hard_cap / w.cap > self.limit_max:
                self.limit_max = w.hard_cap / w.cap
            w.index_key = (w.load + 1.0) / w.cap
            self.index.update(w)
            if w.restricted_until <= w.last:
                self.open_index.update(w)
            else:
                self.open_index.remove(w)
                if w.restricted_until < _INF:
                    heapq.heappush(self.pending, (w.restricted_until, w.id, w.stamp, w))
        else:
            self.index.remove(w)
            self.open_index.remove(w)
        if len(self.pending) > 4 * len(self.workers) + 64:
            self._compact()

    def _valid(self, entry: tuple[float, int, int, Worker]) -> bool:
        w = entry[3]
        return entry[2] == w.stamp and w.team is self and w.available and w.cap > 0.0

    def _compact(self) -> None:
        # drop the stale entries now and then (they are skipped when met anyway)
        self.pending = [e for e in self.pending if self._valid(e)]
        heapq.heapify(self.pending)

    def _open(self, now: float) -> list[Worker]:
        # the index of workers who may hold restricted cases, with those whose restriction has
        # ended by ``now`` moved across from ``pending`` (her key is current: her stamp is)
        index = self.open_index
        pending = self.pending
        while pending and pending[0][0] <= now:
            _, _, stamp, pw = heapq.heappop(pending)
            if stamp == pw.stamp and pw.team is self and pw.available and pw.cap > 0.0:
                index.update(pw)
        return index.items

    def _best_indexed(self, cfg: StageInfo, now: float,
                      exclude: Optional[Worker], open_only: bool = False) -> Optional[Worker]:
        # the eligible worker lowest in the index: from its root down, skipping workers who
        # may not take this case (their subtrees may hold someone who can) and leaving out
        # subtrees below someone already found (nobody there comes before her)
        anyone = cfg.nqsw_allowed and not open_only
        heap = self.index.items if anyone else self._open(now)
        n = len(heap)
        found: Optional[Worker] = None
        if n == 0:
            return found
        stack = [0]
        while stack:
            i = stack.pop()
            w = heap[i]
            if found is not None and (w.index_key > found.index_key or (
                    w.index_key == found.index_key and w.id > found.id)):
                continue
            if (w.team is self and w.available and w.cap > 0.0 and w is not exclude
                    and (anyone or now >= w.restricted_until)):
                found = w
                continue
            k = 2 * i + 1
            if k < n:
                stack.append(k)
                if k + 1 < n:
                    stack.append(k + 1)
        return found

    def _choose(self, child: Child, now: float, exclude: Optional[Worker], w_need: float,
                open_only: bool = False) -> Optional[Worker]:
        # The eligible worker with the lowest (load + 1) / cap (ties to the lowest id): from the
        # index in a large team, by a scan of the compiled objects in a small one.
        cfg = child.stage_cfg
        anyone = cfg.nqsw_allowed and not open_only
        found: Optional[Worker] = None
        best = _INF
        best_id = -1
        if self.indexed:
            found = self._best_indexed(cfg, now, exclude, open_only)
            return self._room_or_scan(found, cfg, w_need, now, exclude, open_only)
        for w in self.workers:
            if not w.available or w.cap <= 0.0 or w is exclude:
                continue
            if not anyone and now < w.restricted_until:
                continue
            ratio = (w.load + 1.0) / w.cap
            if ratio < best or (ratio == best and w.id < best_id):
                found = w
                best = ratio
                best_id = w.id
        return self._room_or_scan(found, cfg, w_need, now, exclude, open_only)

    def _room_or_scan(self, found: Optional[Worker], cfg: StageInfo, w_need: float, now: float,
                      exclude: Optional[Worker], open_only: bool = False) -> Optional[Worker]:
        if found is None:
            return None
        # Every worker's hard limit is the same multiple of her cap, so for a case of weight 1
        # the best worker is under her cap if anyone is, and if she has no room nobody has.
        if found.load + w_need <= found.hard_cap + 1e-9:
            return found
        if w_need == 1.0:
            return None
        # a weighted case (e.g. court): check everyone exactly before the child waits
        if self.indexed:
            return self._search(cfg, w_need, -1.0, now, exclude, open_only)
        return self._scan(cfg, w_need, now, exclude, open_only)

    def _scan(self, cfg: StageInfo, w_need: float, now: float, exclude: Optional[Worker],
              open_only: bool = False) -> Optional[Worker]:
        best = None
        best_ratio = math.inf
        anyone = cfg.nqsw_allowed and not open_only
        for w in self.workers:
            new_load = w.load + w_need
            if new_load > w.hard_cap + 1e-9 or not w.available or w.cap <= 0 or w is exclude:
                continue
            if not anyone and now < w.restricted_until:
                continue
            ratio = new_load / w.cap
            if ratio < best_ratio:
                best, best_ratio = w, ratio
        return best

    def _search(self, cfg: StageInfo, w_need: float, ceiling: float, now: float,
                exclude: Optional[Worker], open_only: bool = False) -> Optional[Worker]:
        """What a scan of the team finds (the eligible worker with room for ``w_need`` up to her
        hard limit, or with ``ceiling`` > 0 up to that multiple of her cap, with the lowest
        (load + w_need) / cap, ties to the first in ``workers``), found in the index.

        (load + w) / cap is (load + 1) / cap, the index's key, plus (w - 1) / cap, which lies
        between (w - 1) / cap_max and (w - 1) / cap_min. So a worker whose key exceeds the best
        ratio found so far (or the limit) less that shift cannot be the answer, nor can anyone
        below her in the heap: the search walks down the heap from its root and leaves such
        subtrees out. A margin far above rounding keeps every possible answer in; the answer is
        picked among those visited by exactly the scan's test, so it is the scan's.
        """
        anyone = cfg.nqsw_allowed and not open_only
        heap = self.index.items if anyone else self._open(now)
        n = len(heap)
        if n == 0:
            return None
        shift = ((w_need - 1.0) / self.cap_max if w_need >= 1.0
                 else (w_need - 1.0) / self.cap_min)
        limit = ceiling if ceiling > 0.0 else self.limit_max
        bound = limit + 1e-9 / self.cap_min - shift
        bound += 1e-9 * (1.0 + abs(bound))
        best: Optional[Worker] = None
        best_ratio = _INF
        # A case of weight 1: her ratio is her key exactly (the same sum over the same cap), so
        # with the list in id order nobody below a worker who comes after the best found, by
        # (key, id), can be the answer: a tie costs one visit, not one per worker tied
        # (thousands in a team of an x20 authority whose workers sit at the same load).
        exact = w_need == 1.0 and self.id_order
        stack = [0]
        while stack:
            i = stack.pop()
            w = heap[i]
            if w.index_key > bound:
                continue
            if exact and best is not None and (w.index_key > best_ratio or (
                    w.index_key == best_ratio and w.id > best.id)):
                continue
            k = 2 * i + 1
            if k < n:
                stack.append(k)
                if k + 1 < n:
                    stack.append(k + 1)
            if (w.team is not self or not w.available or w.cap <= 0.0
                    or w is exclude or (not anyone and now < w.restricted_until)):
                continue
            new_load = w.load + w_need
            if new_load > (w.hard_cap if ceiling <= 0.0 or now < w.restricted_until
                           else ceiling * w.cap) + 1e-9:
                continue
            ratio = new_load / w.cap
            if (best is None or ratio < best_ratio
                    or (ratio == best_ratio and w.join_seq < best.join_seq)):
                best, best_ratio = w, ratio
                b = ratio - shift
                b += 1e-9 * (1.0 + abs(b))
                if b < bound:
                    bound = b
        return best

    # ------------------------------------------------------------------ the queue
    def enqueue(self, child: Child, now: float) -> None:
        self.qseq += 1
        child.queued_at = now
        child.queued_team = self
        child.queue_seq = self.qseq
        heap_push(self.queue, QEntry(-child.stage_cfg.priority, self.qseq, child))

    def dequeue(self, child: Child) -> None:
        """Take a child out of the queue (lazily: the heap entry is skipped later)."""
        if child.queued_team is self:
            child.queued_team = None

    def drain(self, now: float, worker: Optional[Worker] = None) -> None:
        """Allocate waiting children while anyone has room.

        With ``worker`` (she has just released a case), only she is offered the children at the
        head of the queue: an O(1) step instead of a scan of the team.
        """
        q = self.queue
        if not q:
            return
        blocked: list[QEntry] = []
        while q:
            entry = q[0]
            child = entry.child
            if child.queued_team is not self or not child.open or entry.seq != child.queue_seq:
                heap_pop(q)   # she left the queue, or this is an old entry of hers
                continue
            held = child.worker
            if held is not None and held.team is self and held.can_hold(child.stage_cfg, now):
                # her worker may now hold her stage (her ASYE year ended): no transfer needed
                heap_pop(q)
                self.dequeue(child)
                continue
            if worker is not None:
                w = worker if (worker.available and worker.team is self
                               and worker.has_room(child.stage_cfg, now)) else None
                if w is not None and worker.load + child.stage_cfg.cap_weight > worker.cap + 1e-9:
                    # over her cap: only if nobody else in the team has room under the cap
                    other = self.choose(child, now)
                    if other is not None and other.load + child.stage_cfg.cap_weight <= other.cap + 1e-9:
                        w = other
            else:
                w = self.choose(child, now)
            heap_pop(q)
            if w is None:
                blocked.append(entry)
                # the next children may need less room or be eligible where this one is not
                if len(blocked) >= 3:
                    break
                continue
            self.dequeue(child)
            self.alloc.allocate(child, w, now)
        for b in blocked:
            heap_push(q, b)

    def waiting(self) -> tuple[int, int]:
        """Children in the queue now: (unallocated, awaiting a transfer with a worker meanwhile),
        one count per child however often she rejoined the queue."""
        unallocated = 0
        transfer = 0
        for entry in self.queue:
            c = entry.child
            if c.queued_team is self and c.open and entry.seq == c.queue_seq:
                if c.worker is None:
                    unallocated += 1
                else:
                    transfer += 1
        return unallocated, transfer

    def waiting_hours(self, weeks: float) -> float:
        """Hours of work the children waiting unallocated bring: what is left of each one's task,
        or ``weeks`` of her plan's routine hours."""
        hours = 0.0
        for entry in self.queue:
            c = entry.child
            if c.queued_team is self and c.open and entry.seq == c.queue_seq and c.worker is None:
                t = c.task
                hours += t.remaining if t is not None else c.stage_cfg.ongoing_hours_per_week * weeks
        return hours

    def allocate_waiting(self, now: float, wait_days: float, ceiling: float) -> None:
        """Managers' rule under pressure: a child who has waited ``wait_days`` or more goes to the
        eligible worker with most room, above the hard limit, up to ``ceiling`` times her cap."""
        due: list[QEntry] = []
        for entry in self.queue:
            c = entry.child
            if (c.queued_team is self and c.open and entry.seq == c.queue_seq
                    and c.worker is None and now - c.queued_at >= wait_days):
                due.append(entry)
        due.sort(key=_queue_order)
        for entry in due:
            child = entry.child
            cfg = child.stage_cfg
            best: Optional[Worker] = None
            best_ratio = _INF
            if self.indexed and ceiling > 0.0:
                # the index's exact search, with the scan's tie rule (first in the team's list),
                # so a team of any size chooses as the scan below would
                best = self._search(cfg, cfg.cap_weight, ceiling, now, None)
                if best is None:
                    continue
                self.dequeue(child)
                self.alloc.allocate(child, best, now)
                continue
            for w in self.workers:
                if not w.available or w.cap <= 0.0 or not w.can_hold(cfg, now):
                    continue
                new_load = w.load + cfg.cap_weight
                # a protected caseload (ASYE year, academy) stays within her hard limit
                if new_load > (w.hard_cap if now < w.restricted_until else ceiling * w.cap) + 1e-9:
                    continue
                ratio = new_load / w.cap
                if ratio < best_ratio:
                    best, best_ratio = w, ratio
            if best is None:
                continue
            self.dequeue(child)
            self.alloc.allocate(child, best, now)
