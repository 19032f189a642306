"""Lifecycle of a Python gymbridge server: start, grpc.health.v1, bounded thread pool, stop."""

from __future__ import annotations

import logging
from concurrent import futures

import grpc

from gymbridge.server.registry import EnvRegistry
from gymbridge.server.service import EnvService, Limits
from gymbridge.v1 import env_service_pb2_grpc as pb_grpc

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
        service = request[pos:pos + length].decode("utf-8", "replace")
    if service not in _SERVICES:
        context.abort(grpc.StatusCode.NOT_FOUND, f"service: unknown service '{service}'")
    return b"\x08\x01"


class GymbridgeServer:
    """A started server. ``port`` is the bound port (useful with port=0); stop() closes every
    session; wait() blocks until the server stops."""

    def __init__(self, registry: EnvRegistry, port: int = 50051, host: str = "127.0.0.1",
                 max_workers: int = 16, limits: Limits | None = None):
        if max_workers <= 0:
            raise ValueError(f"max_workers: expected > 0, got {max_workers}")
        self.limits = limits or Limits()
        self.service = EnvService(registry, self.limits)
        # Each call, and each open Stream for its whole life, holds one worker thread; calls beyond
        # max_workers wait in a queue bounded at 4x that, and further calls get RESOURCE_EXHAUSTED.
        self._server = grpc.server(
            futures.ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="gymbridge-worker"),
            maximum_concurrent_rpcs=4 * max_workers,
            options=[
                ("grpc.max_receive_message_length", self.limits.max_message_bytes),
                ("grpc.max_send_message_length", self.limits.max_message_bytes),
                ("grpc.keepalive_time_ms", 30_000),
                ("grpc.http2.min_ping_interval_without_data_ms", 5_000),
            ],
        )
        pb_grpc.add_EnvServiceServicer_to_server(self.service, self._server)
        health = grpc.method_handlers_generic_handler(
            "grpc.health.v1.Health",
            {"Check": grpc.unary_unary_rpc_method_handler(
                _health_check, request_deserializer=lambda b: b, response_serializer=lambda b: b)},
        )
        self._server.add_generic_rpc_handlers((health,))
        self.port = self._server.add_insecure_port(f"{host}:{port}")
        if self.port == 0:
            raise OSError(f"could not bind {host}:{port}")
        self.host = host
        self.address = f"{host}:{self.port}"
        self._server.start()
        log.info("serving %s on %s", ", ".join(registry.ids()), self.address)

    def stop(self, grace_s: float = 5.0) -> None:
        """Stops taking calls, lets running ones finish for grace_s, then closes every session."""
        self._server.stop(grace_s).wait()
        self.service.shutdown()

    def wait(self) -> None:
        self._server.wait_for_termination()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def serve(envs, port: int = 50051, host: str = "127.0.0.1", *, max_workers: int = 16,
          max_sessions: int = 256, max_envs_per_session: int = 1024,
          max_message_bytes: int = 64 * 1024 * 1024, idle_timeout_s: float = 300.0) -> GymbridgeServer:
    """Starts serving and returns the server.

    envs: a Gymnasium env id ("CartPole-v1"), a callable returning a gymnasium.Env (served under
    its spec id, else its class name), a list of those, or a dict {id: env id or callable}.
    port=0 picks a free port (read it from .port). Limits as the Java server's defaults: sessions,
    envs per session, message bytes (both directions), seconds a session may stay idle.
    """
    limits = Limits(max_sessions, max_envs_per_session, max_message_bytes, idle_timeout_s)
    return GymbridgeServer(EnvRegistry(envs), port=port, host=host, max_workers=max_workers, limits=limits)
