#!/usr/bin/env python3
"""Writes the fixture that WrapperParityTest replays: real Gymnasium 1.3.0 AtariPreprocessing and
FrameStackObservation over a fake Atari env, so the Java wrappers are checked against Gymnasium's
own code, not against a reading of it.

The fake env is the Python twin of the Java test double FakeAtari (same hashed screens, lives,
rewards and episode ends, np_random seeded by gymnasium.Env.reset), exposing what the wrappers
read: ``unwrapped.ale`` (lives, getScreenGrayscale, getScreenRGB), ``_frameskip``, ``np_random``
and ``get_action_meanings``. Each scenario runs seeded random actions through the wrappers,
resetting (unseeded) whenever an episode ends, and records every reset and step: reward, flags,
the info's lives / episode_frame_number / frame_number, and a SHA-256 of the observation bytes.

    /tmp/venv-pre/bin/pip install numpy gymnasium==1.3.0 opencv-python-headless==4.14.0.94
    /tmp/venv-pre/bin/python python/tools/gen_wrapper_parity_fixture.py
"""

from __future__ import annotations

import hashlib
import pathlib

import cv2
import gymnasium as gym
import numpy as np
from gymnasium.wrappers import AtariPreprocessing, FrameStackObservation

OUT = (
    pathlib.Path(__file__).resolve().parents[2]
    / "env-server/src/test/resources/io/gymbridge/atari/preprocessing/wrapper-parity.tsv"
)
M64 = (1 << 64) - 1


def mix(z: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser on uint64 arrays (wrapping, as Java's long arithmetic)."""
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


class FakeAle:
    def __init__(self, env: FakeAtari):
        self.env = env

    def lives(self) -> int:
        return self.env.lives_

    def getScreenGrayscale(self, buf: np.ndarray) -> None:  # noqa: N802 (ALE's name)
        buf[...] = self.env.gray().reshape(buf.shape)

    def getScreenRGB(self, buf: np.ndarray) -> None:  # noqa: N802
        buf[...] = self.env.rgb().reshape(buf.shape)


class FakeAtari(gym.Env):
    """FakeAtari.java in Python: step t of an episode pays (t % 5) - 1."""

    def __init__(self, h, w, start_lives, life_loss, life_gain, terminate_at, truncate_at):
        self.h, self.w = h, w
        self.start_lives = start_lives
        self.life_loss, self.life_gain = set(life_loss), set(life_gain)
        self.terminate_at, self.truncate_at = terminate_at, truncate_at
        self.observation_space = gym.spaces.Box(0, 255, (h, w, 3), np.uint8)
        self.action_space = gym.spaces.Discrete(4)
        self._frameskip = 1
        self.ale = FakeAle(self)
        self.screen_id = -1
        self.t = 0
        self.lives_ = 0
        self.frame_number = 0
        self._gray_index = np.arange(h * w, dtype=np.uint64)
        self._rgb_index = np.arange(h * w * 3, dtype=np.uint64)

    def get_action_meanings(self):
        return ["NOOP", "FIRE", "RIGHT", "LEFT"]

    def gray(self) -> np.ndarray:
        base = np.uint64((self.screen_id * 0x9E3779B97F4A7C15) & M64)
        return (mix(base + self._gray_index) & np.uint64(0xFF)).astype(np.uint8)

    def rgb(self) -> np.ndarray:
        base = np.uint64(((~self.screen_id & M64) * 0xBF58476D1CE4E5B9) & M64)
        return (mix(base + self._rgb_index) & np.uint64(0xFF)).astype(np.uint8)

    def _obs(self):
        return self.rgb().reshape(self.h, self.w, 3)

    def _info(self):
        return {
            "lives": self.lives_,
            "episode_frame_number": self.t,
            "frame_number": self.frame_number,
        }

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        self.screen_id += 1
        self.t = 0
        self.lives_ = self.start_lives
        return self._obs(), self._info()

    def step(self, action):
        self.screen_id += 1
        self.frame_number += 1
        self.t += 1
        if self.t in self.life_loss:
            self.lives_ -= 1
        if self.t in self.life_gain:
            self.lives_ += 1
        terminated = self.lives_ == 0 or self.t == self.terminate_at
        truncated = self.t == self.truncate_at
        return self._obs(), float((self.t % 5) - 1), terminated, truncated, self._info()


# name: fake env settings, AtariPreprocessing kwargs, stack (size, padding) or None, seeds, steps
SCENARIOS = {
    "defaults-stack4": (
        dict(start_lives=3, life_loss=[9, 23, 41], life_gain=[], terminate_at=0, truncate_at=0),
        dict(),
        (4, "reset"),
        [0, 1, 2],
        60,
    ),
    "life-loss-terminal": (
        dict(start_lives=3, life_loss=[33, 47, 58], life_gain=[38], terminate_at=0, truncate_at=0),
        dict(terminal_on_life_loss=True),
        (4, "reset"),
        [3, 4],
        60,
    ),
    "noops-end-episodes": (
        dict(start_lives=3, life_loss=[], life_gain=[], terminate_at=7, truncate_at=0),
        dict(noop_max=30),
        (4, "zero"),
        [5, 6, 7, 8],
        20,
    ),
    "skip3-64x48-zero-truncate": (
        dict(start_lives=2, life_loss=[50], life_gain=[], terminate_at=0, truncate_at=61),
        dict(frame_skip=3, screen_size=(64, 48), noop_max=10),
        (3, "zero"),
        [9, 10],
        60,
    ),
    "rgb-stack2": (
        dict(start_lives=1, life_loss=[38], life_gain=[], terminate_at=0, truncate_at=0),
        dict(grayscale_obs=False),
        (2, "reset"),
        [11],
        30,
    ),
    "scale-newaxis-skip1": (
        dict(start_lives=3, life_loss=[], life_gain=[], terminate_at=45, truncate_at=0),
        dict(frame_skip=1, grayscale_newaxis=True, scale_obs=True, noop_max=5),
        None,
        [12],
        40,
    ),
}


def flat(v) -> str:
    """A setting as the Java test parses it: ints, true/false, words, comma-separated lists."""
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, (list, tuple)):
        return ",".join(str(x) for x in v)
    return str(v)


def main() -> None:
    lines = [
        "# Gymnasium "
        + gym.__version__
        + ", cv2 "
        + cv2.__version__
        + ": scenario lines, then event lines (see WrapperParityTest)",
    ]
    for name, (fake_kw, pre_kw, stack, seeds, steps) in SCENARIOS.items():
        settings = {**fake_kw, **pre_kw}
        if stack is not None:
            settings["stack"], settings["padding"] = stack
        lines.append(
            "\t".join(["scenario", name] + [f"{k}={flat(v)}" for k, v in settings.items()])
        )
        for seed in seeds:
            env = AtariPreprocessing(FakeAtari(210, 160, **fake_kw), **pre_kw)
            if stack is not None:
                env = FrameStackObservation(env, stack[0], padding_type=stack[1])
            actions = np.random.default_rng(1000 + seed)

            def record(kind, arg, obs, reward, terminated, truncated, info):
                digest = hashlib.sha256(np.ascontiguousarray(obs).tobytes()).hexdigest()[:32]
                lines.append(
                    "\t".join(
                        str(x)
                        for x in [
                            kind,
                            arg,
                            repr(float(reward)),
                            int(terminated),
                            int(truncated),
                            info["lives"],
                            info["episode_frame_number"],
                            info["frame_number"],
                            digest,
                        ]
                    )
                )

            obs, info = env.reset(seed=seed)
            record("reset", seed, obs, 0.0, False, False, info)
            for _ in range(steps):
                a = int(actions.integers(0, 4))
                obs, reward, terminated, truncated, info = env.step(a)
                record("step", a, obs, reward, terminated, truncated, info)
                if terminated or truncated:
                    obs, info = env.reset()
                    record("reset", "None", obs, 0.0, False, False, info)
    OUT.write_text("\n".join(lines) + "\n")
    print(f"wrote {len(lines)} lines to {OUT}")


if __name__ == "__main__":
    main()
