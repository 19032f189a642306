"""The Java Atari envs over a real gRPC socket are bit-for-bit ale-py 0.12.1 + Gymnasium 1.3.0.

Each case makes the same id with the same kwargs on both sides, resets both with the same seeds,
plays the same random actions (from a numpy Generator seeded per case and seed) with sticky actions
as the id has them, and compares every observation byte, reward, terminated/truncated flag and the
info (lives, episode_frame_number, frame_number, and the seeds of a seeded reset). Episodes that end
are followed by an unseeded reset on both sides, so RNGs that continue across episodes are compared
too; the next seed then reloads the game mid-run.
"""

from __future__ import annotations

import ale_py
import gymnasium as gym
import numpy as np
import pytest

from gymbridge.v1 import env_service_pb2 as pb

from support import wire
from support.atari_pair import EnvPair

gym.register_envs(ale_py)

pytestmark = [pytest.mark.filterwarnings("ignore:.*is out of date")]

INFO_KEYS = ("lives", "episode_frame_number", "frame_number")


def gym_info(info: dict) -> dict:
    out = {k: int(info[k]) for k in INFO_KEYS}
    if "seeds" in info:
        out["seeds"] = tuple(int(s) for s in info["seeds"])
    return out


def make_pair(client: wire.Client, env_id: str, kwargs: dict) -> EnvPair:
    """The same id and kwargs in Gymnasium and on the server."""
    return EnvPair(
        f"{env_id} {kwargs}",
        gym.make(env_id, **kwargs),
        client,
        client.make(env_id, kwargs=kwargs).session_id,
        gym_info,
    )


CASES = [
    # id, kwargs, seeds, steps per seed, must some episode end?
    ("ALE/Breakout-v5", {}, [0, 1, 2], 350, True),
    ("ALE/Pong-v5", {"max_num_frames_per_episode": 600}, [3, 4], 300, True),
    ("ALE/SpaceInvaders-v5", {}, [5, 6], 300, False),
    ("ALE/Seaquest-v5", {}, [7, 8], 300, False),
    ("ALE/Breakout-v5", {"obs_type": "grayscale"}, [9, 10], 300, True),
    ("ALE/Pong-v5", {"obs_type": "ram"}, [11], 300, False),
    ("ALE/MsPacman-v5", {"full_action_space": True, "obs_type": "ram"}, [12], 300, False),
    ("BreakoutNoFrameskip-v4", {}, [13], 600, False),
    ("Breakout-v0", {}, [14, 15], 300, True),
    (
        "ALE/Seaquest-v5",
        {"max_num_frames_per_episode": 401, "obs_type": "grayscale"},
        [16],
        250,
        True,
    ),
]


@pytest.mark.parametrize(
    "env_id,kwargs,seeds,steps,must_end", CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES]
)
def test_matches_ale_py(client, env_id, kwargs, seeds, steps, must_end):
    ended = make_pair(client, env_id, kwargs).play(seeds, steps, rng_base=1000)
    if must_end:
        assert ended > 0, f"no episode of {env_id} {kwargs} ended: the case checks no episode end"


def test_a_parallel_vector_session_matches_one_gymnasium_env_per_slot(client):
    """num_envs=4 with NEXT_STEP autoreset (stepped on the server's pool) vs 4 seeded envs."""
    n, seed = 4, 40
    envs = [gym.make("ALE/Breakout-v5") for _ in range(n)]
    session = client.make(
        "ALE/Breakout-v5", num_envs=n, autoreset_mode=pb.AUTORESET_MODE_NEXT_STEP
    ).session_id
    try:
        r = client.reset(session, seed=seed)
        java = wire.observation(r.observation)
        for i, env in enumerate(envs):
            obs, _ = env.reset(seed=seed + i)
            assert np.array_equal(java[i], obs), f"env {i} after reset"
        rng = np.random.default_rng(7)
        pending = [False] * n
        ends = 0
        for k in range(300):
            actions = rng.integers(4, size=n)
            s = client.step(session, actions)
            java = wire.observation(s.observation)
            for i, env in enumerate(envs):
                if pending[i]:
                    obs, _ = env.reset()
                    reward, terminated, truncated = 0.0, False, False
                else:
                    obs, reward, terminated, truncated, _ = env.step(int(actions[i]))
                assert np.array_equal(java[i], obs), f"env {i} step {k}"
                assert (s.rewards[i], s.terminated[i], s.truncated[i]) == (
                    float(reward),
                    bool(terminated),
                    bool(truncated),
                ), f"env {i} step {k}"
                pending[i] = terminated or truncated
                ends += pending[i]
        assert ends > 0
    finally:
        client.close(session)
        for env in envs:
            env.close()
