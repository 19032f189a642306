"""The gymbridge.v1 EnvService over a session table: each RPC is a thin call into a Session.

Requests arrive parsed by gymbridge/server/handlers.py (malformed bytes come as a Refusal); every
failure becomes the contract's status with a short message, and refusals are logged at most once
per few seconds per kind (gymbridge/server/logs.py), so abusive clients cannot flood the log.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time

import grpc
from google.rpc import status_pb2

import gymbridge
from gymbridge import codec
from gymbridge.server import defaults, guard, kwarg_bounds
from gymbridge.server.errors import Refusal, invalid
from gymbridge.server.logs import RateLimitedLog
from gymbridge.server.registry import EnvRegistry, spec_message
from gymbridge.server.session import Session, element_bytes
from gymbridge.v1 import env_service_pb2 as pb
from gymbridge.v1 import env_service_pb2_grpc as pb_grpc

log = logging.getLogger("gymbridge.server")

PROTOCOL = "gymbridge.v1"
PROTOCOL_REVISION = 2
SERVER_NAME = "gymbridge-python"
CAPABILITIES = (
    "stream",
    "render:rgb_array",
    "autoreset:next_step",
    "autoreset:same_step",
    "autoreset:disabled",
    "reset_mask",
)


class Limits:
    """Server limits (0 is never used: every limit is finite). Validated once, then read-only."""

    def __init__(
        self,
        max_sessions: int = defaults.MAX_SESSIONS,
        max_envs_per_session: int = defaults.MAX_ENVS_PER_SESSION,
        max_message_bytes: int = defaults.MAX_MESSAGE_BYTES,
        idle_timeout_s: float = defaults.IDLE_TIMEOUT_S,
    ):
        for name, v in [
            ("max_sessions", max_sessions),
            ("max_envs_per_session", max_envs_per_session),
            ("max_message_bytes", max_message_bytes),
            ("idle_timeout_s", idle_timeout_s),
        ]:
            if v <= 0:
                raise ValueError(f"{name}: expected > 0, got {v}")
        self.max_sessions = max_sessions
        self.max_envs_per_session = max_envs_per_session
        self.max_message_bytes = max_message_bytes
        self.idle_timeout_s = idle_timeout_s


class EnvService(pb_grpc.EnvServiceServicer):
    """``clock`` (seconds, as time.monotonic) times the idle timeout: when each session was last
    used and when reap_idle() looks. Tests pass one they advance by hand and call reap_idle().
    ``session_class`` makes each session (a subclass of Session: the conformance kit's mutant
    servers in python/tests/mutants.py give one with a deliberate fault)."""

    session_class = Session

    def __init__(self, registry: EnvRegistry, limits: Limits, clock=time.monotonic):
        self.registry = registry
        self.limits = limits
        self._clock = clock
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()
        self._reap_lock = threading.Lock()
        self._stop = threading.Event()
        self.refusals = RateLimitedLog(log)
        self._reaper = threading.Thread(
            target=self._reap, name="gymbridge-session-reaper", daemon=True
        )
        self._reaper.start()

    # ---- unary RPCs ---------------------------------------------------------------------------

    def GetServerInfo(self, request, context):
        return self._unary(context, "GetServerInfo", self._server_info)

    def ListEnvs(self, request, context):
        return self._unary(
            context,
            "ListEnvs",
            lambda: pb.ListEnvsResponse(
                envs=[self.registry.default_spec(i) for i in self.registry.ids()]
            ),
        )

    def Make(self, request, context):
        return self._unary(context, "Make", lambda: self._make(request))

    def Reset(self, request, context):
        return self._unary(context, "Reset", lambda: self._get(request.session_id).reset(request))

    def Step(self, request, context):
        return self._unary(context, "Step", lambda: self._get(request.session_id).step(request))

    def Render(self, request, context):
        return self._unary(context, "Render", lambda: self._get(request.session_id).render())

    def Close(self, request, context):
        return self._unary(context, "Close", lambda: self._close(request.session_id))

    # ---- the stream ---------------------------------------------------------------------------
    # gymbridge/server/handlers.py reads a Stream's requests and calls stream_one for each, on a
    # call thread, then close_sessions for what the stream made once it ends.

    def close_sessions(self, owned: set[str], why: str) -> None:
        for sid in list(owned):
            self._close_quietly(sid, why)

    def stream_one(
        self, req: pb.StreamRequest | Refusal, owned: set[str], context
    ) -> pb.StreamResponse:
        if isinstance(req, Refusal):  # bytes that are not a StreamRequest
            self._log_malformed("Stream", req, context)
            error = status_pb2.Status(code=req.code.value[0], message=req.message)
            return pb.StreamResponse(error=error)
        which = req.WhichOneof("request")
        try:
            if which == "make":
                made = self._make(req.make)
                owned.add(made.session_id)
                return pb.StreamResponse(make=made)
            if which == "reset":
                return pb.StreamResponse(reset=self._get(req.reset.session_id).reset(req.reset))
            if which == "step":
                return pb.StreamResponse(step=self._get(req.step.session_id).step(req.step))
            if which == "render":
                return pb.StreamResponse(render=self._get(req.render.session_id).render())
            if which == "close":
                resp = self._close(req.close.session_id)
                owned.discard(req.close.session_id)
                return pb.StreamResponse(close=resp)
            raise invalid("request: expected one of make, reset, step, render, close")
        except Exception as e:  # noqa: BLE001 - answered in-band, the stream goes on
            code, message = self._status_of(e, f"Stream.{which}", context)
            return pb.StreamResponse(error=status_pb2.Status(code=code.value[0], message=message))

    # ---- sessions -----------------------------------------------------------------------------

    def _make(self, req: pb.MakeRequest) -> pb.MakeResponse:
        self.registry.check_id(req.env_id)
        n = req.num_envs or 1
        if n > self.limits.max_envs_per_session:
            raise Refusal(
                grpc.StatusCode.RESOURCE_EXHAUSTED,
                f"num_envs: {n} is over this server's limit of "
                f"{self.limits.max_envs_per_session} envs per session (--max-envs-per-session)",
            )
        steps = req.max_episode_steps if req.HasField("max_episode_steps") else None
        if steps is not None and steps <= 0:
            raise invalid(f"max_episode_steps: expected > 0, got {steps}")
        mode = req.autoreset_mode or pb.AUTORESET_MODE_NEXT_STEP
        if mode not in (
            pb.AUTORESET_MODE_NEXT_STEP,
            pb.AUTORESET_MODE_SAME_STEP,
            pb.AUTORESET_MODE_DISABLED,
        ):
            raise invalid(f"autoreset_mode: expected NEXT_STEP, SAME_STEP or DISABLED, got {mode}")
        guard.check_value_map(req.kwargs, "kwargs")  # before anything is built from it
        if "render_mode" in req.kwargs:
            # A callable would take it as its own keyword, past the rgb_array-only rule below.
            raise invalid(
                'kwargs.render_mode: set the MakeRequest\'s render_mode field instead ("" or '
                f"one of {list(self.registry.default_spec(req.env_id).render_modes)})"
            )
        kwargs = {k: codec.from_value(v, f"kwargs.{k}") for k, v in req.kwargs.items()}
        kwargs = kwarg_bounds.check(kwargs)
        render_mode = req.render_mode or None
        if render_mode and render_mode not in self.registry.default_spec(req.env_id).render_modes:
            modes = list(self.registry.default_spec(req.env_id).render_modes)
            raise invalid(
                f'render_mode: expected "" or one of {modes} for {req.env_id}, '
                f"got {guard.shown(req.render_mode)}"
            )
        with self._lock:
            if len(self._sessions) >= self.limits.max_sessions:
                raise Refusal(
                    grpc.StatusCode.RESOURCE_EXHAUSTED,
                    f"this server already has {len(self._sessions)} of its "
                    f"{self.limits.max_sessions} sessions open (--max-sessions); close sessions "
                    "you no longer use, or retry later",
                )
            sid = "s-" + secrets.token_hex(8)
            self._sessions[sid] = None  # reserve the slot; envs are made outside the lock
        envs = []
        try:
            # The first env tells the size of the rest: refuse before building them.
            envs.append(self.registry.make(req.env_id, kwargs, render_mode, steps))
            spec = spec_message(req.env_id, envs[0], kwargs, steps)
            self._check_step_size(req.env_id, n, envs[0].observation_space)
            for _ in range(n - 1):
                envs.append(self.registry.make(req.env_id, kwargs, render_mode, steps))
            session = self.session_class(
                sid,
                req.env_id,
                envs,
                mode,
                render_mode,
                self.limits.max_message_bytes,
                kwargs,
                clock=self._clock,
            )
        except BaseException:
            with self._lock:
                self._sessions.pop(sid, None)
            for env in envs:
                env.close()
            raise
        with self._lock:
            self._sessions[sid] = session
        log.info(
            "session %s made: %s x%d autoreset=%s (sessions open: %d/%d)",
            sid,
            req.env_id,
            n,
            pb.AutoresetMode.Name(mode),
            len(self._sessions),
            self.limits.max_sessions,
        )
        return pb.MakeResponse(session_id=sid, spec=spec, num_envs=n, autoreset_mode=mode)

    def _check_step_size(self, env_id: str, n: int, obs_space) -> None:
        """Refuses a session whose step responses could not fit in a message, as the Java server
        does. Per env at most: its observation, a SAME_STEP final observation and
        final_env_indices entry (a varint, 5 bytes), its reward (a packed double, 8) and its two
        flags (packed bools, 1 each); infos and field tags fit the response margin."""
        step_bytes = n * (2 * element_bytes(obs_space) + 5 + 8 + 2)
        if step_bytes > self.limits.max_message_bytes - defaults.RESPONSE_MARGIN_BYTES:
            raise Refusal(
                grpc.StatusCode.RESOURCE_EXHAUSTED,
                f"{n} envs of {env_id} need step responses of up to {step_bytes} bytes, over the "
                f"max message size of {self.limits.max_message_bytes} bytes "
                "(--max-message-bytes); use fewer envs per session",
            )

    def _get(self, sid: str) -> Session:
        s = self._sessions.get(sid)
        if s is None:
            raise Refusal(
                grpc.StatusCode.NOT_FOUND,
                f"session_id: no open session {guard.shown(sid, 40)} (closed, timed out after "
                f"{self.limits.idle_timeout_s:g} s idle, or never made)",
            )
        return s

    def _close(self, sid: str) -> pb.CloseResponse:
        with self._lock:
            s = self._sessions.pop(sid, None) if self._sessions.get(sid) is not None else None
        if s is None:
            raise Refusal(
                grpc.StatusCode.NOT_FOUND, f"session_id: no open session {guard.shown(sid, 40)}"
            )
        s.close()
        log.info("session %s closed (client asked); sessions open: %d", sid, len(self._sessions))
        return pb.CloseResponse()

    def _close_quietly(self, sid: str, why: str):
        with self._lock:
            s = self._sessions.pop(sid, None) if self._sessions.get(sid) is not None else None
        if s is not None:
            s.close()
            log.info("session %s closed (%s); sessions open: %d", sid, why, len(self._sessions))

    def _reap(self):
        period = max(0.05, min(self.limits.idle_timeout_s / 4, 10.0))
        while not self._stop.wait(period):
            try:
                self.reap_idle()
            except Exception:  # noqa: BLE001 - the reaper must outlive one failed pass
                log.exception("closing idle sessions failed; the reaper goes on")

    def reap_idle(self) -> None:
        """One pass of the reaper: closes every session unused for longer than the idle timeout by
        the clock. The reaper thread runs it every quarter of the timeout (50 ms to 10 s); tests
        with a hand-driven clock call it directly. Serialized, so a direct call returns only once a
        pass running at the same moment has also closed what it took."""
        with self._reap_lock:
            now = self._clock()
            for sid, s in list(self._sessions.items()):
                # A session inside a call is not idle, however long that call takes.
                if s is None or s.busy:
                    continue
                if now - s.last_used > self.limits.idle_timeout_s:
                    self._close_quietly(sid, f"idle for over {self.limits.idle_timeout_s:g} s")

    def open_sessions(self) -> int:
        """Sessions open now (tests)."""
        with self._lock:
            return sum(s is not None for s in self._sessions.values())

    def shutdown(self):
        """Stops the reaper and closes every session."""
        self._stop.set()
        for sid in list(self._sessions):
            self._close_quietly(sid, "server shutting down")

    # ---- plumbing -----------------------------------------------------------------------------

    def _server_info(self) -> pb.GetServerInfoResponse:
        return pb.GetServerInfoResponse(
            protocol=PROTOCOL,
            protocol_revision=PROTOCOL_REVISION,
            server_name=SERVER_NAME,
            server_version=gymbridge.__version__,
            capabilities=CAPABILITIES,
            limits=pb.ServerLimits(
                max_sessions=self.limits.max_sessions,
                max_envs_per_session=self.limits.max_envs_per_session,
                max_message_bytes=self.limits.max_message_bytes,
                idle_timeout_seconds=int(-(-self.limits.idle_timeout_s // 1)),
            ),
        )

    def _unary(self, context, rpc: str, handler):
        try:
            return handler()
        except Exception as e:  # noqa: BLE001 - every failure gets the contract's status
            code, message = self._status_of(e, rpc, context)
        context.abort(code, message)

    def refuse_malformed(self, rpc: str, refusal: Refusal, context):
        """Answers a request whose bytes did not parse: INVALID_ARGUMENT (context.abort raises)."""
        self._log_malformed(rpc, refusal, context)
        context.abort(refusal.code, refusal.message)

    def _log_malformed(self, rpc: str, refusal: Refusal, context):
        self.refusals.log(
            "malformed requests",
            logging.WARNING,
            "refused a malformed %s request from %s: %s",
            rpc,
            _peer(context),
            refusal.message,
        )

    def _status_of(self, e: Exception, rpc: str, context) -> tuple[grpc.StatusCode, str]:
        """The contract's status and a clipped one-line message for a failure; logged rate-limited
        (refusals at debug level, server failures as errors with the first traceback)."""
        if isinstance(e, Refusal):
            code, message = e.code, e.message
        elif isinstance(e, codec.CodecError):
            code, message = grpc.StatusCode.INVALID_ARGUMENT, str(e)
        else:
            self.refusals.log(
                "internal errors",
                logging.ERROR,
                "%s from %s failed inside the server",
                rpc,
                _peer(context),
                exc_info=e,
            )
            return grpc.StatusCode.INTERNAL, guard.clip(
                f"{rpc} failed inside the server ({type(e).__name__}: {e}); this is a bug"
            )
        message = guard.clip(message)
        self.refusals.log(
            "refused requests",
            logging.DEBUG,
            "%s from %s refused: %s %s",
            rpc,
            _peer(context),
            code.name,
            message,
        )
        return code, message


def _peer(context) -> str:
    try:
        return context.peer() or "?"
    except Exception:  # noqa: BLE001 - a peer address is only for the log
        return "?"
