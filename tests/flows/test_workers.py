"""flows.workers: the one private piece of Prefect it uses, checked so that a Prefect upgrade
that changes it fails here, loudly, instead of in a batch; and how the command-and-fork runner
shares tasks out."""

from __future__ import annotations

import ast
import inspect
import pickle
import textwrap
from collections.abc import Callable
from typing import Any

import flows  # noqa: F401  (kehoach's Prefect defaults, before Prefect is imported)


def _assigned(method: Callable[..., Any]) -> set[str]:
    """The attributes ``self.X`` a method assigns."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(method)))
    return {
        node.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.ctx, ast.Store)
        and isinstance(node.value, ast.Name)
        and node.value.id == "self"
    }


def test_prefects_process_pool_still_offers_no_start_method() -> None:
    from prefect.task_runners import ProcessPoolTaskRunner

    source = inspect.getsource(ProcessPoolTaskRunner.__enter__)
    assert 'get_context("spawn")' in source, (
        "Prefect's process pool no longer hard-codes spawn: give it the forkserver's context "
        "and drop ForkedProcessPoolTaskRunner.__enter__ (flows/workers.py)"
    )
    parameters = inspect.signature(ProcessPoolTaskRunner.__init__).parameters
    assert not {"mp_context", "context", "start_method"} & set(parameters), (
        "Prefect's process pool takes a start method now: use it (flows/workers.py)"
    )


def test_the_private_initializer_kehoach_uses_is_as_it_was() -> None:
    from flows.workers import prefect_pool_initializer

    parameters = list(inspect.signature(prefect_pool_initializer()).parameters)

    assert parameters == ["message_queue", "initializer", "initargs"]


def test_the_forked_pool_sets_up_what_prefects_own_does() -> None:
    from prefect.task_runners import ProcessPoolTaskRunner

    from flows.workers import ForkedProcessPoolTaskRunner

    prefects = _assigned(ProcessPoolTaskRunner.__enter__)
    ours = _assigned(ForkedProcessPoolTaskRunner.__enter__)

    expected = {
        "_subprocess_message_queue",
        "_message_forwarding_thread",
        "_executor",
        "_resolver_executor",
    }
    assert prefects == ours == expected


def test_the_command_and_fork_runner_travels_as_its_settings() -> None:
    from flows.workers import CommandAndForkedTaskRunner

    with CommandAndForkedTaskRunner(max_workers=3) as runner:
        copy = pickle.loads(pickle.dumps(runner))

    assert copy._max_workers == 3 and copy._sides is None and not copy._started


class _Done:
    """A finished task's future, as the runner's bookkeeping sees it."""


def test_the_command_takes_a_task_only_when_it_has_none() -> None:
    from flows.workers import CommandAndForkedTaskRunner

    runner = CommandAndForkedTaskRunner(max_workers=3)  # the command's thread and two forks

    assert [runner._choose() for _ in range(4)] == [0, 1, 1, 1]
    runner._done(1, _Done())
    assert runner._choose() == 1  # a fork finished: the command is still busy
    runner._done(0, _Done())
    assert runner._choose() == 0  # the command finished its task: the next is its
