"""examples/python-dqn/dqn_cartpole.py, the plain PyTorch DQN over gymbridge.make_vec, on small
budgets against the Java env-server: train() runs its loop through learning and the target
network updates, the script's command line runs end to end, and bad step counts are refused. Whether
it learns is measured by running it (examples/python-dqn/README.md has the figures), not here."""

from __future__ import annotations

import importlib.util
import math
import sys

import pytest
import torch
from conftest import ROOT

EXAMPLE = ROOT / "examples" / "python-dqn" / "dqn_cartpole.py"


@pytest.fixture(scope="module")
def dqn():
    spec = importlib.util.spec_from_file_location("dqn_cartpole", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    threads = torch.get_num_threads()  # train() sets torch's threads for the whole process
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        del sys.modules[spec.name]
        torch.set_num_threads(threads)


def test_training_runs_updates_and_records_every_episode(dqn, server_address):
    args = dqn.Args(
        address=server_address,
        total_timesteps=3_000,
        learning_starts=1_000,
        log_frequency=0,
        eval_episodes=1,
    )
    result = dqn.train(args)
    assert result.global_step == 3_000
    # Near-random play: CartPole episodes of ~22 steps, +1 reward per step.
    assert len(result.episodes) >= 30, result.episodes
    assert all(ret == length and 1 <= length <= 500 for _, ret, length in result.episodes)
    assert [step for step, _, _ in result.episodes] == sorted(s for s, _, _ in result.episodes)
    # (3000 - 1000) / 4 = 500 gradient steps, the loss kept every 100th.
    assert len(result.td_losses) == 5 and all(math.isfinite(x) for x in result.td_losses)
    assert len(result.eval_returns) == 1 and all(1 <= r <= 500 for r in result.eval_returns)
    print(f"{len(result.episodes)} episodes, {result.seconds:.1f} s, losses {result.td_losses}")


def test_the_command_line_trains_and_prints_its_progress(dqn, server_address, capsys):
    dqn.main(
        ["--address", server_address, "--total-timesteps", "1000", "--learning-starts", "200"]
        + ["--log-frequency", "500", "--eval-episodes", "1"]
    )
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Args(") and "total_timesteps=1000" in lines[0]
    assert [line.split()[1] for line in lines if line.startswith("step ")] == ["500", "1000"]
    assert "mean return of the last 100 episodes" in lines[-2]
    assert "greedy evaluation: mean return" in lines[-1]


def test_step_counts_that_do_not_divide_by_num_envs_are_refused(dqn):
    with pytest.raises(ValueError, match=r"train_frequency=6 must be a multiple of num_envs=4"):
        dqn.Args(num_envs=4, train_frequency=6)
