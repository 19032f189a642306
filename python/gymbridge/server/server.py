"""Lifecycle of a Python gymbridge server: start, grpc.health.v1, bounded thread pool, bearer token
and TLS (as the Java env-server's --token, --tls-cert/--tls-key, --tls-client-ca), stop."""

from __future__ import annotations

import logging
from concurrent import futures

import grpc

from gymbridge.errors import ConfigError
from gymbridge.security import ServerSecurity, is_loopback
from gymbridge.server import defaults
from gymbridge.server.auth import BearerTokenInterceptor
from gymbridge.server.handlers import generic_handler
from gymbridge.server.registry import EnvRegistry
from gymbridge.server.service import EnvService, Limits

log = logging.getLogger("gymbridge.server")

_SERVICES = ("", "gymbridge.v1.EnvService")


def _health_check(request: bytes, context) -> bytes:
    """grpc.health.v1.Health/Check by hand (grpcio-health-checking is not on every index):
    HealthCheckRequest{string service = 1}; HealthCheckResponse{ServingStatus status = 1}, 1 is
    SERVING."""
    service = ""
    if request[:1] == b"\x0a":
        length, pos, shift = 0, 1, 0
        while pos < len(request):
            b = request[pos]
            length |= (b & 0x7F) << shift
            pos += 1
            shift += 7
            if not b & 0x80:
                break
        service = request[pos : pos + length].decode("utf-8", "replace")
    if service not in _SERVICES:
        context.abort(grpc.StatusCode.NOT_FOUND, f"service: unknown service '{service}'")
    return b"\x08\x01"


class GymbridgeServer:
    """A started server. ``port`` is the bound port (useful with port=0); stop() closes every
    session; wait() blocks until the server stops."""

    def __init__(
        self,
        registry: EnvRegistry,
        port: int = defaults.PORT,
        host: str = defaults.HOST,
        max_workers: int = defaults.MAX_WORKERS,
        limits: Limits | None = None,
        security: ServerSecurity | None = None,
    ):
        if max_workers <= 0:
            raise ValueError(f"max_workers: expected > 0, got {max_workers}")
        self.limits = limits or Limits()
        self.security = security or ServerSecurity()
        self.service = EnvService(registry, self.limits)
        interceptors = []
        if self.security.token:
            interceptors.append(BearerTokenInterceptor(self.security.token, self.service.refusals))
        # Each call, and each open Stream for its whole life, holds one worker thread; calls beyond
        # max_workers wait in a queue bounded at 4x that, and further calls get RESOURCE_EXHAUSTED.
        self._server = grpc.server(
            futures.ThreadPoolExecutor(
                max_workers=max_workers, thread_name_prefix="gymbridge-worker"
            ),
            maximum_concurrent_rpcs=4 * max_workers,
            interceptors=interceptors,
            options=[
                ("grpc.max_receive_message_length", self.limits.max_message_bytes),
                ("grpc.max_send_message_length", self.limits.max_message_bytes),
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
        self._server.add_generic_rpc_handlers((generic_handler(self.service),))
        health = grpc.method_handlers_generic_handler(
            "grpc.health.v1.Health",
            {
                "Check": grpc.unary_unary_rpc_method_handler(
                    _health_check, request_deserializer=lambda b: b, response_serializer=lambda b: b
                )
            },
        )
        self._server.add_generic_rpc_handlers((health,))
        bind = f"[{host}]:{port}" if ":" in host and not host.startswith("[") else f"{host}:{port}"
        creds = self.security.server_credentials()
        if creds is not None:
            self.port = self._server.add_secure_port(bind, creds)
        else:
            self.port = self._server.add_insecure_port(bind)
        if self.port == 0:
            raise OSError(f"could not bind {bind}")
        self.host = host
        self.address = f"{host}:{self.port}"
        self._server.start()
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
                host,
            )

    def stop(self, grace_s: float = defaults.SHUTDOWN_GRACE_S) -> None:
        """Stops taking calls, lets running ones finish for grace_s, then closes every session."""
        self._server.stop(grace_s).wait()
        self.service.shutdown()
        self.service.refusals.flush()

    def wait(self) -> None:
        self._server.wait_for_termination()

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
    )
