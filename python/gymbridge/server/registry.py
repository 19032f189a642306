"""Which env ids a Python server offers and how it makes them, and the EnvSpec it reports."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import grpc
import gymnasium as gym
import numpy as np

from gymbridge import codec
from gymbridge.server.defaults import KWARG_BOUNDS
from gymbridge.server.errors import Refusal, invalid
from gymbridge.server.guard import clip, shown
from gymbridge.v1 import env_service_pb2 as pb

# Reset option keys of Gymnasium's own envs: a generic env cannot say which options it takes, so
# only these ids refuse unknown keys (INVALID_ARGUMENT, as the contract asks); any other env gets
# the options as given.
KNOWN_RESET_OPTIONS: dict[str, frozenset[str]] = {
    "CartPoleEnv": frozenset({"low", "high"}),
    "MountainCarEnv": frozenset({"low", "high"}),
    "Continuous_MountainCarEnv": frozenset({"low", "high"}),
    "AcrobotEnv": frozenset({"low", "high"}),
    "PendulumEnv": frozenset({"x_init", "y_init"}),
    "FrozenLakeEnv": frozenset(),
    "TaxiEnv": frozenset(),
    "BlackjackEnv": frozenset(),
    "CliffWalkingEnv": frozenset(),
}

# Only frames can travel (RenderResponse.frames), so only rgb_array is offered.
SERVABLE_RENDER_MODES = ("rgb_array",)


class EnvRegistry:
    """env id -> a function that makes one env: ``fn(render_mode=..., **kwargs)``.

    Gymnasium ids are made with gymnasium.make (its TimeLimit, OrderEnforcing; the passive env
    checker off); other entries are callables, wrapped in TimeLimit when a session asks for
    max_episode_steps.
    """

    def __init__(self, envs: str | Callable | Sequence | Mapping):
        self._makers: dict[str, Callable[..., gym.Env]] = {}
        self._is_gym_id: dict[str, bool] = {}
        self._specs: dict[str, pb.EnvSpec] = {}
        self._defaults: dict[str, dict[str, Any]] = {}
        if isinstance(envs, (str, Callable)) and not isinstance(envs, Mapping):
            envs = [envs]
        items = envs.items() if isinstance(envs, Mapping) else [(None, e) for e in envs]
        for env_id, maker in items:
            if isinstance(maker, str):
                if maker not in gym.registry:
                    raise ValueError(
                        f"{maker!r} is not a registered Gymnasium env id in this Python"
                    )
                self._add(env_id or maker, maker, True)
            elif callable(maker):
                self._add(env_id or _callable_id(maker), maker, False)
            else:
                raise TypeError(
                    f"expected an env id or a callable returning a gymnasium.Env, got {maker!r}"
                )
        if not self._makers:
            raise ValueError("no envs to serve")

    def _add(self, env_id: str, maker, is_gym_id: bool):
        if env_id in self._makers:
            raise ValueError(f"env id {env_id!r} given twice")
        self._makers[env_id] = maker
        self._is_gym_id[env_id] = is_gym_id

    def ids(self) -> list[str]:
        return sorted(self._makers)

    def check_id(self, env_id: str) -> None:
        if env_id not in self._makers:
            raise Refusal(
                grpc.StatusCode.NOT_FOUND,
                f"env_id: unknown id {shown(env_id)}; this server makes {', '.join(self.ids())}",
            )

    def make(
        self, env_id: str, kwargs: dict, render_mode: str | None, max_episode_steps: int | None
    ) -> gym.Env:
        """One env. Whatever the constructor raises for client kwargs is the client's mistake
        (INVALID_ARGUMENT, or RESOURCE_EXHAUSTED for MemoryError), not a server failure."""
        self.check_id(env_id)
        if kwargs:
            self.check_kwarg_types(env_id, kwargs)
        maker = self._makers[env_id]
        try:
            if self._is_gym_id[env_id]:
                return gym.make(
                    maker,
                    render_mode=render_mode,
                    max_episode_steps=max_episode_steps,
                    disable_env_checker=True,
                    **kwargs,
                )
            env = maker(render_mode=render_mode, **kwargs) if render_mode else maker(**kwargs)
            if max_episode_steps is not None:
                env = gym.wrappers.TimeLimit(env, max_episode_steps)
            return env
        except TypeError as e:  # an unknown or mistyped kwarg
            raise invalid(clip(f"kwargs: {env_id} refused {shown(sorted(kwargs))}: {e}")) from e
        except gym.error.DependencyNotInstalled as e:  # the server's Python lacks e.g. pygame
            raise Refusal(
                grpc.StatusCode.FAILED_PRECONDITION, clip(f"making {env_id} on this server: {e}")
            ) from e
        except MemoryError as e:
            raise Refusal(
                grpc.StatusCode.RESOURCE_EXHAUSTED,
                f"kwargs: making {env_id} with {shown(kwargs)} ran out of memory",
            ) from e
        except Exception as e:  # noqa: BLE001 - see the docstring
            if not kwargs and not isinstance(e, (ValueError, AssertionError)):
                raise  # the env cannot be made at all: the server's problem (INTERNAL)
            raise invalid(
                clip(
                    f"kwargs: making {env_id} with {shown(kwargs)} failed: {type(e).__name__}: {e}"
                )
            ) from e

    def check_kwarg_types(self, env_id: str, kwargs: dict) -> None:
        """Refuses a kwarg whose default is a bool, a number or a string when the value is not of
        that kind. Python constructors rarely check types, so a list given for a bool flag is
        stored and only raises at reset or step (an INTERNAL failure); the default tells what the
        env expects. Kwargs whose default is None or a container are not checked."""
        defaults = self.default_kwargs(env_id)
        for k, v in kwargs.items():
            if k not in defaults or k in KWARG_BOUNDS:
                continue  # unknown: the constructor's TypeError names it; bounded: checked already
            want = _kind(defaults[k])
            empty_list = isinstance(v, list) and not v  # a list of anything
            if want is None or _kind(v) == want or (empty_list and want.startswith("a list")):
                continue
            got = "None" if v is None else _kind(v) or type(v).__name__
            raise invalid(
                f"kwargs.{k}: expected {want} (the default is {defaults[k]!r}), got {got}"
            )

    def default_kwargs(self, env_id: str) -> dict[str, Any]:
        """Every kwarg the env takes with its default (Python values; see default_spec)."""
        self.default_spec(env_id)
        return self._defaults[env_id]

    def default_spec(self, env_id: str) -> pb.EnvSpec:
        """The spec under default kwargs, made once per id (making an env can be costly)."""
        if env_id not in self._specs:
            env = self.make(env_id, {}, None, None)
            try:
                self._defaults[env_id] = default_kwargs(env)
                self._specs[env_id] = spec_message(env_id, env, {}, None)
            finally:
                env.close()
        return self._specs[env_id]


def _callable_id(maker) -> str:
    env = maker()
    try:
        if env.spec is not None and env.spec.id:
            return env.spec.id
        return type(env.unwrapped).__name__
    finally:
        env.close()


_SCALAR_KINDS = {"a bool": "bools", "a number": "numbers", "a string": "strings"}


def _kind(x) -> str | None:
    """What a default asks for: "a bool", "a number" (int or float, as JSON has it), "a string",
    or "a list of numbers" (etc.) for a list or tuple of scalars of one kind; None otherwise."""
    if isinstance(x, (bool, np.bool_)):
        return "a bool"
    if isinstance(x, (int, float, np.integer, np.floating)):
        return "a number"
    if isinstance(x, str):
        return "a string"
    if isinstance(x, (list, tuple)) and x:
        kinds = {_kind(e) for e in x}
        if len(kinds) == 1 and (k := kinds.pop()) in _SCALAR_KINDS:
            return f"a list of {_SCALAR_KINDS[k]}"
    return None


def default_kwargs(env: gym.Env) -> dict[str, Any]:
    """The env class's keyword defaults updated with its Gymnasium registration's kwargs."""
    merged = _init_defaults(env)
    if env.spec is not None:
        merged.update({k: v for k, v in env.spec.kwargs.items() if k != "render_mode"})
    return merged


def _init_defaults(env: gym.Env) -> dict[str, Any]:
    """Every keyword the env class takes with its default (those a Value can carry)."""
    out = {}
    try:
        params = inspect.signature(type(env.unwrapped).__init__).parameters.values()
    except (TypeError, ValueError):
        return out
    for p in params:
        if p.name in ("self", "render_mode") or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        if p.default is not inspect.Parameter.empty:
            out[p.name] = p.default
    return out


def spec_message(
    env_id: str, env: gym.Env, kwargs: dict, max_episode_steps: int | None
) -> pb.EnvSpec:
    """The EnvSpec message of a made env: Gymnasium's EnvSpec, metadata and class docstring."""
    gs = env.spec
    msg = pb.EnvSpec(
        id=env_id,
        observation_space=codec.from_space(env.observation_space),
        action_space=codec.from_space(env.action_space),
        nondeterministic=bool(gs.nondeterministic) if gs is not None else False,
    )
    steps = (
        max_episode_steps
        if max_episode_steps is not None
        else (gs.max_episode_steps if gs else None)
    )
    if steps is not None:
        msg.max_episode_steps = steps
    if gs is not None and gs.reward_threshold is not None:
        msg.reward_threshold = float(gs.reward_threshold)
    modes = env.metadata.get("render_modes") or []
    msg.render_modes.extend(m for m in SERVABLE_RENDER_MODES if m in modes)
    msg.render_fps = float(env.metadata.get("render_fps") or 0)
    merged = default_kwargs(env)
    merged.update(kwargs)
    for k, v in merged.items():
        try:
            msg.kwargs[k].CopyFrom(codec.to_value(v))
        except codec.CodecError:
            msg.kwargs[k].string_value = repr(v)  # e.g. a callable default: shown, not usable
    doc = inspect.getdoc(type(env.unwrapped)) or ""
    msg.description = " ".join(doc.split("\n\n")[0].split())
    return msg


def reset_option_keys(env: gym.Env) -> frozenset[str] | None:
    """The reset option keys the env takes, or None when unknown (anything passes)."""
    return KNOWN_RESET_OPTIONS.get(type(env.unwrapped).__name__)
