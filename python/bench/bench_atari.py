"""Atari agent steps/s in-process in Python, the reference figures beside bin/bench-atari's Java
ones over gRPC: ale-py's C++ AtariVectorEnv(N) and Gymnasium's DQN pipeline on one env, both with
the pipeline our server runs (30 noops, frame skip 4 with max-pool, 84x84 grayscale, stack of 4,
sticky actions 0.25) and random actions.

    .venv/bin/python python/bench/bench_atari.py [--game breakout] [--num-envs 8] [--seconds 10]
"""

import argparse
import os
import time

import ale_py
import gymnasium as gym
import numpy as np
from ale_py.vector_env import AtariVectorEnv

gym.register_envs(ale_py)


def steps_per_second(step, seconds, warmup_seconds):
    """Calls step() for warmup_seconds, then counts calls for seconds; returns calls/s."""
    end = time.perf_counter() + warmup_seconds
    while time.perf_counter() < end:
        step()
    count, start = 0, time.perf_counter()
    end = start + seconds
    while True:
        for _ in range(16):
            step()
        count += 16
        now = time.perf_counter()
        if now >= end:
            return count / (now - start)


def vector_env(game, num_envs, seconds, warmup):
    # ale-py's defaults besides these add reward clipping and fire-on-reset: no measurable cost.
    envs = AtariVectorEnv(game, num_envs, repeat_action_probability=0.25)
    envs.reset(seed=0)
    rng = np.random.default_rng(0)
    n_actions = envs.single_action_space.n

    def step():
        envs.step(rng.integers(0, n_actions, size=num_envs))

    try:
        return num_envs * steps_per_second(step, seconds, warmup)
    finally:
        envs.close()


def gymnasium_pipeline(env_id, seconds, warmup):
    env = gym.wrappers.FrameStackObservation(
        gym.wrappers.AtariPreprocessing(gym.make(env_id, frameskip=1)), 4
    )
    env.reset(seed=0)
    rng = np.random.default_rng(0)
    n_actions = env.action_space.n

    def step():
        _, _, terminated, truncated, _ = env.step(int(rng.integers(0, n_actions)))
        if terminated or truncated:
            env.reset()

    try:
        return steps_per_second(step, seconds, warmup)
    finally:
        env.close()


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--game", default="breakout", help="ale-py ROM id (default: breakout)")
    p.add_argument("--num-envs", type=int, default=8)
    p.add_argument("--seconds", type=float, default=10)
    p.add_argument("--warmup-seconds", type=float, default=3)
    a = p.parse_args()
    env_id = "ALE/" + "".join(w.capitalize() for w in a.game.split("_")) + "-v5"
    print(f"{env_id} in Python, {a.num_envs} envs, {os.cpu_count()} cores")
    print(f"{'path':<40} {'agent steps/s':>14}")
    v = vector_env(a.game, a.num_envs, a.seconds, a.warmup_seconds)
    print(f"{f'ale-py AtariVectorEnv({a.num_envs}), C++ threads':<40} {v:>14,.0f}")
    g = gymnasium_pipeline(env_id, a.seconds, a.warmup_seconds)
    print(f"{'Gymnasium pipeline, 1 env':<40} {g:>14,.0f}")


if __name__ == "__main__":
    main()
