"""The server's Atari DQN preprocessing over real gRPC is bit-for-bit the Python pipeline.

Reference: real ale-py 0.12.1 + Gymnasium 1.3.0, ``FrameStackObservation(AtariPreprocessing(
gym.make(id, frameskip=1, ...)), n)``; for the "nature" preset, between them and over Gymnasium's
RecordEpisodeStatistics directly above AtariPreprocessing (where the server puts it: its
``info["episode"]`` "r" and "l" are compared, not "t": wall-clock seconds), the server's
life-loss, fire-reset and reward-clipping options as it documents them: ``EpisodicLifeAsServed``,
``FireResetAsServed`` and ``ClipRewardEnv``, Stable-Baselines3's three wrappers as SB3 2.x has
them (SB3 is not installed here), edited where the server differs on purpose (a seeded reset after
a life loss resets for real; FireReset returns the observation of its last reset when its second
step ends the episode). So this checks the server against its own documented contract, written
over SB3, not against SB3 itself.

Each case makes the same id on both sides, resets both with the same seeds, plays the same random
actions and compares every observation byte, reward, terminated/truncated flag and the info (lives,
frame numbers, seeds). An episode that ends is followed by an unseeded reset on both sides, so noop
counts drawn from the continuing np_random and the sticky-action RNG are compared across episodes;
the next seed reseeds mid-run.
"""

from __future__ import annotations

import ale_py
import gymnasium as gym
import numpy as np
import pytest
from gymnasium.wrappers import AtariPreprocessing, FrameStackObservation, RecordEpisodeStatistics

from support import wire
from support.atari_pair import EnvPair

gym.register_envs(ale_py)

pytestmark = [pytest.mark.filterwarnings("ignore:.*is out of date")]


# --- SB3's Atari wrappers (stable_baselines3/common/atari_wrappers.py), as the server differs


class EpisodicLifeAsServed(gym.Wrapper):
    """A lost life ends the episode for the learner; reset continues the game with a NOOP."""

    def __init__(self, env):
        super().__init__(env)
        self.lives = 0
        self.was_real_done = True

    def step(self, action):
        obs, reward, terminated, truncated, info = self.env.step(action)
        self.was_real_done = terminated or truncated
        lives = self.env.unwrapped.ale.lives()
        if 0 < lives < self.lives:
            terminated = True
        self.lives = lives
        return obs, reward, terminated, truncated, info

    def reset(self, *, seed=None, options=None):
        # SB3 has `if self.was_real_done:`; the server resets for real on a seed, on purpose.
        if self.was_real_done or seed is not None:
            obs, info = self.env.reset(seed=seed, options=options)
        else:
            obs, _, terminated, truncated, info = self.env.step(0)
            if terminated or truncated:
                obs, info = self.env.reset(seed=seed, options=options)
        self.lives = self.env.unwrapped.ale.lives()
        return obs, info


class FireResetAsServed(gym.Wrapper):
    """Presses FIRE (then action 2) after a reset, for games that wait for it."""

    def __init__(self, env):
        super().__init__(env)
        meanings = env.unwrapped.get_action_meanings()
        assert meanings[1] == "FIRE" and len(meanings) >= 3

    def reset(self, *, seed=None, options=None):
        self.env.reset(seed=seed, options=options)
        obs, _, terminated, truncated, _ = self.env.step(1)
        if terminated or truncated:
            self.env.reset(seed=seed, options=options)
        obs, _, terminated, truncated, _ = self.env.step(2)
        if terminated or truncated:
            # SB3 drops this reset's observation and returns the terminal one; the server returns
            # the observation of the env as it is, on purpose (preprocessing/package-info.java).
            obs, _ = self.env.reset(seed=seed, options=options)
        return obs, {}


class ClipRewardEnv(gym.RewardWrapper):
    def reward(self, reward):
        return np.sign(float(reward))


def has_fire(env) -> bool:
    meanings = env.unwrapped.get_action_meanings()
    return len(meanings) >= 3 and meanings[1] == "FIRE"


# --- the cases -----------------------------------------------------------------------------------

NATURE = "nature"


def reference(env_id, env_kwargs, pipe):
    """The Python pipeline for a case: pipe is NATURE or (AtariPreprocessing kwargs, stack, pad)."""
    env = gym.make(env_id, frameskip=1, **env_kwargs)
    if pipe == NATURE:
        # Statistics beneath life loss and clipping: whole games, unclipped (AtariPipeline's doc).
        env = EpisodicLifeAsServed(RecordEpisodeStatistics(AtariPreprocessing(env)))
        if has_fire(env):
            env = FireResetAsServed(env)
        return FrameStackObservation(ClipRewardEnv(env), 4)
    ap, stack, padding = pipe
    return FrameStackObservation(AtariPreprocessing(env, **ap), stack, padding_type=padding)


def server_kwargs(env_kwargs, pipe):
    """The Make kwargs of a case. The preset needs no frameskip: it sets 1 on its own."""
    if pipe == NATURE:
        return {**env_kwargs, "preprocessing": NATURE}
    ap, stack, padding = pipe
    return {
        **env_kwargs,
        "frameskip": 1,
        "atari_preprocessing": True,
        **ap,
        "frame_stack": stack,
        "stack_padding": padding,
    }


NO_STICKY = {"repeat_action_probability": 0.0}
CASES = [
    # id, env kwargs (both sides), pipeline, seeds, steps per seed, must an episode end?
    ("ALE/Breakout-v5", NO_STICKY, ({}, 4, "reset"), [0, 1], 300, True),
    (
        "ALE/Breakout-v5",
        NO_STICKY,
        ({"terminal_on_life_loss": True}, 4, "reset"),
        [2, 3],
        150,
        True,
    ),
    (
        "ALE/Pong-v5",
        {**NO_STICKY, "max_num_frames_per_episode": 1202},
        ({}, 4, "reset"),
        [4],
        400,
        True,
    ),
    (
        "ALE/SpaceInvaders-v5",
        NO_STICKY,
        ({"terminal_on_life_loss": True}, 4, "reset"),
        [5, 6],
        200,
        True,
    ),
    (
        "ALE/Seaquest-v5",
        {**NO_STICKY, "max_num_frames_per_episode": 801},
        ({"noop_max": 10}, 4, "zero"),
        [7],
        300,
        True,
    ),
    ("ALE/MsPacman-v5", NO_STICKY, ({"terminal_on_life_loss": False}, 4, "reset"), [8], 250, False),
    # sticky actions (v5's 0.25) beneath the preprocessing
    ("ALE/Breakout-v5", {}, ({}, 4, "reset"), [9, 10], 250, True),
    ("ALE/Asterix-v5", {}, ({"terminal_on_life_loss": True}, 4, "reset"), [11], 200, True),
    # the nature preset: episodic life, fire reset (where action 1 is FIRE), clipped rewards
    ("ALE/Breakout-v5", {}, NATURE, [12, 13], 300, True),
    ("ALE/Pong-v5", {**NO_STICKY, "max_num_frames_per_episode": 1002}, NATURE, [14], 300, True),
    ("ALE/SpaceInvaders-v5", {}, NATURE, [15], 250, True),
    ("ALE/MsPacman-v5", NO_STICKY, NATURE, [16], 250, True),
]


# Nature cases whose random play reaches the game over (Breakout: 3 in 600 steps) or the frame
# limit (Pong, truncated), so RecordEpisodeStatistics' info["episode"] is compared; SpaceInvaders'
# and MsPacman's games outlast their steps (their learner episodes end at lost lives).
GAMES_THAT_END = {"ALE/Breakout-v5", "ALE/Pong-v5"}


def gym_info(info: dict) -> dict:
    """What support.atari_pair.info_of makes of the server's info for the same step."""

    def plain(k, v):
        if k == "episode":
            return {"r": float(v["r"]), "l": int(v["l"])}
        if isinstance(v, (tuple, list, np.ndarray)):
            return tuple(int(x) for x in v)
        return int(v)

    return {k: plain(k, v) for k, v in info.items()}


def make_pair(client, env_id, env_kwargs, pipe) -> EnvPair:
    """Gymnasium's pipeline and the server's, for the same id and options."""
    case = f"{env_id} {env_kwargs} {pipe}"
    reference_env = reference(env_id, env_kwargs, pipe)
    made = client.make(env_id, kwargs=server_kwargs(env_kwargs, pipe))
    box = made.spec.observation_space.box
    assert tuple(box.shape) == reference_env.observation_space.shape, case
    return EnvPair(case, reference_env, client, made.session_id, gym_info)


@pytest.mark.parametrize(
    "env_id,env_kwargs,pipe,seeds,steps,must_end",
    CASES,
    ids=[f"{c[0]}-{c[2] if c[2] == NATURE else c[2][0]}-{c[1]}" for c in CASES],
)
def test_matches_gymnasium_pipeline(client, env_id, env_kwargs, pipe, seeds, steps, must_end):
    pair = make_pair(client, env_id, env_kwargs, pipe)
    ended = pair.play(seeds, steps, rng_base=2000)
    if must_end:
        assert ended > 0, f"no episode of {pair.case} ended: the case checks no episode end"
    if pipe == NATURE and env_id in GAMES_THAT_END:
        assert pair.episode_reports > 0, f"{pair.case}: no info['episode'] was compared"


def test_the_nature_spec_shows_the_expanded_preset_and_frameskip_1(client):
    made = client.make("ALE/Breakout-v5", kwargs={"preprocessing": NATURE})
    try:
        kw = made.spec.kwargs
        assert kw["frameskip"].int_value == 1
        assert kw["atari_preprocessing"].bool_value and kw["episodic_life"].bool_value
        assert kw["fire_reset"].bool_value and kw["clip_reward"].bool_value
        assert kw["record_episode_statistics"].bool_value
        assert kw["frame_stack"].int_value == 4 and kw["noop_max"].int_value == 30
        box = made.spec.observation_space.box
        assert tuple(box.shape) == (4, 84, 84)
        assert wire.to_numpy(box.high).dtype == np.uint8
    finally:
        client.close(made.session_id)
