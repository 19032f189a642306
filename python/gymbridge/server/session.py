"""One client's vector env behind a session id, with Gymnasium 1.x SyncVectorEnv semantics.

Mirrors the Java server's VectorEnv: per-env seeds, per-env infos, and the autoreset mode chosen at
Make. Calls on one session are serialized by its lock; sessions run in parallel. Close never
waits for that lock (see Session.close).
"""

from __future__ import annotations

import contextlib
import functools
import threading
import time

import grpc
import gymnasium as gym
import numpy as np

from gymbridge import codec
from gymbridge.server import defaults, guard
from gymbridge.server.errors import Refusal, invalid
from gymbridge.server.registry import reset_option_keys
from gymbridge.v1 import env_service_pb2 as pb
from gymbridge.v1 import value_pb2

NEXT_STEP = pb.AUTORESET_MODE_NEXT_STEP
SAME_STEP = pb.AUTORESET_MODE_SAME_STEP
DISABLED = pb.AUTORESET_MODE_DISABLED


def element_bytes(space: gym.Space) -> int:
    """Bytes one element of ``space`` takes in a batch tensor, as the Java server's
    Spaces.elementBytes counts them; a Text element at most 4 bytes (UTF-8) per character. For the
    upper bound of a step response at Make."""
    if isinstance(space, gym.spaces.MultiBinary):
        return int(np.prod(space.shape, dtype=np.int64))  # sent as int8
    if isinstance(space, (gym.spaces.Box, gym.spaces.Discrete, gym.spaces.MultiDiscrete)):
        return int(np.prod(space.shape, dtype=np.int64)) * np.dtype(space.dtype).itemsize
    if isinstance(space, gym.spaces.Tuple):
        return sum(element_bytes(s) for s in space.spaces)
    if isinstance(space, gym.spaces.Dict):
        return sum(element_bytes(s) for s in space.spaces.values())
    if isinstance(space, gym.spaces.Text):
        return 4 * space.max_length
    return 0  # a space without an encoding: Make fails on it elsewhere


class Session:
    def __init__(
        self,
        session_id: str,
        env_id: str,
        envs: list[gym.Env],
        mode: int,
        render_mode: str | None,
        max_message_bytes: int,
        kwargs: dict | None = None,
        clock=time.monotonic,
    ):
        self.id = session_id
        self.kwargs = kwargs or {}  # the client's make kwargs
        self.env_id = env_id
        self.envs = envs
        self.n = len(envs)
        self.mode = mode
        self.render_mode = render_mode
        self.max_message_bytes = max_message_bytes
        self.obs_space = envs[0].observation_space
        self.act_space = envs[0].action_space
        self.option_keys = reset_option_keys(envs[0])
        self.lock = threading.Lock()
        self._clock = clock  # the idle clock (EnvService's)
        self.last_used = clock()
        self.closed = False
        self._envs_closed = False
        self._obs = [None] * self.n  # each env's latest observation
        self._zero_obs = codec.element(
            self.obs_space, gym.vector.utils.create_empty_array(self.obs_space, n=1, fn=np.zeros), 0
        )
        self._ever_reset = [False] * self.n
        self._pending = [False] * self.n  # NEXT_STEP: env ended on the previous step

    # ---- env calls with the contract's statuses -----------------------------------------------

    def _env_call(self, i: int, what: str, fn, options_given: bool = False):
        try:
            return fn()
        except gym.error.ResetNeeded as e:
            raise Refusal(grpc.StatusCode.FAILED_PRECONDITION, f"env {i}: {e}") from e
        except gym.error.DependencyNotInstalled as e:  # the server's Python lacks e.g. pygame
            raise Refusal(
                grpc.StatusCode.FAILED_PRECONDITION, f"{what} of {self.env_id} on this server: {e}"
            ) from e
        except Exception as e:  # noqa: BLE001 - any exception of the served env becomes a status
            # With client options, a reset that raises (ValueError, OverflowError for bounds numpy
            # cannot draw from, ...) is the options' fault; in a session made with client kwargs,
            # those kwargs' (see _blame_kwargs); otherwise the env's (INTERNAL).
            if options_given:
                code = grpc.StatusCode.INVALID_ARGUMENT
            elif self.kwargs:
                code = grpc.StatusCode.FAILED_PRECONDITION
            else:
                code = grpc.StatusCode.INTERNAL
            raise Refusal(
                code,
                guard.clip(
                    f"{what} of env {i} of session {self.id} ({self.env_id}) raised "
                    f"{type(e).__name__}: {e}{self._kwargs_note()}"
                ),
            ) from e

    def _kwargs_note(self) -> str:
        if not self.kwargs:
            return ""
        return (
            f"; this session was made with kwargs {guard.shown(self.kwargs, 100)}, which "
            "the env took but cannot run with: make a session with other values"
        )

    def _blame_kwargs(self, what: str, fn):
        """Runs fn; a failure that is neither a refusal nor a codec error (an env made with client
        kwargs returning a reward of the wrong type, say) is FAILED_PRECONDITION when the session
        was made with client kwargs, as the session's state forbids the call; else it propagates
        (INTERNAL: a bug of the server or env)."""
        try:
            return fn()
        except (Refusal, codec.CodecError):
            raise
        except Exception as e:  # noqa: BLE001 - see the docstring
            if not self.kwargs:
                raise
            raise Refusal(
                grpc.StatusCode.FAILED_PRECONDITION,
                guard.clip(
                    f"{what} of session {self.id} ({self.env_id}) failed: "
                    f"{type(e).__name__}: {e}{self._kwargs_note()}"
                ),
            ) from e

    def _touch(self):
        if self.closed:
            raise Refusal(grpc.StatusCode.NOT_FOUND, f"session_id: session {self.id} is closed")
        self.last_used = self._clock()

    # ---- RPCs ---------------------------------------------------------------------------------

    def reset(self, req: pb.ResetRequest) -> pb.ResetResponse:
        return self._blame_kwargs("reset", lambda: self._reset(req))

    def step(self, req: pb.StepRequest) -> pb.StepResponse:
        return self._blame_kwargs("step", lambda: self._step(req))

    def render(self) -> pb.RenderResponse:
        return self._blame_kwargs("render", self._render)

    def _reset(self, req: pb.ResetRequest) -> pb.ResetResponse:
        with self._call():
            seeds = self._seeds(req)
            guard.check_value_map(req.options, "options")
            options = {k: codec.from_value(v, f"options.{k}") for k, v in req.options.items()}
            if self.option_keys is not None and not set(options) <= self.option_keys:
                unknown = sorted(set(options) - self.option_keys)
                raise invalid(
                    f"options: {self.env_id} takes {sorted(self.option_keys) or 'no options'}, "
                    f"got unknown {guard.shown(unknown)}"
                )
            mask = [True] * self.n
            if req.reset_mask:
                if len(req.reset_mask) != self.n:
                    raise invalid(
                        f"reset_mask: expected {self.n} flags (one per env) or none, "
                        f"got {len(req.reset_mask)}"
                    )
                mask = list(req.reset_mask)
            infos = [{} for _ in range(self.n)]
            for i in range(self.n):
                if not mask[i]:
                    continue
                env = self.envs[i]
                kw = {"seed": seeds[i]}
                if options:
                    kw["options"] = options
                obs, infos[i] = self._env_call(
                    i, "reset", functools.partial(env.reset, **kw), options_given=bool(options)
                )
                self._obs[i] = obs
                self._ever_reset[i] = True
                self._pending[i] = False
            resp = pb.ResetResponse(observation=self._observation())
            self._add_infos(resp.infos, infos)
            return resp

    def _step(self, req: pb.StepRequest) -> pb.StepResponse:
        with self._call():
            batch = codec.decode_batch(self.act_space, req.action, self.n, "action")
            actions = [codec.element(self.act_space, batch, i) for i in range(self.n)]
            for i, a in enumerate(actions):
                if not self.act_space.contains(a):
                    raise invalid(f"action[{i}]: {a!r} is not in the action space {self.act_space}")
            for i in range(self.n):
                if not self._ever_reset[i]:
                    raise Refusal(
                        grpc.StatusCode.FAILED_PRECONDITION,
                        f"env {i} has never been reset: call Reset (without a reset_mask that "
                        "skips it) before Step",
                    )
            rewards = np.zeros(self.n)
            terms = [False] * self.n
            truncs = [False] * self.n
            infos = [{} for _ in range(self.n)]
            finals = []  # (env index, final obs, final info)
            for i in range(self.n):
                env = self.envs[i]
                if self.mode == NEXT_STEP and self._pending[i]:
                    obs, info = self._env_call(i, "reset", env.reset)
                    r, te, tr = 0.0, False, False
                else:
                    a = actions[i]
                    obs, r, te, tr, info = self._env_call(i, "step", functools.partial(env.step, a))
                ended = bool(te) or bool(tr)
                if self.mode == SAME_STEP and ended:
                    finals.append((i, obs, info))
                    obs, info = self._env_call(i, "reset", env.reset)
                self._obs[i] = obs
                rewards[i], terms[i], truncs[i], infos[i] = float(r), bool(te), bool(tr), info
                self._pending[i] = ended
            resp = pb.StepResponse(
                observation=self._observation(),
                rewards=rewards.tolist(),
                terminated=terms,
                truncated=truncs,
            )
            self._add_infos(resp.infos, infos)
            if finals:
                resp.final_env_indices.extend(i for i, _, _ in finals)
                batch = codec.batch_of(self.obs_space, [o for _, o, _ in finals])
                resp.final_observation.CopyFrom(codec.encode_batch(self.obs_space, batch))
                self._add_infos(resp.final_infos, [info for _, _, info in finals])
            return resp

    def _render(self) -> pb.RenderResponse:
        with self._call():
            if self.render_mode != "rgb_array":
                raise Refusal(
                    grpc.StatusCode.FAILED_PRECONDITION,
                    f"session {self.id} was made with render_mode '{self.render_mode or ''}': "
                    'make it with render_mode "rgb_array" to render',
                )
            frames = [self._env_call(i, "render", env.render) for i, env in enumerate(self.envs)]
            arr = np.stack([np.asarray(f, dtype=np.uint8) for f in frames])
            if arr.nbytes > self.max_message_bytes - defaults.RESPONSE_MARGIN_BYTES:
                raise Refusal(
                    grpc.StatusCode.RESOURCE_EXHAUSTED,
                    f"render of {self.n} frames is {arr.nbytes} bytes, over the server's max "
                    f"message size of {self.max_message_bytes} bytes: render a smaller session or "
                    "raise --max-message-bytes",
                )
            return pb.RenderResponse(frames=codec.to_tensor(arr))

    @contextlib.contextmanager
    def _call(self):
        """Holds the session for one call: refused NOT_FOUND once closed; marks it used at the
        start and at the end (a long step does not make it look idle); closes the envs at the end
        when a close came meanwhile (see close)."""
        with self.lock:
            self._touch()
            try:
                yield
            finally:
                self.last_used = self._clock()
        # After the lock is released: close() may have found it held (it never waits for it).
        if self.closed:
            self._close_envs_if_free()

    @property
    def busy(self) -> bool:
        """Whether a call is running on this session now."""
        return self.lock.locked()

    def close(self):
        """Closes the session at once: later calls get NOT_FOUND. The envs are closed now, or, when
        a call is running on them (an env step can take any time, and closing an env under a
        running step is not safe), by that call as it ends, so neither Close nor the idle reaper
        ever waits behind a long step. Idempotent."""
        self.closed = True
        self._close_envs_if_free()

    def _close_envs_if_free(self):
        # Both close() and a call ending set or see `closed` before trying the lock: whichever of
        # them comes second finds the lock free and closes the envs.
        if not self.lock.acquire(blocking=False):
            return
        try:
            if self._envs_closed:
                return
            self._envs_closed = True
            for env in self.envs:
                with contextlib.suppress(Exception):  # closing the others matters more
                    env.close()
        finally:
            self.lock.release()

    # ---- helpers ------------------------------------------------------------------------------

    def _observation(self):
        items = [o if o is not None else self._zero_obs for o in self._obs]
        return codec.encode_batch(self.obs_space, codec.batch_of(self.obs_space, items))

    @staticmethod
    def _add_infos(field, infos: list[dict]):
        """Per-env info maps, or none when every info is empty (the contract's shorthand)."""
        if any(infos):
            for info in infos:
                field.append(_info_map(info))

    def _seeds(self, req: pb.ResetRequest) -> list[int | None]:
        which = req.WhichOneof("seeding")
        if which == "seed":
            base = req.seed
            if base < 0 or base > 2**63 - 1 - self.n:
                raise invalid(
                    f"seed: expected an integer in [0, {2**63 - 1 - self.n}] "
                    f"(env i gets seed + i), got {base}"
                )
            return [base + i for i in range(self.n)]
        if which == "seeds":
            entries = req.seeds.seeds
            if len(entries) != self.n:
                raise invalid(f"seeds: expected {self.n} entries (one per env), got {len(entries)}")
            out = []
            for i, e in enumerate(entries):
                if e.HasField("seed"):
                    if e.seed < 0:
                        raise invalid(f"seeds[{i}]: expected an integer >= 0, got {e.seed}")
                    out.append(e.seed)
                else:
                    out.append(None)
            return out
        return [None] * self.n


def _info_map(info: dict):
    """An info dict as a ValueMap; a value with no Value encoding travels as its repr()."""
    m = value_pb2.ValueMap()
    for k, v in info.items():
        try:
            m.entries[str(k)].CopyFrom(codec.to_value(v))
        except codec.CodecError:
            m.entries[str(k)].string_value = repr(v)
    return m
