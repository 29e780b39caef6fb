"""The forkserver local worker processes are forked from: started before Prefect is imported
(``start_forkserver``), or, for text work, a fork of the command itself (``fork_forkserver``).

Prefect's ``ProcessPoolTaskRunner`` starts each worker with ``spawn``: a fresh interpreter that
imports Prefect and the reading chain and loads the models again, about 3 CPU s a worker before
its first document. Here workers are forked from a ``forkserver`` that did that once.

- PDFs and images: the command does no processing itself, so it starts the forkserver (a fresh
  interpreter that imports ``flows.worker_preload``) as soon as it knows a batch needs a worker
  process, before it imports Prefect itself: the preload runs on the other core while the
  command imports Prefect and starts the flow run.
- Text work (``flows.workers.CommandAndForkedTaskRunner``): the command processes texts too and
  loads the models anyway, so it loads them and imports Prefect first, then forks itself into
  the forkserver, before Prefect or anything else starts a thread (only the dataset's own
  watcher runs; a process with other threads gets a started forkserver instead). The models
  are loaded once, not in the command and again in a forkserver (2.3-3.1 CPU s), and the
  forkserver is ready as the flow starts instead of up to 3.5 s into it.

Each worker holds the pipe by which the forkserver would see the command end, so the workers
watch the command themselves (``flows.tasks.warm_worker``) and the forkserver ends after them.

Nothing here imports Prefect at import time: the command calls ``start_forkserver`` before it
does.
"""
from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import socket
import sys
from multiprocessing import connection, forkserver, resource_tracker, util
from typing import NoReturn

START_METHOD = "forkserver"
PRELOAD = ["flows.worker_preload"]
COMMAND_PID_VARIABLE = "KEHOACH_COMMAND_PID"  # the command a worker exits with
LEGACY_VARIABLE = "KEHOACH_PRELOAD_LEGACY"  # "0": the batch's texts all have their diacritics


def use_preload() -> None:
    """Have the forkserver, when it starts, import ``PRELOAD`` before forking any worker; the
    workers learn the command's pid from the environment the forkserver inherits."""
    os.environ[COMMAND_PID_VARIABLE] = str(os.getpid())
    multiprocessing.get_context(START_METHOD).set_forkserver_preload(PRELOAD)


def start_forkserver(legacy: bool = True) -> None:
    """Start the forkserver and its preload now (it runs while the caller goes on); later
    workers are forked from it. Without ``legacy`` (no text of the batch lacks diacritics) the
    preload leaves out the restoration decoder's warm-up (``pipeline.process.warm_up``); a
    worker that meets such a text after all loads what it needs then. A second call does
    nothing."""
    os.environ[LEGACY_VARIABLE] = "1" if legacy else "0"
    use_preload()
    forkserver.ensure_running()


def preload_legacy() -> bool:
    """In the forkserver: whether its preload warms up the restoration decoder too."""
    return os.environ.get(LEGACY_VARIABLE, "1") != "0"


def fork_forkserver(legacy: bool = True) -> None:
    """Make a fork of this process, once it has loaded what a text needs, the forkserver that
    later workers are forked from; a second call, or a forkserver already running, does
    nothing.

    For text work the command processes texts itself (``flows.workers``), so it loads the
    models anyway: here it loads them (``pipeline.process.warm_up``, the decoder too with
    ``legacy``) and imports the tasks before the flow starts, then forks, so that the models
    are loaded once for the command and every worker and the forkserver is ready as the flow
    starts, instead of a forkserver of its own that imports Prefect and loads them again (2.3-3.1
    CPU s, ready up to 3.5 s into the flow on a loaded machine). It must run before Prefect
    starts its threads (the flow run, the API's client) and before the command holds anything
    a worker must not: the fork keeps only the standard streams, the listening socket and the
    pipe that tells it the command is gone (the dataset's lock file and database are closed in
    it). The fork serves requests with the standard library's own loop
    (``multiprocessing.forkserver.main``), as a started forkserver does; it and its workers
    exit with the command as before (``flows.tasks.warm_worker``). A process where other threads
    run already gets a started forkserver instead (``start_forkserver``).
    """
    import flows.tasks  # noqa: F401  (Prefect and the task definitions the workers run)
    from pipeline.process import warm_up

    if _foreign_threads():  # a process that already ran a flow (a watch's later poll)
        start_forkserver(legacy)
        return
    server = forkserver._forkserver  # the one the "forkserver" context connects to
    with server._lock:  # type: ignore[attr-defined]
        if server._forkserver_pid is not None:  # type: ignore[attr-defined]
            return
        use_preload()
        warm_up(legacy=legacy)
        resource_tracker.ensure_running()  # shared with the workers, as a started server does
        with socket.socket(socket.AF_UNIX) as listener:
            address = connection.arbitrary_address("AF_UNIX")  # type: ignore[attr-defined]
            listener.bind(address)
            if not util.is_abstract_socket_namespace(address):  # type: ignore[attr-defined]
                os.chmod(address, 0o600)
            listener.listen()
            alive_r, alive_w = os.pipe()
            sys.stdout.flush()  # nothing buffered here is written twice
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:  # the forkserver: never returns
                _serve_forks(listener.fileno(), alive_r)
            os.close(alive_r)
        server._forkserver_address = address  # type: ignore[attr-defined]
        server._forkserver_alive_fd = alive_w  # type: ignore[attr-defined]
        server._forkserver_pid = pid  # type: ignore[attr-defined]


def _foreign_threads() -> bool:
    """Whether a thread other than this process's main thread and kehoach's own (the
    dataset's ``kehoach-release``, which never runs in the fork) is running: a lock one of them
    holds would stay held in the fork for ever, so such a process is not forked."""
    import threading

    return any(
        thread is not threading.main_thread() and not thread.name.startswith("kehoach-")
        for thread in threading.enumerate()
    )


def _serve_forks(listener: int, alive_r: int) -> NoReturn:
    """In the fork: keep the few descriptors it needs, freeze the preloaded objects out of
    the garbage collector (``flows.worker_preload`` says why), and serve until the command
    and every worker are gone. Ends with ``os._exit``: the command's exit handlers and
    finalizers are not this process's to run."""
    code = 1
    try:
        keep = {0, 1, 2, listener, alive_r}
        for name in os.listdir("/proc/self/fd"):
            if int(name) not in keep:
                with contextlib.suppress(OSError):
                    os.close(int(name))
        gc.collect()
        gc.freeze()
        forkserver.main(listener, alive_r, [])
        code = 0
    except SystemExit:  # the command and every worker are gone
        code = 0
    except BaseException:
        sys.excepthook(*sys.exc_info())
    finally:
        os._exit(code)
