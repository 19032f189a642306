"""A Gymnasium env and a gymbridge session of one env, stepped side by side and compared at every
call: observation bytes and dtype, reward, both flags and the info. The Atari parity tests use
it."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from support import wire


def info_of(infos) -> dict:
    """Env 0's info of a response as plain ints and int tuples; {} when the server sent none.

    RecordEpisodeStatistics' ``info["episode"]`` becomes ``{"r": float, "l": int}``: its "t" is
    wall-clock seconds, which no two runs agree on."""
    if not infos:
        return {}
    out = {}
    for k, v in infos[0].entries.items():
        kind = v.WhichOneof("kind")
        if kind == "list":
            out[k] = tuple(item.int_value for item in v.list.items)
        elif kind == "map" and k == "episode":
            e = v.map.entries
            out[k] = {"r": e["r"].float_value, "l": e["l"].int_value}
        else:
            out[k] = v.int_value
    return out


class EnvPair:
    """`gym_info` turns Gymnasium's info dict into what `info_of` gives for the same step."""

    def __init__(
        self,
        case: str,
        gym_env,
        client: wire.Client,
        session: str,
        gym_info: Callable[[dict], dict],
    ):
        self.case = case
        self.gym = gym_env
        self.client = client
        self.session = session
        self.gym_info = gym_info
        self.where = "start"
        self.episode_reports = 0  # steps whose info had RecordEpisodeStatistics' "episode"

    def check(self, what, java, expected):
        if what == "obs":
            if java.dtype != expected.dtype or not np.array_equal(java, expected):
                diff = np.argwhere(java != expected)
                pytest.fail(
                    f"{self.case} at {self.where}: observations differ at {len(diff)} "
                    f"positions, first {diff[:3].tolist()}",
                    pytrace=False,
                )
        elif java != expected:
            pytest.fail(
                f"{self.case} at {self.where}: {what} java={java!r} gym={expected!r}", pytrace=False
            )

    def reset(self, seed):
        self.where = f"reset(seed={seed})"
        obs, info = self.gym.reset(seed=seed)
        r = self.client.reset(self.session, seed=seed)
        self.check("obs", wire.observation(r.observation)[0], obs)
        self.check("info", info_of(r.infos), self.gym_info(info))

    def step(self, action, k) -> bool:
        """Steps both; returns whether the episode ended."""
        self.where = f"step {k} (action {action})"
        obs, reward, terminated, truncated, info = self.gym.step(action)
        r = self.client.step(self.session, [action])
        self.check("obs", wire.observation(r.observation)[0], obs)
        self.check("reward", r.rewards[0], float(reward))
        self.check("terminated", r.terminated[0], bool(terminated))
        self.check("truncated", r.truncated[0], bool(truncated))
        self.check("info", info_of(r.infos), self.gym_info(info))
        self.episode_reports += "episode" in info
        return terminated or truncated

    def play(self, seeds, steps: int, rng_base: int) -> int:
        """Plays each seed for `steps` random actions (drawn from default_rng(rng_base + seed)),
        resetting after each episode end, then closes both; returns how many episodes ended."""
        ended = 0
        try:
            for seed in seeds:
                self.reset(seed)
                rng = np.random.default_rng(rng_base + seed)
                n = self.gym.action_space.n
                for k in range(steps):
                    if self.step(int(rng.integers(n)), k):
                        ended += 1
                        self.reset(None)
        finally:
            self.close()
        return ended

    def close(self):
        self.gym.close()
        self.client.close(self.session)
