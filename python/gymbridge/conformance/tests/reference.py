"""What the kit compares a server's answers with, so that no check only asks a server to agree
with itself.

For an env id that Gymnasium registers in the kit's own Python (CartPole-v1, Acrobot-v1,
FrozenLake-v1, Blackjack-v1, ...), the reference is Gymnasium: the same seeds and actions must
give the same observations, rewards and flags, bit for bit, since the contract's seeding, time
limits and autoreset are Gymnasium's. For any other env the reference is the server itself,
reached another way: a one-env session in AUTORESET_MODE_DISABLED, seeded and reset explicitly,
stands in for each env of the session under test; the checks that need to tell one seed's episode
from another's then ask the env to have episodes that depend on their seed, and say so when it has
not.

Both kinds of reference env have the same three methods, reset(seed) -> Obs and step(action) ->
Transition, and the checks emulate the contract's autoreset modes over them.
"""

from __future__ import annotations

import os
import warnings
from typing import Any, NamedTuple

import gymnasium as gym
import numpy as np

from gymbridge import codec
from gymbridge.v1 import env_service_pb2 as pb

OFF = "none"  # GYMBRIDGE_CONFORMANCE_REFERENCE=none (--no-reference): never use Gymnasium


class Obs:
    """One env's observation, compared bit for bit (dtype, shape and bytes of every part)."""

    __slots__ = ("value", "key")

    def __init__(self, space: gym.Space, value: Any):
        self.value = value
        self.key = _key(codec.batch_of(space, [value]))

    def __eq__(self, other):
        return isinstance(other, Obs) and self.key == other.key

    def __hash__(self):
        return hash(self.key)

    def __repr__(self):
        shown = repr(plain(self.value))
        return shown if len(shown) <= 160 else shown[:157] + "..."


class Transition(NamedTuple):
    obs: Obs
    reward: float
    terminated: bool
    truncated: bool

    @property
    def ended(self) -> bool:
        return self.terminated or self.truncated


def _key(batch) -> Any:
    if isinstance(batch, dict):
        return tuple((k, _key(batch[k])) for k in sorted(batch))
    if isinstance(batch, tuple):
        return tuple(_key(b) for b in batch)
    a = np.asarray(batch)
    return a.dtype.str, a.shape, a.tobytes()


def plain(x):
    if isinstance(x, dict):
        return {k: plain(v) for k, v in x.items()}
    if isinstance(x, tuple):
        return tuple(plain(v) for v in x)
    return np.asarray(x).tolist()


def observations(space: gym.Space, value, n: int) -> list[Obs]:
    """The n envs' observations in a batched Value (decoded with the declared space's dtype)."""
    batch = codec.decode_batch(space, value, n, "observation")
    return [Obs(space, codec.element(space, batch, i)) for i in range(n)]


def transitions(space: gym.Space, resp: pb.StepResponse, n: int) -> list[Transition]:
    obs = observations(space, resp.observation, n)
    return [
        Transition(
            obs[i], float(resp.rewards[i]), bool(resp.terminated[i]), bool(resp.truncated[i])
        )
        for i in range(n)
    ]


class Reference:
    """The env under test as Gymnasium makes it in the kit's Python."""

    def __init__(self, env_id: str):
        self.env_id = env_id

    def make(self, max_episode_steps: int | None = None) -> gym.Env:
        return gym.make(self.env_id, max_episode_steps=max_episode_steps, disable_env_checker=True)


def find_reference(env_id: str) -> tuple[Reference | None, str]:
    """Gymnasium's env for env_id, or None; and a line saying which, or why none."""
    if os.environ.get("GYMBRIDGE_CONFORMANCE_REFERENCE", "") == OFF:
        return None, "none (--no-reference)"
    if env_id not in gym.registry:
        return None, f"none ({env_id} is not registered with Gymnasium {gym.__version__} here)"
    try:
        gym.make(env_id, disable_env_checker=True).close()
    except Exception as e:  # noqa: BLE001 - any failure only means there is no reference
        return None, f"none (Gymnasium cannot make {env_id} here: {type(e).__name__}: {e})"
    return Reference(env_id), f"Gymnasium {gym.__version__}'s {env_id}"


class LocalEnv:
    """One env of the reference: Gymnasium's, made here."""

    def __init__(self, reference: Reference, obs_space: gym.Space, max_episode_steps=None):
        self.env = reference.make(max_episode_steps)
        self.space = obs_space  # the server's declared space: observations compare in its dtype

    def reset(self, seed: int | None = None) -> Obs:
        obs, _ = self.env.reset(seed=seed)
        return Obs(self.space, obs)

    def step(self, action) -> Transition:
        with warnings.catch_warnings():  # stepping an ended env warns, as it may
            warnings.simplefilter("ignore")
            obs, reward, term, trunc, _ = self.env.step(action)
        return Transition(Obs(self.space, obs), float(reward), bool(term), bool(trunc))

    def close(self):
        self.env.close()


class SessionEnv:
    """One env of the reference when Gymnasium has none: a one-env session of the server under
    test in AUTORESET_MODE_DISABLED, reset and seeded only when asked."""

    def __init__(self, raw, max_episode_steps: int | None = None):
        fields = {} if max_episode_steps is None else {"max_episode_steps": max_episode_steps}
        self.raw = raw
        self.made = raw.make(mode=pb.AUTORESET_MODE_DISABLED, **fields)
        self.space = codec.to_space(self.made.spec.observation_space)
        self.act_space = codec.to_space(self.made.spec.action_space)

    def reset(self, seed: int | None = None) -> Obs:
        resp = self.raw.reset(self.made.session_id, seed=seed)
        return observations(self.space, resp.observation, 1)[0]

    def step(self, action) -> Transition:
        value = codec.encode_batch(self.act_space, codec.batch_of(self.act_space, [action]))
        return transitions(self.space, self.raw.step(self.made.session_id, value), 1)[0]

    def close(self):
        pass  # the raw fixture closes every session it made


def reference_envs(raw, reference, made: pb.MakeResponse, n: int, max_episode_steps=None):
    """n reference envs for the env under test: Gymnasium's when the kit has them, else one-env
    DISABLED sessions of the server."""
    if reference is not None:
        space = codec.to_space(made.spec.observation_space)
        return [LocalEnv(reference, space, max_episode_steps) for _ in range(n)]
    return [SessionEnv(raw, max_episode_steps) for _ in range(n)]


def play(env, seed: int | None, actions: list) -> list:
    """One episode of a reference env or SessionEnv: the reset observation, then one Transition
    per action until the episode ends."""
    return [env.reset(seed), *play_on(env, actions)]


def play_on(env, actions: list) -> list[Transition]:
    """The episode going on from where the env is: one Transition per action until it ends."""
    out = []
    for a in actions:
        out.append(env.step(a))
        if out[-1].ended:
            break
    return out
