"""A Gymnasium-side DQN Atari env for the Python server (`--import support.dqn_atari`): Breakout
through Gymnasium's own AtariPreprocessing, RecordEpisodeStatistics and FrameStackObservation(4),
so the Java agent can be tested against a server that is not ours: uint8 [4, 84, 84] stacks built
by Gymnasium, and info["episode"] records encoded by the Python codec."""

from __future__ import annotations

import ale_py
import gymnasium as gym
from gymnasium.wrappers import AtariPreprocessing, FrameStackObservation, RecordEpisodeStatistics

ENV_ID = "GymbridgeTest/BreakoutDQN-v0"

gym.register_envs(ale_py)


def make_breakout_dqn(**kwargs) -> gym.Env:
    env = gym.make("ALE/Breakout-v5", frameskip=1, **kwargs)
    env = AtariPreprocessing(env)  # 1..30 noops, skip 4 with max-pool, 84x84 gray
    env = RecordEpisodeStatistics(env)
    return FrameStackObservation(env, 4)


if ENV_ID not in gym.registry:
    gym.register(ENV_ID, entry_point=make_breakout_dqn)
