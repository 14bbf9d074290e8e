"""Jobs shared with a forked copy of this process, so that the second core
works too (the rest of a build is single-threaded Python).

    results = parallel.share(jobs, run, meanwhile)

This process first calls `meanwhile()` (its own work, which the jobs do not
need), then runs jobs from the front of the list while the copy runs them
from the back. Each job runs once, in whichever process reached it first,
so neither waits for the other however the costs fall. `run(job)` must
depend only on the state at the fork and return something picklable: the
copy's results come back pickled through a pipe. Results are in the jobs'
order, whoever ran them.

A copy is made only on Linux (where fork is what a Python process is
built on; elsewhere it is not safe with every library), with more than one
core to run on, with a single thread in this process (a fork copies only
the calling thread: a lock another thread held would stay held in the
copy) and for at least MIN_JOBS jobs. Otherwise, or when the fork fails,
everything runs here, in the same order. When the copy fails in any way
(an error in a job, killed, out of memory), the jobs it took and did not
hand back are run here: an error is then raised here, as without the copy.
"""
from __future__ import annotations

import mmap
import os
import pickle
import signal
import struct
import sys
import tempfile
import threading
import time
from typing import Any, Callable, Optional, Sequence

MIN_JOBS = 32      # fewer: the fork and the hand-back cost more than half of the work
# Seconds of jobs left for the copy, at its pace so far, below which this
# process lets it finish alone: joining in costs this process what the copy
# has already paid (its caches: a 成效对照 needs its panel of every unit of a
# kind), more than it would save.
ENOUGH_LEFT = 1.0


def available() -> bool:
    """Whether `share` may fork here and now."""
    if not sys.platform.startswith("linux") or not hasattr(os, "fork") or threading.active_count() != 1:
        return False
    try:
        return len(os.sched_getaffinity(0)) > 1     # the cores this process may run on, not the machine's
    except (AttributeError, OSError):
        return (os.cpu_count() or 1) > 1


def share(jobs: Sequence, run: Callable[[Any], Any], meanwhile: Optional[Callable[[], None]] = None,
          here: int = 0) -> list:
    """[run(job) for job in jobs], with a forked copy taking jobs from the back
    while this process calls `meanwhile()` and then takes them from the front.
    The first `here` jobs are this process's, after `meanwhile()`: long ones
    the caller knows the copy is better spared."""
    if len(jobs) - here < MIN_JOBS or not available():
        return _here(jobs, run, meanwhile)
    claims = _Claims(here, len(jobs))
    try:
        read, write = os.pipe()
    except OSError:
        claims.close()
        return _here(jobs, run, meanwhile)
    try:
        pid = os.fork()
    except OSError:
        os.close(read)
        os.close(write)
        claims.close()
        return _here(jobs, run, meanwhile)
    if pid == 0:
        os.close(read)
        _copy(jobs, run, claims, write)          # never returns
    os.close(write)
    forked = time.perf_counter()
    reaped = False
    try:
        if meanwhile is not None:
            meanwhile()
        results: list = [None] * len(jobs)
        for i in range(here):
            results[i] = run(jobs[i])
        while _worth_joining(claims, len(jobs), time.perf_counter() - forked) \
                and (i := claims.take(front=True)) is not None:
            results[i] = run(jobs[i])
        theirs = _receive(read)
        _, status = os.waitpid(pid, 0)
        reaped = True
        if status != 0:
            theirs = {}
        # the jobs from this process's front on were the copy's, or left to it
        for i in range(claims.ends()[0], len(jobs)):
            results[i] = theirs[i] if i in theirs else run(jobs[i])
        return results
    finally:
        os.close(read)
        if not reaped:                           # an error (or ^C) here: the copy is not wanted
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except OSError:
                pass
        claims.close()


def _worth_joining(claims: "_Claims", n: int, seconds: float) -> bool:
    """Whether this process should take jobs too: the copy has taken none yet,
    or has at least ENOUGH_LEFT seconds of them left at its pace so far."""
    first, end = claims.ends()
    taken = n - end       # by the copy, in `seconds`
    return not taken or (end - first) * seconds / taken >= ENOUGH_LEFT


def _here(jobs: Sequence, run: Callable, meanwhile: Optional[Callable]) -> list:
    if meanwhile is not None:
        meanwhile()
    return [run(job) for job in jobs]


def _copy(jobs: Sequence, run: Callable, claims: "_Claims", write: int) -> None:
    """The forked copy: jobs from the back, then the results down the pipe.
    It leaves by os._exit: nothing of the parent's (atexit handlers, open
    files' buffers, a caller's `finally`) may run twice."""
    code = 1
    try:
        done = {}
        while (i := claims.take(front=False)) is not None:
            done[i] = run(jobs[i])
        data = pickle.dumps(done, protocol=pickle.HIGHEST_PROTOCOL)
        view = memoryview(data)
        while view:
            view = view[os.write(write, view):]
        code = 0
    except BaseException:     # noqa: BLE001 (the parent runs these jobs again and sees the error)
        pass
    finally:
        os._exit(code)


def _receive(read: int) -> dict:
    chunks = []
    while chunk := os.read(read, 1 << 20):
        chunks.append(chunk)
    try:
        got = pickle.loads(b"".join(chunks))
    except Exception:         # noqa: BLE001 (cut short: the copy died while writing)
        return {}
    return got if isinstance(got, dict) else {}


class _Claims:
    """The two ends of the job list, shared by both processes: the front (the
    next job here) and the back (one past the copy's next). Changed under a
    POSIX record lock on the file that holds them: such a lock belongs to a
    process, so the copy and this process exclude each other, and it is
    released when its holder dies."""

    def __init__(self, front: int, back: int):
        import fcntl   # not on Windows, where nothing is forked
        self._fcntl = fcntl
        self._file = tempfile.TemporaryFile()
        self._file.write(struct.pack("<qq", front, back))
        self._file.flush()
        self._map = mmap.mmap(self._file.fileno(), 16)

    def take(self, front: bool) -> Optional[int]:
        """The next job's index from this end, or None when every job is taken."""
        fd = self._file.fileno()
        self._fcntl.lockf(fd, self._fcntl.LOCK_EX)
        try:
            first, end = struct.unpack_from("<qq", self._map)
            if first >= end:
                return None
            if front:
                struct.pack_into("<q", self._map, 0, first + 1)
                return first
            struct.pack_into("<q", self._map, 8, end - 1)
            return end - 1
        finally:
            self._fcntl.lockf(fd, self._fcntl.LOCK_UN)

    def ends(self) -> tuple[int, int]:
        """(front, back) as they are now, read without the lock: an estimate."""
        return struct.unpack_from("<qq", self._map)

    def close(self) -> None:
        self._map.close()
        self._file.close()
