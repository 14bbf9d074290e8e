"""parallel.share: jobs shared with a forked copy of the process."""
import os
import sys
import threading
import time

import pytest

from generator import parallel

linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a copy is forked on Linux only")
two_cores = pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2 if hasattr(os, "sched_getaffinity") else True,
                               reason="a copy is forked only with two cores to run on")


@pytest.fixture(autouse=True)
def one_thread(request, monkeypatch):
    """This test process may still hold idle threads of earlier tests (the
    browser tests' web server, Playwright's): they hold no lock a copy could
    need, so `available` is told to count only this one. The test that starts
    a thread itself asks the real `available`."""
    if "another_thread" not in request.node.name:
        monkeypatch.setattr(threading, "active_count", lambda: 1)


def work(job):
    """A job whose result says which process ran it; costs differ job to job."""
    t = time.perf_counter()
    while time.perf_counter() - t < (job % 5) * 0.0004:
        pass
    return job * job, os.getpid()


@linux
@two_cores
def test_every_job_runs_once_in_one_of_the_two_processes_and_results_keep_the_jobs_order():
    jobs = list(range(400))
    called = []
    results = parallel.share(jobs, work, meanwhile=lambda: called.append(os.getpid()))
    assert [r for r, _ in results] == [j * j for j in jobs]
    assert called == [os.getpid()]                 # once, here
    pids = [pid for _, pid in results]
    assert os.getpid() in pids and len(set(pids)) == 2   # both took some
    # this process from the front, the copy from the back: one boundary between them
    cut = pids.index(next(p for p in pids if p != os.getpid()))
    assert set(pids[:cut]) == {os.getpid()} and os.getpid() not in pids[cut:]


@linux
@two_cores
def test_the_copy_works_while_this_process_does_its_own_work():
    # meanwhile outlasts the jobs: the copy has taken all of them by then
    results = parallel.share(list(range(64)), work, meanwhile=lambda: time.sleep(0.5))
    assert os.getpid() not in {pid for _, pid in results}


@linux
@two_cores
def test_the_first_jobs_named_here_are_run_here_after_meanwhile():
    order = []
    results = parallel.share(list(range(200)), work, here=3,
                             meanwhile=lambda: order.append("meanwhile") or time.sleep(0.2))
    assert {pid for _, pid in results[:3]} == {os.getpid()}
    assert os.getpid() not in {pid for _, pid in results[-20:]}   # the copy started from the back
    assert order == ["meanwhile"] and [r for r, _ in results] == [j * j for j in range(200)]


def test_few_jobs_or_another_thread_run_here_in_order():
    results = parallel.share(list(range(parallel.MIN_JOBS - 1)), work)
    assert {pid for _, pid in results} == {os.getpid()}
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not parallel.available()
        order = []
        results = parallel.share(list(range(100)), lambda j: order.append(j) or work(j),
                                 meanwhile=lambda: order.append("meanwhile"))
    finally:
        stop.set()
        other.join()
    assert order == ["meanwhile", *range(100)]
    assert {pid for _, pid in results} == {os.getpid()}


def _fails_in_the_copy(parent: int):
    def run(job):
        if os.getpid() != parent and job == 99:
            raise ValueError("in the copy")
        return job, os.getpid()
    return run


@linux
@two_cores
def test_a_job_that_fails_in_the_copy_is_run_again_here():
    parent = os.getpid()
    results = parallel.share(list(range(100)), _fails_in_the_copy(parent), meanwhile=lambda: time.sleep(0.3))
    assert [r for r, _ in results] == list(range(100))
    assert {pid for _, pid in results} == {parent}


@linux
@two_cores
def test_an_error_in_a_job_is_raised_here_as_without_the_copy():
    def run(job):
        if job == 99:
            raise ValueError(f"job {job}")
        return job
    with pytest.raises(ValueError, match="job 99"):
        parallel.share(list(range(100)), run, meanwhile=lambda: time.sleep(0.3))


@linux
@two_cores
def test_a_copy_that_dies_leaves_its_jobs_to_this_process():
    parent = os.getpid()

    def run(job):
        if os.getpid() != parent:
            os._exit(9)          # killed, out of memory: nothing handed back
        return job
    assert parallel.share(list(range(100)), run, meanwhile=lambda: time.sleep(0.3)) == list(range(100))


@linux
@two_cores
def test_an_error_here_stops_the_copy_and_leaves_no_process_behind(monkeypatch):
    forked = []
    real_fork = os.fork

    def fork():
        pid = real_fork()
        if pid:
            forked.append(pid)
        return pid
    monkeypatch.setattr(os, "fork", fork)

    def run(job):
        time.sleep(0.01)
        return job

    def meanwhile():
        time.sleep(0.2)
        raise KeyboardInterrupt
    with pytest.raises(KeyboardInterrupt):
        parallel.share(list(range(1000)), run, meanwhile=meanwhile)
    assert len(forked) == 1
    with pytest.raises(ChildProcessError):   # killed and reaped: not even a zombie is left
        os.waitpid(forked[0], os.WNOHANG)
