"""Client side: a gymnasium.Env and a gymnasium.vector.VectorEnv backed by a gymbridge server.

Both talk unary RPCs with a deadline on every call (a Python stream costs a thread hand-off per
message in grpcio, so unary calls are as fast here and simpler to reason about). Sessions are
closed on close() and when the object is garbage-collected; a client that dies without closing
leaves its session to the server's idle timeout.

Token and TLS settings (gymbridge/security.py) are resolved once, before anything is sent, from the
keyword arguments and else the GYMBRIDGE_* environment variables, so a missing certificate is a
ConfigError at make() and a refused token a RemoteError naming UNAUTHENTICATED, never a gRPC
traceback.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import grpc
import gymnasium as gym
import numpy as np
from gymnasium.envs.registration import EnvSpec
from gymnasium.vector import AutoresetMode, VectorEnv
from gymnasium.vector.utils import batch_space

from gymbridge import codec
from gymbridge.connection import (
    DEFAULT_ADDRESS,
    DEFAULT_TIMEOUT_S,
    Connection,
    close_session,
    resolve_security,
)
from gymbridge.security import ClientSecurity
from gymbridge.v1 import env_service_pb2 as pb

_MODES = {
    AutoresetMode.NEXT_STEP: pb.AUTORESET_MODE_NEXT_STEP,
    AutoresetMode.SAME_STEP: pb.AUTORESET_MODE_SAME_STEP,
    AutoresetMode.DISABLED: pb.AUTORESET_MODE_DISABLED,
}
_FROM_WIRE_MODE = {v: k for k, v in _MODES.items()}


def _make_request(
    env_id, num_envs, autoreset_mode, render_mode, max_episode_steps, kwargs
) -> pb.MakeRequest:
    req = pb.MakeRequest(env_id=env_id, num_envs=num_envs, autoreset_mode=autoreset_mode)
    if render_mode is not None:
        req.render_mode = render_mode
    if max_episode_steps is not None:
        req.max_episode_steps = max_episode_steps
    for k, v in kwargs.items():
        req.kwargs[k].CopyFrom(codec.to_value(v))
    return req


@dataclass(frozen=True)
class ServedEnv:
    """One env that a gymbridge server serves, as its ListEnvs describes it: what
    ``make(id, address)`` makes with no kwargs."""

    id: str
    observation_space: gym.Space  # of one env, decoded as make() decodes it
    action_space: gym.Space
    max_episode_steps: int | None  # the time limit that truncates an episode; None: none
    reward_threshold: float | None  # the mean return at which the task counts as solved; None: none
    description: str  # one paragraph for people
    kwargs: dict  # every make kwarg the env takes, at its default
    render_modes: tuple[str, ...]
    nondeterministic: bool

    @classmethod
    def from_spec(cls, spec: pb.EnvSpec) -> ServedEnv:
        return cls(
            id=spec.id,
            observation_space=codec.to_space(spec.observation_space),
            action_space=codec.to_space(spec.action_space),
            max_episode_steps=(
                spec.max_episode_steps if spec.HasField("max_episode_steps") else None
            ),
            reward_threshold=spec.reward_threshold if spec.HasField("reward_threshold") else None,
            description=spec.description,
            kwargs={k: codec.from_value(v, f"kwargs.{k}") for k, v in spec.kwargs.items()},
            render_modes=tuple(spec.render_modes),
            nondeterministic=spec.nondeterministic,
        )


def _gym_spec(served: ServedEnv, entry_point, kwargs: dict) -> EnvSpec:
    return EnvSpec(
        id=served.id,
        entry_point=entry_point,
        reward_threshold=served.reward_threshold,
        nondeterministic=served.nondeterministic,
        max_episode_steps=served.max_episode_steps,
        order_enforce=False,
        disable_env_checker=True,
        kwargs=dict(kwargs),
    )


def _metadata(made: pb.MakeResponse) -> dict:
    md: dict[str, Any] = {"render_modes": list(made.spec.render_modes)}
    if made.spec.render_fps:
        fps = made.spec.render_fps
        md["render_fps"] = int(fps) if float(fps).is_integer() else fps
    return md


def _reset_request(session_id: str, seed, options: dict | None) -> pb.ResetRequest:
    req = pb.ResetRequest(session_id=session_id)
    if isinstance(seed, (Sequence, np.ndarray)) and not isinstance(seed, str):
        req.seeds.SetInParent()
        for s in seed:
            entry = req.seeds.seeds.add()
            if s is not None:
                entry.seed = int(s)
    elif seed is not None:
        req.seed = int(seed)
    options = dict(options or {})
    mask = options.pop("reset_mask", None)
    if mask is not None:
        req.reset_mask.extend(bool(m) for m in np.asarray(mask).reshape(-1))
    for k, v in options.items():
        req.options[k].CopyFrom(codec.to_value(v))
    return req


class RemoteEnv(gym.Env):
    """One env of a gymbridge server as a gymnasium.Env. Make it with gymbridge.make().

    The session is made with autoreset DISABLED, so the env behaves as a local one: reset it after
    an episode ends. ``np_random`` is a client-side generator seeded as Gymnasium seeds an env's
    (``reset(seed=s)`` reseeds it, ``seed=None`` keeps it); the env's own draws happen on the
    server, from the server env's generator, seeded with the same seed.
    """

    def __init__(
        self,
        env_id: str,
        address: str = DEFAULT_ADDRESS,
        *,
        render_mode: str | None = None,
        max_episode_steps: int | None = None,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        token: str | None = None,
        token_file=None,
        tls: bool | None = None,
        tls_ca=None,
        tls_cert=None,
        tls_key=None,
        tls_server_name: str | None = None,
        channel: grpc.Channel | None = None,
        security: ClientSecurity | None = None,
        **kwargs,
    ):
        security = resolve_security(
            security,
            channel,
            token=token,
            token_file=token_file,
            tls=tls,
            tls_ca=tls_ca,
            tls_cert=tls_cert,
            tls_key=tls_key,
            tls_server_name=tls_server_name,
        )
        self._conn = Connection(address, timeout_s, security, channel)
        try:
            made = self._conn.call(
                "Make",
                _make_request(
                    env_id, 1, pb.AUTORESET_MODE_DISABLED, render_mode, max_episode_steps, kwargs
                ),
            )
        except BaseException:
            self._conn.close()
            raise
        self.session_id = made.session_id
        self._finalizer = weakref.finalize(self, close_session, self._conn, made.session_id)
        served = ServedEnv.from_spec(made.spec)
        self.observation_space = served.observation_space
        self.action_space = served.action_space
        self.metadata = _metadata(made)
        self.render_mode = render_mode
        spec_kwargs = dict(kwargs)
        if render_mode is not None:
            spec_kwargs["render_mode"] = render_mode
        entry = functools.partial(make, env_id, address, timeout_s=timeout_s, security=security)
        self.spec = _gym_spec(served, entry, spec_kwargs)
        self.server_spec = made.spec  # the EnvSpec message: kwargs in effect, description
        self._empty_action = gym.vector.utils.create_empty_array(
            self.action_space, n=1, fn=np.zeros
        )

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        super().reset(seed=seed)
        resp = self._conn.call("Reset", _reset_request(self.session_id, seed, options))
        obs = codec.decode_batch(self.observation_space, resp.observation, 1, "observation")
        return codec.element(self.observation_space, obs, 0), self._info(resp.infos)

    def step(self, action):
        batch = gym.vector.utils.concatenate(self.action_space, [action], self._empty_action)
        req = pb.StepRequest(
            session_id=self.session_id, action=codec.encode_batch(self.action_space, batch)
        )
        resp = self._conn.call("Step", req)
        obs = codec.decode_batch(self.observation_space, resp.observation, 1, "observation")
        return (
            codec.element(self.observation_space, obs, 0),
            float(resp.rewards[0]),
            bool(resp.terminated[0]),
            bool(resp.truncated[0]),
            self._info(resp.infos),
        )

    def render(self):
        if self.render_mode is None:
            gym.logger.warn(
                "You are calling render method without specifying any render mode. "
                f'Make the env with gymbridge.make("{self.spec.id}", render_mode="rgb_array")'
            )
            return None
        resp = self._conn.call("Render", pb.RenderRequest(session_id=self.session_id))
        return codec.to_numpy(resp.frames, "frames")[0]

    def close(self):
        """Closes the session and the channel; closing again does nothing."""
        if self._finalizer.alive:
            self._finalizer.detach()
            try:
                self._conn.call("Close", pb.CloseRequest(session_id=self.session_id))
            finally:
                self._conn.close()

    @staticmethod
    def _info(infos) -> dict:
        return codec.from_value_map(infos[0], "info") if infos else {}


class RemoteVectorEnv(VectorEnv):
    """A session of num_envs envs of a gymbridge server as a gymnasium.vector.VectorEnv, with the
    server's autoreset mode in ``metadata["autoreset_mode"]``. Make it with gymbridge.make_vec()."""

    def __init__(
        self,
        env_id: str,
        num_envs: int,
        address: str = DEFAULT_ADDRESS,
        *,
        autoreset_mode: AutoresetMode | str | None = None,
        render_mode: str | None = None,
        max_episode_steps: int | None = None,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        token: str | None = None,
        token_file=None,
        tls: bool | None = None,
        tls_ca=None,
        tls_cert=None,
        tls_key=None,
        tls_server_name: str | None = None,
        channel: grpc.Channel | None = None,
        security: ClientSecurity | None = None,
        **kwargs,
    ):
        if isinstance(autoreset_mode, str):
            autoreset_mode = AutoresetMode(autoreset_mode)
        wire_mode = (
            pb.AUTORESET_MODE_UNSPECIFIED if autoreset_mode is None else _MODES[autoreset_mode]
        )
        security = resolve_security(
            security,
            channel,
            token=token,
            token_file=token_file,
            tls=tls,
            tls_ca=tls_ca,
            tls_cert=tls_cert,
            tls_key=tls_key,
            tls_server_name=tls_server_name,
        )
        self._conn = Connection(address, timeout_s, security, channel)
        try:
            made = self._conn.call(
                "Make",
                _make_request(env_id, num_envs, wire_mode, render_mode, max_episode_steps, kwargs),
            )
        except BaseException:
            self._conn.close()
            raise
        self.session_id = made.session_id
        self._finalizer = weakref.finalize(self, close_session, self._conn, made.session_id)
        self.num_envs = made.num_envs
        served = ServedEnv.from_spec(made.spec)
        self.single_observation_space = served.observation_space
        self.single_action_space = served.action_space
        self.observation_space = batch_space(self.single_observation_space, self.num_envs)
        self.action_space = batch_space(self.single_action_space, self.num_envs)
        self.metadata = _metadata(made)
        self.metadata["autoreset_mode"] = _FROM_WIRE_MODE[made.autoreset_mode]
        self.render_mode = render_mode
        spec_kwargs = dict(kwargs)
        if render_mode is not None:
            spec_kwargs["render_mode"] = render_mode
        entry = functools.partial(make, env_id, address, timeout_s=timeout_s, security=security)
        self.spec = _gym_spec(served, entry, spec_kwargs)
        self.server_spec = made.spec

    @property
    def autoreset_mode(self) -> AutoresetMode:
        return self.metadata["autoreset_mode"]

    def reset(self, *, seed: int | list[int | None] | None = None, options: dict | None = None):
        """seed: None (every env keeps its RNG), an int (env i gets seed + i) or a list of
        num_envs ints/None. options["reset_mask"] (num_envs bools) resets only those envs."""
        if (
            seed is not None
            and not isinstance(seed, (int, np.integer))
            and len(seed) != self.num_envs
        ):
            raise ValueError(
                f"seed: expected None, an int or {self.num_envs} entries, got {len(seed)}"
            )
        super().reset(seed=int(seed) if isinstance(seed, (int, np.integer)) else None)
        resp = self._conn.call("Reset", _reset_request(self.session_id, seed, options))
        obs = codec.decode_batch(
            self.single_observation_space, resp.observation, self.num_envs, "observation"
        )
        return obs, self._infos(resp.infos)

    def step(self, actions):
        req = pb.StepRequest(
            session_id=self.session_id, action=codec.encode_batch(self.single_action_space, actions)
        )
        resp = self._conn.call("Step", req)
        n = self.num_envs
        obs = codec.decode_batch(self.single_observation_space, resp.observation, n, "observation")
        infos = self._infos(resp.infos)
        if resp.final_env_indices:
            k = len(resp.final_env_indices)
            finals = codec.decode_batch(
                self.single_observation_space, resp.final_observation, k, "final_observation"
            )
            for j, i in enumerate(resp.final_env_indices):
                final_info = codec.from_value_map(resp.final_infos[j]) if resp.final_infos else {}
                final = {
                    "final_obs": codec.element(self.single_observation_space, finals, j),
                    "final_info": final_info,
                }
                infos = self._add_info(infos, final, i)
        return (
            obs,
            np.fromiter(resp.rewards, dtype=np.float64, count=n),
            np.fromiter(resp.terminated, dtype=np.bool_, count=n),
            np.fromiter(resp.truncated, dtype=np.bool_, count=n),
            infos,
        )

    def render(self):
        """Every env's uint8 RGB frame, as SyncVectorEnv.render() gives (a tuple)."""
        if self.render_mode is None:
            gym.logger.warn("You are calling render method without specifying any render mode.")
            return None
        resp = self._conn.call("Render", pb.RenderRequest(session_id=self.session_id))
        return tuple(codec.to_numpy(resp.frames, "frames"))

    def close_extras(self, **kwargs):
        if self._finalizer.alive:
            self._finalizer.detach()
            try:
                self._conn.call("Close", pb.CloseRequest(session_id=self.session_id))
            finally:
                self._conn.close()

    def _infos(self, infos) -> dict:
        out: dict = {}
        for i, m in enumerate(infos):
            if m.entries:
                out = self._add_info(out, codec.from_value_map(m, f"infos[{i}]"), i)
        return out


def make(env_id: str, address: str = DEFAULT_ADDRESS, **kwargs) -> RemoteEnv:
    """gymnasium.make for an env of a gymbridge server: ``make("CartPole-v1", "host:port")``.

    Keyword arguments: ``render_mode``, ``max_episode_steps``, ``timeout_s`` (deadline of each
    call), ``channel`` (an existing grpc.Channel), and any other is a make kwarg of the env
    (``make("ALE/Pong-v5", addr, frameskip=1)``). Security, each falling back to its environment
    variable when not given: ``token`` / ``token_file`` (GYMBRIDGE_TOKEN / GYMBRIDGE_TOKEN_FILE),
    ``tls=True`` (the system's roots), ``tls_ca`` (GYMBRIDGE_TLS_CA), ``tls_cert`` + ``tls_key``
    (GYMBRIDGE_TLS_CERT / _KEY, mutual TLS), each a path or PEM bytes, and ``tls_server_name`` (the
    name the server certificate must carry, e.g. when dialing an IP); or ``security``, a
    gymbridge.security.ClientSecurity holding all of them. Bad settings raise gymbridge.ConfigError.
    """
    return RemoteEnv(env_id, address, **kwargs)


def make_vec(
    env_id: str, num_envs: int = 1, address: str = DEFAULT_ADDRESS, **kwargs
) -> RemoteVectorEnv:
    """gymnasium.make_vec for a gymbridge server: one session of num_envs envs, stepped as one.

    ``autoreset_mode`` (a gymnasium.vector.AutoresetMode or its value; default: the server's,
    NEXT_STEP) and the keyword arguments of make().
    """
    return RemoteVectorEnv(env_id, num_envs, address, **kwargs)


def list_envs(
    address: str = DEFAULT_ADDRESS,
    *,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    token: str | None = None,
    token_file=None,
    tls: bool | None = None,
    tls_ca=None,
    tls_cert=None,
    tls_key=None,
    tls_server_name: str | None = None,
    channel: grpc.Channel | None = None,
    security: ClientSecurity | None = None,
) -> list[ServedEnv]:
    """The envs a gymbridge server serves, sorted by id: ``list_envs("host:port")``.

    ``timeout_s``, ``channel`` and the security settings as make() takes them (each falling back to
    its GYMBRIDGE_* environment variable). A server that cannot be reached or refuses the call
    raises gymbridge.RemoteError, bad settings gymbridge.ConfigError.
    """
    security = resolve_security(
        security,
        channel,
        token=token,
        token_file=token_file,
        tls=tls,
        tls_ca=tls_ca,
        tls_cert=tls_cert,
        tls_key=tls_key,
        tls_server_name=tls_server_name,
    )
    conn = Connection(address, timeout_s, security, channel)
    try:
        listed = conn.call("ListEnvs", pb.ListEnvsRequest())
    finally:
        conn.close()
    return [ServedEnv.from_spec(spec) for spec in listed.envs]
