"""Breakout through Gymnasium's AtariPreprocessing and FrameStackObservation, with their numeric
settings as kwargs named as the Java env-server's Atari pipeline names them (noop_max, frame_skip,
frame_stack): what tests/test_kwarg_bounds_parity.py makes on the Python server beside the Java
server's ``ALE/Breakout-v5`` with ``atari_preprocessing=True``."""

from __future__ import annotations

import ale_py
import gymnasium as gym
from gymnasium.wrappers import AtariPreprocessing, FrameStackObservation

ENV_ID = "GymbridgeTest/BreakoutPipeline-v0"

gym.register_envs(ale_py)


def make_breakout_pipeline(
    noop_max: int = 30, frame_skip: int = 4, frame_stack: int = 0, **kwargs
) -> gym.Env:
    env = gym.make("ALE/Breakout-v5", frameskip=1, **kwargs)
    env = AtariPreprocessing(env, noop_max=noop_max, frame_skip=frame_skip)
    return FrameStackObservation(env, frame_stack) if frame_stack else env


if ENV_ID not in gym.registry:
    gym.register(ENV_ID, entry_point=make_breakout_pipeline)
