"""Calls that open and send nothing, on the Python server: they hold no call thread (the server is
grpc.aio), so other clients' health checks, GetServerInfo and env calls go on; they end with
DEADLINE_EXCEEDED once their request is late; and one client cannot hold more than its share of
open calls, health checks counted on their own and far lower.

With grpcio's thread-per-call server, 16 idle health checks (or 16 idle Streams) held all 16
worker threads and every other client's calls timed out: the first two tests failed there.

"Another client" has a different address: the servers here listen on [::], the idle calls come
from 127.0.0.1 and the other client from ::1, as the limits count per remote address."""

from __future__ import annotations

import threading
import time

import grpc
import pytest

import gymbridge
from gymbridge.server.admission import CallLimits
from gymbridge.v1 import env_service_pb2 as pb
from gymbridge.v1 import env_service_pb2_grpc as pb_grpc

HEALTH = "/grpc.health.v1.Health/Check"
STREAM = "/gymbridge.v1.EnvService/Stream"
T = 10.0


class IdleCall:
    """A call whose client sends its headers and then nothing, until close()."""

    def __init__(self, channel: grpc.Channel, method: str, timeout: float = 60):
        self._gate = threading.Event()

        def nothing():
            self._gate.wait()
            yield from ()

        self.responses = channel.stream_stream(method)(nothing(), timeout=timeout)

    def status(self) -> grpc.StatusCode:
        """How the server ended the call (waits for it)."""
        try:
            for _ in self.responses:
                pass
        except grpc.RpcError as e:
            return e.code()
        return grpc.StatusCode.OK

    def close(self):
        self.responses.cancel()
        self._gate.set()


def serve(**call_limits):
    return gymbridge.serve(
        "CartPole-v1", port=0, host="::", max_workers=2, call_limits=CallLimits(**call_limits)
    )


def wait_open(server, calls: int = 0, health: int = 0):
    """Waits until the server holds at least this many open calls (it counts them as they start)."""
    deadline = time.monotonic() + T
    while True:
        open_calls, open_health = server.admission.open_calls()
        if open_calls >= calls and open_health >= health:
            return
        assert time.monotonic() < deadline, (open_calls, open_health)
        time.sleep(0.02)


def health(channel, timeout: float = 5) -> bytes:
    return channel.unary_unary(HEALTH)(b"", timeout=timeout)


def cartpole_round_trip(channel) -> None:
    stub = pb_grpc.EnvServiceStub(channel)
    assert stub.GetServerInfo(pb.GetServerInfoRequest(), timeout=5).protocol == "gymbridge.v1"
    sid = stub.Make(pb.MakeRequest(env_id="CartPole-v1"), timeout=5).session_id
    stub.Reset(pb.ResetRequest(session_id=sid, seed=0), timeout=5)
    stub.Close(pb.CloseRequest(session_id=sid), timeout=5)


@pytest.fixture
def idle_calls():
    calls: list[IdleCall] = []
    yield calls
    for c in calls:
        c.close()


def channels(server):
    attacker = grpc.insecure_channel(f"127.0.0.1:{server.port}")
    other = grpc.insecure_channel(f"[::1]:{server.port}")
    return attacker, other


def test_idle_health_checks_hold_no_thread_and_others_are_answered(idle_calls):
    # 32 idle health checks, twice grpcio's old worker count, on a server of 2 call threads.
    server = serve(max_health_calls_per_client=64, health_request_timeout_s=60)
    attacker, other = channels(server)
    try:
        idle_calls.extend(IdleCall(attacker, HEALTH) for _ in range(32))
        wait_open(server, health=32)
        assert health(other) == b"\x08\x01"
        cartpole_round_trip(other)
        cartpole_round_trip(attacker)  # its other calls too: health has its own count
    finally:
        attacker.close()
        other.close()
        server.stop(grace_s=0)


def test_idle_streams_hold_no_thread_and_others_are_answered(idle_calls):
    server = serve(request_timeout_s=60)
    attacker, other = channels(server)
    try:
        idle_calls.extend(IdleCall(attacker, STREAM) for _ in range(32))
        wait_open(server, calls=32)
        assert health(other) == b"\x08\x01"
        cartpole_round_trip(other)
    finally:
        attacker.close()
        other.close()
        server.stop(grace_s=0)


def test_a_client_over_its_health_limit_is_refused_and_other_clients_are_not(idle_calls):
    server = serve()  # the default limits: 4 health checks per client
    attacker, other = channels(server)
    try:
        idle_calls.extend(IdleCall(attacker, HEALTH) for _ in range(4))
        wait_open(server, health=4)
        with pytest.raises(grpc.RpcError) as refused:
            health(attacker)
        assert refused.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
        assert "already has 4 health checks open" in refused.value.details()
        assert health(other) == b"\x08\x01"
        cartpole_round_trip(attacker)  # health's count does not stop the client's other calls
    finally:
        attacker.close()
        other.close()
        server.stop(grace_s=0)


def test_a_client_over_its_call_limit_is_refused_and_other_clients_are_not(idle_calls):
    server = serve(max_calls_per_client=3, request_timeout_s=60)
    attacker, other = channels(server)
    try:
        idle_calls.extend(IdleCall(attacker, STREAM) for _ in range(3))
        wait_open(server, calls=3)
        stub = pb_grpc.EnvServiceStub(attacker)
        with pytest.raises(grpc.RpcError) as refused:
            stub.GetServerInfo(pb.GetServerInfoRequest(), timeout=5)
        assert refused.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
        assert "already has 3 calls open" in refused.value.details()
        cartpole_round_trip(other)
        idle_calls[0].close()  # a slot comes back when a call ends
        deadline = time.monotonic() + T
        while server.admission.open_calls()[0] > 2:
            assert time.monotonic() < deadline
            time.sleep(0.02)
        assert stub.GetServerInfo(pb.GetServerInfoRequest(), timeout=5).protocol
    finally:
        attacker.close()
        other.close()
        server.stop(grace_s=0)


@pytest.mark.parametrize(
    "method", [HEALTH, STREAM, "/gymbridge.v1.EnvService/Make", "/gymbridge.v1.EnvService/Step"]
)
def test_a_call_that_sends_nothing_ends_deadline_exceeded(method, idle_calls):
    server = serve(request_timeout_s=0.5, health_request_timeout_s=0.5)
    attacker, other = channels(server)
    try:
        call = IdleCall(attacker, method, timeout=30)
        idle_calls.append(call)
        start = time.monotonic()
        try:
            for _ in call.responses:
                pass
            pytest.fail("the call ended without an error")
        except grpc.RpcError as e:
            assert e.code() == grpc.StatusCode.DEADLINE_EXCEEDED, e.details()
            assert "no request arrived within 0.5 s" in e.details()
        assert time.monotonic() - start < 10
        # The client has the status a moment before the server's coroutine has ended.
        deadline = time.monotonic() + T
        while server.admission.open_calls() != (0, 0):
            assert time.monotonic() < deadline, server.admission.open_calls()
            time.sleep(0.02)
        assert health(other) == b"\x08\x01"
    finally:
        attacker.close()
        other.close()
        server.stop(grace_s=0)


def test_a_stream_quiet_for_longer_than_the_idle_timeout_ends_and_closes_its_sessions():
    server = gymbridge.serve("CartPole-v1", port=0, idle_timeout_s=0.5)
    gate = threading.Event()

    def one_make_then_quiet():
        yield pb.StreamRequest(make=pb.MakeRequest(env_id="CartPole-v1")).SerializeToString()
        gate.wait()

    try:
        with grpc.insecure_channel(server.address) as ch:
            responses = ch.stream_stream(STREAM)(one_make_then_quiet(), timeout=30)
            first = pb.StreamResponse.FromString(next(responses))
            assert first.WhichOneof("response") == "make"
            with pytest.raises(grpc.RpcError) as ended:
                next(responses)
            assert ended.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
            assert "no request arrived within 0.5 s" in ended.value.details()
            deadline = time.monotonic() + T
            while server.service.open_sessions():
                assert time.monotonic() < deadline, "the stream's session stayed open"
                time.sleep(0.02)
    finally:
        gate.set()
        server.stop(grace_s=0)


def test_one_connection_has_at_most_its_limit_of_calls_open(idle_calls):
    server = serve(max_calls_per_connection=8, request_timeout_s=60)
    attacker, other = channels(server)
    try:
        idle_calls.extend(IdleCall(attacker, STREAM) for _ in range(12))
        wait_open(server, calls=8)
        time.sleep(0.5)  # time for the other four to open, were they let through
        assert server.admission.open_calls()[0] == 8
        cartpole_round_trip(other)  # another connection has its own streams
    finally:
        attacker.close()
        other.close()
        server.stop(grace_s=0)
