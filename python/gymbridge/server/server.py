"""Lifecycle of a Python gymbridge server: start, grpc.health.v1, bearer token and TLS (as the
Java env-server's --token, --tls-cert/--tls-key, --tls-client-ca), stop.

The server is grpc.aio on an event loop of its own thread, so serve() stays a plain function that
returns a started server: open calls are coroutines there, env work runs on a bounded pool of call
threads, and what a call may hold is bounded in gymbridge/server/admission.py."""

from __future__ import annotations

import asyncio
import logging
import threading
from concurrent import futures

import grpc

from gymbridge.errors import ConfigError
from gymbridge.security import ServerSecurity, is_loopback
from gymbridge.server import defaults, health
from gymbridge.server.admission import Admission, CallLimits
from gymbridge.server.auth import BearerTokenInterceptor
from gymbridge.server.handlers import generic_handler
from gymbridge.server.registry import EnvRegistry
from gymbridge.server.service import EnvService, Limits

log = logging.getLogger("gymbridge.server")


class GymbridgeServer:
    """A started server. ``port`` is the bound port (useful with port=0); stop() closes every
    session; wait() blocks until the server stops. A subclass may serve another ``service_class``
    (an EnvService subclass) or other ``rpc_handlers()``: python/tests/mutants.py does, to give
    the conformance kit servers with one deliberate fault each."""

    service_class = EnvService

    def __init__(
        self,
        registry: EnvRegistry,
        port: int = defaults.PORT,
        host: str = defaults.HOST,
        max_workers: int = defaults.MAX_WORKERS,
        limits: Limits | None = None,
        security: ServerSecurity | None = None,
        call_limits: CallLimits | None = None,
    ):
        if max_workers <= 0:
            raise ValueError(f"max_workers: expected > 0, got {max_workers}")
        self.limits = limits or Limits()
        self.security = security or ServerSecurity()
        self.call_limits = call_limits or CallLimits()
        self.service = self.service_class(registry, self.limits)
        self._pool = futures.ThreadPoolExecutor(
            max_workers=max_workers, thread_name_prefix="gymbridge-worker"
        )
        self.admission = Admission(self.call_limits, self._pool, max_workers)
        self.host = host
        self._stopped = threading.Event()
        self._stop_lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="gymbridge-loop", daemon=True
        )
        self._thread.start()
        try:
            self.port = self._on_loop(self._start(port))
        except BaseException:
            self._stop_loop()
            self._pool.shutdown(wait=False)
            self.service.shutdown()
            raise
        self.address = f"{host}:{self.port}"
        log.info(
            "serving %s on %s (%s)",
            ", ".join(registry.ids()),
            self.address,
            self.security.describe(),
        )
        if not self.security.token and not is_loopback(host):
            log.warning(
                "listening on %s, which is not loopback, without a token: anyone who can "
                "reach it can run envs here (--token-file or GYMBRIDGE_TOKEN)",
                self.host,
            )

    def _on_loop(self, coroutine, timeout: float | None = None):
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout)

    async def _start(self, port: int) -> int:
        interceptors = []
        if self.security.token:
            interceptors.append(BearerTokenInterceptor(self.security.token, self.service.refusals))
        self._server = grpc.aio.server(
            interceptors=interceptors,
            options=[
                ("grpc.max_receive_message_length", self.limits.max_message_bytes),
                ("grpc.max_send_message_length", self.limits.max_message_bytes),
                ("grpc.max_concurrent_streams", self.call_limits.max_calls_per_connection),
                # Keepalive as the Java server's: ping idle connections, drop one whose ping goes
                # unanswered, and let clients ping every few seconds even without calls.
                ("grpc.keepalive_time_ms", defaults.KEEPALIVE_S * 1000),
                ("grpc.keepalive_timeout_ms", defaults.KEEPALIVE_TIMEOUT_S * 1000),
                ("grpc.keepalive_permit_without_calls", 1),
                (
                    "grpc.http2.min_ping_interval_without_data_ms",
                    defaults.PERMIT_KEEPALIVE_S * 1000,
                ),
            ],
        )
        self._server.add_generic_rpc_handlers(self.rpc_handlers())
        host = self.host
        bind = f"[{host}]:{port}" if ":" in host and not host.startswith("[") else f"{host}:{port}"
        creds = self.security.server_credentials()
        try:
            if creds is not None:
                bound = self._server.add_secure_port(bind, creds)
            else:
                bound = self._server.add_insecure_port(bind)
        except RuntimeError as e:  # grpc.aio raises where grpc returned 0
            raise OSError(f"could not bind {bind}: {e}") from None
        if bound == 0:
            raise OSError(f"could not bind {bind}")
        await self._server.start()
        return bound

    def rpc_handlers(self) -> tuple[grpc.GenericRpcHandler, ...]:
        """What the server answers: EnvService and grpc.health.v1."""
        return generic_handler(self.service, self.admission), health.handler(self.admission)

    def stop(self, grace_s: float = defaults.SHUTDOWN_GRACE_S) -> None:
        """Stops taking calls, lets running ones finish for grace_s, then closes every session.
        Idempotent."""
        with self._stop_lock:
            if self._stopped.is_set():
                return
            try:
                self._on_loop(self._server.stop(grace_s))
            finally:
                self._stop_loop()
                # Calls still on the call threads finish there; no new ones start.
                self._pool.shutdown(wait=False, cancel_futures=True)
                self.service.shutdown()
                self.service.refusals.flush()
                self._stopped.set()

    def _stop_loop(self):
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._loop.close()

    def wait(self) -> None:
        self._stopped.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def serve(
    envs,
    port: int = defaults.PORT,
    host: str = defaults.HOST,
    *,
    max_workers: int = defaults.MAX_WORKERS,
    max_sessions: int = defaults.MAX_SESSIONS,
    max_envs_per_session: int = defaults.MAX_ENVS_PER_SESSION,
    max_message_bytes: int = defaults.MAX_MESSAGE_BYTES,
    idle_timeout_s: float = defaults.IDLE_TIMEOUT_S,
    token: str | None = None,
    token_file=None,
    tls_cert=None,
    tls_key=None,
    tls_client_ca=None,
    security: ServerSecurity | None = None,
    call_limits: CallLimits | None = None,
) -> GymbridgeServer:
    """Starts serving and returns the server.

    envs: a Gymnasium env id ("CartPole-v1"), a callable returning a gymnasium.Env (served under
    its spec id, else its class name), a list of those, or a dict {id: env id or callable}.
    port=0 picks a free port (read it from .port). Limits, defaulting to the Java server's
    (gymbridge/server/defaults.py): sessions, envs per session, message bytes (both directions),
    seconds a session may stay idle.

    Security as the Java server's flags: ``token`` / ``token_file`` (every call but health checks
    needs ``authorization: Bearer <token>``), ``tls_cert`` + ``tls_key`` (serve TLS), and
    ``tls_client_ca`` (mutual TLS: clients need a certificate signed by it); paths or PEM bytes, or
    ``security``, a gymbridge.security.ServerSecurity. No environment variable is read here (the
    command line, python -m gymbridge.serve, reads them): a program that embeds a server says what
    it means. Bad settings raise gymbridge.ConfigError.

    ``call_limits`` (gymbridge.server.admission.CallLimits): open calls per client and per
    connection, the health request size, and how long a request may take to arrive.
    """
    limits = Limits(max_sessions, max_envs_per_session, max_message_bytes, idle_timeout_s)
    settings = {
        "token": token,
        "token_file": token_file,
        "tls_cert": tls_cert,
        "tls_key": tls_key,
        "tls_client_ca": tls_client_ca,
    }
    given = [k for k, v in settings.items() if v is not None]
    if security is not None and given:
        raise ConfigError(
            f"security= already holds the token and TLS settings; drop {', '.join(given)}"
        )
    if security is None:
        security = ServerSecurity.resolve(**settings)
    return GymbridgeServer(
        EnvRegistry(envs),
        port=port,
        host=host,
        max_workers=max_workers,
        limits=limits,
        security=security,
        call_limits=call_limits,
    )
