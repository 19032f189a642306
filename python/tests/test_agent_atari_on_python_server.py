"""The Java agent trains from pixels against the Python server serving Gymnasium's own DQN Atari
pipeline (support/dqn_atari.py: AtariPreprocessing, RecordEpisodeStatistics, FrameStackObservation
built by Gymnasium, not by our env-server): the agent's frames-once replay accepts Gymnasium's
stacks (it checks every step that the next stack is the current one shifted by a frame) and its
metrics come from the info["episode"] records the Python codec sends. A short budget: this proves
the path, not the learning (bin/agent's Atari learning runs are benchmarks)."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, START_TIMEOUT_S, _free_port, _stop, _wait_serving

ENV_ID = "GymbridgeTest/BreakoutDQN-v0"
TESTS = Path(__file__).resolve().parent


@pytest.fixture(scope="module")
def dqn_atari_server(tmp_path_factory) -> str:
    port = _free_port()
    address = f"127.0.0.1:{port}"
    log = tmp_path_factory.mktemp("python-atari-server") / "stderr.log"
    cmd = [
        sys.executable,
        "-m",
        "gymbridge.serve",
        "--port",
        str(port),
        "--import",
        "support.dqn_atari",
        "--env",
        ENV_ID,
    ]
    with open(log, "wb") as err:
        proc = subprocess.Popen(cmd, cwd=TESTS, stdin=subprocess.DEVNULL, stdout=err, stderr=err)
    try:
        _wait_serving(address, START_TIMEOUT_S, proc, log, what="python server")
        yield address
    finally:
        _stop(proc)


def test_the_java_agent_trains_on_gymnasiums_atari_stacks(dqn_atari_server, tmp_path):
    out = tmp_path / "run"
    cmd = [
        str(ROOT / "bin" / "agent"),
        "train",
        "--server",
        dqn_atari_server,
        "--env",
        ENV_ID,
        "--preset",
        "atari-fast",
        "--set",
        "envKwargs={}",
        "--num-envs",
        "2",
        "--total-steps",
        "1600",
        "--set",
        "learningStarts=400",
        "--set",
        "bufferSize=20000",
        "--set",
        "checkpointInterval=0",
        "--out",
        str(out),
        "--seed",
        "3",
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, (
        f"bin/agent train failed ({done.returncode}):\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    )
    with open(out / "metrics.csv") as f:
        rows = list(csv.DictReader(f))
    # Random-ish Breakout games last ~150-300 agent steps: 800 steps per env end several.
    assert len(rows) >= 2, (
        f"only {len(rows)} games reported from info['episode']:\n{done.stdout[-2000:]}"
    )
    for row in rows:
        score = float(row["charts/episodic_return"])
        assert score >= 0 and score == int(score), row  # raw Breakout points
        assert int(row["charts/episodic_length"]) > 0, row
