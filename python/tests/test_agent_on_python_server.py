"""The Java agent against the Python server. CartPole-v1: the DQN trains exactly as against the
Java server (bin/agent train --server <python server>, a short budget, learning judged from the
metrics.csv the run writes). The issue's other envs: bin/agent probe makes, resets and steps them
through the Java client (RemoteSession where the DQN client takes the spaces, else the stub).

Calibration (2-core VM): 40,000 steps with the default preset, seed 1, end at a 100-episode mean
return of ~210 in ~17 s; a random CartPole-v1 policy averages ~22. The test asks the mean of the
last 50 episodes to reach 100 (4.5x random) and to be at least 4x the mean of the first 50 (the
run's own near-random start)."""

from __future__ import annotations

import csv
import json
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOTAL_STEPS = 40_000


def test_the_java_agent_learns_cartpole_served_by_the_python_server(
    python_server_address, tmp_path
):
    out = tmp_path / "run"
    cmd = [
        str(ROOT / "bin" / "agent"),
        "train",
        "--server",
        python_server_address,
        "--env",
        "CartPole-v1",
        "--total-steps",
        str(TOTAL_STEPS),
        "--out",
        str(out),
        "--seed",
        "1",
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, (
        f"bin/agent train failed ({done.returncode}):\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    )
    with open(out / "metrics.csv") as f:
        returns = [float(row["charts/episodic_return"]) for row in csv.DictReader(f)]
    assert len(returns) >= 100, f"only {len(returns)} episodes in {TOTAL_STEPS} steps"
    first, last = sum(returns[:50]) / 50, sum(returns[-50:]) / 50
    print(f"episodes {len(returns)}, mean return first 50 {first:.1f}, last 50 {last:.1f}")
    assert last >= 100.0, f"mean of the last 50 episodes {last:.1f} < 100 (random policy: ~22)"
    assert last >= 4 * first, f"last 50 mean {last:.1f} is not 4x the first 50's {first:.1f}"


# env id -> (the Java client the probe uses, episodes that must end in 300 steps of 2 envs)
PROBED = {
    "Acrobot-v1": ("RemoteSession", 0),  # 500-step limit: random play rarely ends sooner
    "MountainCar-v0": ("RemoteSession", 2),  # 200-step limit: both envs truncate once
    "FrozenLake-v1": ("stub", 10),  # Discrete observations
    "Taxi-v4": ("stub", 2),  # Discrete observations, 200-step limit
    "Blackjack-v1": ("stub", 50),  # Tuple(Discrete, Discrete, Discrete) observations
}


@pytest.mark.parametrize("env_id", sorted(PROBED))
def test_the_java_client_makes_resets_and_steps_python_served_envs(python_server_address, env_id):
    cmd = [
        str(ROOT / "bin" / "agent"),
        "probe",
        "--server",
        python_server_address,
        "--env",
        env_id,
        "--steps",
        "300",
        "--num-envs",
        "2",
        "--seed",
        "3",
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, (
        f"bin/agent probe failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    client, min_episodes = PROBED[env_id]
    assert result["env"] == env_id and result["steps"] == 300
    assert result["client"] == client
    assert result["episodes"] >= min_episodes, result
