"""What a call may hold on a Python server before and while it runs: how many calls one client
may have open, how long its request may take to arrive, and how much env work may wait for the
call threads.

The server runs on grpc.aio: an open call is a coroutine waiting on its socket, not a thread, so
calls that never send their request cost a few kilobytes each instead of one of a fixed pool of
workers (with grpcio's thread-per-call server, 16 such health checks stalled every other client).
What still needs bounds, and gets them here:

- open calls per client (a remote IP address), health checks counted on their own and far lower,
  because health answers without a token and each health request is buffered whole by gRPC before
  the server sees it (the per-connection bound is HTTP/2's max_concurrent_streams, set in
  server.py);
- the time from a call's start to its request message (a client that opens calls and sends
  nothing gets DEADLINE_EXCEEDED instead of holding its slots for ever), and for a Stream the time
  between two requests;
- env work (Make, Reset, Step, ...): it blocks, so it runs on a bounded pool of threads, and at
  most ``4 * max_workers`` such calls may be running or waiting for a thread: beyond that a call
  is refused RESOURCE_EXHAUSTED at once rather than queued without bound.
"""

from __future__ import annotations

import asyncio
import contextlib
from concurrent import futures
from dataclasses import dataclass

import grpc

MAX_CALLS_PER_CLIENT = 256  # open calls of one remote address, every method and health
MAX_HEALTH_CALLS_PER_CLIENT = 4  # open grpc.health.v1 calls of one remote address
MAX_CALLS_PER_CONNECTION = 128  # HTTP/2 max_concurrent_streams: more wait in the client
HEALTH_MAX_REQUEST_BYTES = 1024  # a HealthCheckRequest is a service name: a few dozen bytes
REQUEST_TIMEOUT_S = 30.0  # from a call's start to its request (a 64 MiB one over a slow link)
HEALTH_REQUEST_TIMEOUT_S = 5.0  # probes send their few bytes at once (kubelet's timeout is 1 s)
QUEUED_CALLS_PER_WORKER = 4  # env calls running or waiting per call thread, then refused


@dataclass(frozen=True)
class CallLimits:
    """The bounds above, as one server applies them (tests shorten the timeouts). The time a
    Stream may wait between two requests is the session idle timeout (--idle-timeout-s): by then
    the reaper has closed what the stream made anyway."""

    max_calls_per_client: int = MAX_CALLS_PER_CLIENT
    max_health_calls_per_client: int = MAX_HEALTH_CALLS_PER_CLIENT
    max_calls_per_connection: int = MAX_CALLS_PER_CONNECTION
    health_max_request_bytes: int = HEALTH_MAX_REQUEST_BYTES
    request_timeout_s: float = REQUEST_TIMEOUT_S
    health_request_timeout_s: float = HEALTH_REQUEST_TIMEOUT_S

    def __post_init__(self):
        for name, v in vars(self).items():
            if v <= 0:
                raise ValueError(f"{name}: expected > 0, got {v}")


class Aborted(Exception):
    """Ends a call with a status: raised by code that cannot await grpc.aio's context.abort (the
    env work on the call threads), turned into that status by the call's coroutine."""

    def __init__(self, code: grpc.StatusCode, details: str):
        super().__init__(f"{code.name}: {details}")
        self.code = code
        self.details = details


class CallContext:
    """What EnvService asks of a call's context, usable from a call thread: the peer, and abort()
    raising Aborted (grpc.aio's abort is a coroutine of the event loop)."""

    def __init__(self, peer: str):
        self._peer = peer

    def peer(self) -> str:
        return self._peer

    def abort(self, code: grpc.StatusCode, details: str):
        raise Aborted(code, details)


def client_of(peer: str) -> str:
    """The remote address of a gRPC peer string ("ipv4:10.0.0.7:51234" -> "10.0.0.7",
    "ipv6:[::1]:5" -> "::1"); the whole string for anything else (a unix socket)."""
    kind, _, rest = peer.partition(":")
    if kind == "ipv4":
        return rest.rpartition(":")[0] or rest
    if kind == "ipv6":
        return rest.rpartition(":")[0].strip("[]") or rest
    return peer


class Admission:
    """The counts of one server. Used only from the server's event loop, so no locks."""

    def __init__(self, limits: CallLimits, pool: futures.ThreadPoolExecutor, max_workers: int):
        self.limits = limits
        self._pool = pool
        self._max_queued = QUEUED_CALLS_PER_WORKER * max_workers
        self._queued = 0
        self._calls: dict[str, int] = {}
        self._health_calls: dict[str, int] = {}

    def open_calls(self) -> tuple[int, int]:
        """(calls, health calls) open now, all clients together (tests, logs)."""
        return sum(self._calls.values()), sum(self._health_calls.values())

    @contextlib.asynccontextmanager
    async def call(self, context, health: bool = False):
        """Counts the call against its client for as long as it is open; aborts it
        RESOURCE_EXHAUSTED when the client already holds its limit."""
        client = client_of(context.peer() or "?")
        counts, limit, what = (
            (self._health_calls, self.limits.max_health_calls_per_client, "health checks")
            if health
            else (self._calls, self.limits.max_calls_per_client, "calls")
        )
        held = counts.get(client, 0)
        if held >= limit:
            await context.abort(
                grpc.StatusCode.RESOURCE_EXHAUSTED,
                f"client {client[:64]} already has {held} {what} open, this server's limit per "
                "client: wait for them to finish, or cancel those it no longer needs",
            )
        counts[client] = held + 1
        try:
            yield
        finally:
            left = counts[client] - 1
            if left:
                counts[client] = left
            else:
                del counts[client]

    async def request(self, context, rpc: str, timeout_s: float):
        """The call's next request message (bytes), or grpc.aio.EOF when the client has
        half-closed; aborts DEADLINE_EXCEEDED when none arrives within timeout_s."""
        try:
            return await asyncio.wait_for(context.read(), timeout_s)
        except asyncio.TimeoutError:
            await context.abort(
                grpc.StatusCode.DEADLINE_EXCEEDED,
                f"{rpc}: no request arrived within {timeout_s:g} s; the server ends calls that "
                "send nothing (send the request when the call starts)",
            )

    async def run(self, fn):
        """fn() on a call thread; Aborted(RESOURCE_EXHAUSTED) when too many env calls already run
        or wait for one."""
        if self._queued >= self._max_queued:
            raise Aborted(
                grpc.StatusCode.RESOURCE_EXHAUSTED,
                f"the server is busy: {self._queued} env calls are running or waiting for its "
                "call threads; retry shortly",
            )
        self._queued += 1
        try:
            return await asyncio.get_running_loop().run_in_executor(self._pool, fn)
        finally:
            self._queued -= 1

    def submit(self, fn) -> None:
        """fn() on a call thread, not waited for and not counted (cleanup after a call ended)."""
        with contextlib.suppress(RuntimeError):  # the pool is shut down: the server is stopping
            self._pool.submit(fn)
