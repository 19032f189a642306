"""The Python server's idle timeout and message-size limit at Make, as the Java server's
(IdleTimeoutTest, MaxMessageSizeTest there).

Close and the idle reaper never wait behind a long step (the envs of a session closed meanwhile
are closed when the step ends). The idle timeout runs on a clock the test advances, and each test
runs the reaper's pass itself (EnvService.reap_idle), so nothing sleeps or races the reaper
thread; one test checks that the reaper thread runs. The service is called directly, with a
stand-in for grpc's context, except by the message-size test, which needs a real server and
socket to show that a step response fits."""

from __future__ import annotations

import threading
import time

import grpc
import gymnasium as gym
import numpy as np
import pytest

import gymbridge
from gymbridge import codec
from gymbridge.server.registry import EnvRegistry
from gymbridge.server.service import EnvService, Limits
from gymbridge.v1 import env_service_pb2 as pb
from gymbridge.v1 import env_service_pb2_grpc as pb_grpc
from gymbridge.v1 import value_pb2

IDLE_S = 0.3


class Clock:
    """Seconds that move only when the test says so."""

    def __init__(self):
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class Aborted(Exception):
    def __init__(self, code: grpc.StatusCode, details: str):
        super().__init__(f"{code.name}: {details}")
        self.code = code
        self.details = details


class Context:
    """What EnvService asks of a grpc.ServicerContext."""

    def abort(self, code, details):
        raise Aborted(code, details)

    def peer(self) -> str:
        return "ipv4:127.0.0.1:1"


CTX = Context()


def service(clock=time.monotonic, **limits) -> EnvService:
    return EnvService(
        EnvRegistry("CartPole-v1"), Limits(**{"idle_timeout_s": IDLE_S, **limits}), clock=clock
    )


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def svc(clock):
    s = service(clock)
    yield s
    s.shutdown()


def make(s: EnvService, n: int = 1) -> str:
    return s.Make(pb.MakeRequest(env_id="CartPole-v1", num_envs=n), CTX).session_id


def step(s: EnvService, sid: str, actions) -> pb.StepResponse:
    action = value_pb2.Value(tensor=codec.to_tensor(np.asarray(actions, dtype=np.int64)))
    return s.Step(pb.StepRequest(session_id=sid, action=action), CTX)


def aborted(fn, *args) -> Aborted:
    with pytest.raises(Aborted) as caught:
        fn(*args)
    return caught.value


def test_a_session_left_alone_is_closed_once_the_idle_timeout_has_passed(svc, clock):
    sid = make(svc, 2)
    svc.Reset(pb.ResetRequest(session_id=sid, seed=0), CTX)

    # Any call on the session would touch it, so count open sessions instead until the last look.
    clock.advance(IDLE_S)
    svc.reap_idle()
    assert svc.open_sessions() == 1, "idle for exactly the timeout: still open"

    clock.advance(1e-6)
    svc.reap_idle()
    assert svc.open_sessions() == 0
    e = aborted(step, svc, sid, [0, 1])
    assert e.code == grpc.StatusCode.NOT_FOUND
    assert "session_id" in e.details and sid in e.details and "0.3 s idle" in e.details


def test_a_session_that_keeps_stepping_survives(svc, clock):
    sid = make(svc)
    svc.Reset(pb.ResetRequest(session_id=sid, seed=0), CTX)
    action = 0
    for _ in range(10):  # 5 idle timeouts in all, never more than half of one idle
        clock.advance(IDLE_S / 2)
        step(svc, sid, [action])
        action = 1 - action
        svc.reap_idle()
    assert len(step(svc, sid, [0]).rewards) == 1


def test_a_closed_idle_session_frees_its_slot(clock):
    s = service(clock, max_sessions=1)
    try:
        make(s)
        e = aborted(make, s)
        assert e.code == grpc.StatusCode.RESOURCE_EXHAUSTED and "--max-sessions" in e.details

        clock.advance(IDLE_S + 1e-6)
        s.reap_idle()

        make(s)
    finally:
        s.shutdown()


def test_the_reaper_thread_closes_idle_sessions_on_its_own():
    # The real clock and the real reaper thread (a pass every 75 ms here): poll, with time to
    # spare on a loaded machine, for what the other tests do by hand.
    s = service()
    try:
        make(s)
        deadline = time.monotonic() + 30
        while s.open_sessions() > 0:
            assert time.monotonic() < deadline, "the idle session was still open after 30 s"
            time.sleep(0.02)
    finally:
        s.shutdown()


MESSAGE_BYTES = 64 << 10


def test_make_of_more_envs_than_step_responses_can_carry_is_resource_exhausted():
    """What the limit is for: over a real server and socket, with the client taking messages no
    larger than the server's limit, the largest Make the server accepts (found by real Makes, not
    by its formula) can step in the worst case, every env ending on one SAME_STEP step so that
    every final observation travels too; and a Make far over is refused, naming the flag."""
    server = gymbridge.serve(
        "CartPole-v1",
        port=0,
        max_sessions=1,  # a refused Make that kept its slot would refuse every later Make
        max_envs_per_session=1_000_000,
        max_message_bytes=MESSAGE_BYTES,
    )
    try:
        with grpc.insecure_channel(
            server.address, options=[("grpc.max_receive_message_length", MESSAGE_BYTES)]
        ) as ch:
            stub = pb_grpc.EnvServiceStub(ch)
            largest = _largest_accepted_make(stub)

            # The worst step of the largest session: a time limit of 1 ends every env at once.
            sid = _make_real(stub, largest, max_episode_steps=1)
            try:
                stub.Reset(pb.ResetRequest(session_id=sid, seed=0), timeout=30)
                action = codec.to_tensor(np.zeros(largest, dtype=np.int64))
                resp = stub.Step(
                    pb.StepRequest(session_id=sid, action=value_pb2.Value(tensor=action)),
                    timeout=30,
                )
                assert list(resp.final_env_indices) == list(range(largest))
                assert list(resp.truncated) == [True] * largest
                # The bound is not wildly loose either: the worst step fills most of a message.
                assert 0.75 * MESSAGE_BYTES < resp.ByteSize() <= MESSAGE_BYTES, resp.ByteSize()
            finally:
                stub.Close(pb.CloseRequest(session_id=sid), timeout=30)

            with pytest.raises(grpc.RpcError) as caught:
                _make_real(stub, 10 * largest)
            assert caught.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
            assert f"{10 * largest} envs" in caught.value.details()
            assert "--max-message-bytes" in caught.value.details()
    finally:
        server.stop(grace_s=0)


def _make_real(stub, n: int, max_episode_steps: int | None = None) -> str:
    req = pb.MakeRequest(
        env_id="CartPole-v1", num_envs=n, autoreset_mode=pb.AUTORESET_MODE_SAME_STEP
    )
    if max_episode_steps is not None:
        req.max_episode_steps = max_episode_steps
    return stub.Make(req, timeout=30).session_id


def _accepts(stub, n: int) -> bool:
    """Whether the server makes a session of n envs (closed again); a refusal must be the
    message-size one."""
    try:
        sid = _make_real(stub, n)
    except grpc.RpcError as e:
        assert e.code() == grpc.StatusCode.RESOURCE_EXHAUSTED, (n, e.details())
        assert "--max-message-bytes" in e.details(), (n, e.details())
        return False
    stub.Close(pb.CloseRequest(session_id=sid), timeout=30)
    return True


def _largest_accepted_make(stub) -> int:
    """The largest num_envs the server accepts: doubling until a Make is refused, then bisection."""
    assert _accepts(stub, 1)
    low, high = 1, 2
    while _accepts(stub, high):
        low, high = high, 2 * high
    while high - low > 1:  # low is accepted, high refused
        mid = (low + high) // 2
        low, high = (mid, high) if _accepts(stub, mid) else (low, mid)
    return low


class SlowEnv(gym.Env):
    """Steps wait until the test releases them: a step that takes as long as the test wants."""

    observation_space = gym.spaces.Box(-1.0, 1.0, (2,), np.float32)
    action_space = gym.spaces.Discrete(2)
    release = threading.Event()
    stepping = threading.Event()

    def __init__(self):
        self.closed = False

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        return np.zeros(2, np.float32), {}

    def step(self, action):
        SlowEnv.stepping.set()
        assert SlowEnv.release.wait(30), "the test never released the step"
        return np.zeros(2, np.float32), 0.0, False, False, {}

    def close(self):
        self.closed = True


def test_close_and_the_reaper_never_wait_behind_a_long_step(clock):
    """A step can take any time (a generic env's); Close answers at once and the reaper's pass
    goes on, the envs being closed when the step ends rather than under it."""
    SlowEnv.release.clear()
    SlowEnv.stepping.clear()
    s = EnvService(EnvRegistry({"Slow-v0": SlowEnv}), Limits(idle_timeout_s=IDLE_S), clock=clock)
    try:
        made = s.Make(pb.MakeRequest(env_id="Slow-v0"), CTX).session_id
        env = s._sessions[made].envs[0].unwrapped
        s.Reset(pb.ResetRequest(session_id=made, seed=0), CTX)
        stepper = threading.Thread(target=step, args=(s, made, [0]))
        stepper.start()
        assert SlowEnv.stepping.wait(10)

        clock.advance(10 * IDLE_S)  # idle by the clock, but inside a call: not reaped
        started = time.monotonic()
        s.reap_idle()
        assert s.open_sessions() == 1
        s.Close(pb.CloseRequest(session_id=made), CTX)
        assert time.monotonic() - started < 1.0, "Close or the reaper waited for the step"
        assert s.open_sessions() == 0 and not env.closed  # not under the running step

        assert aborted(step, s, made, [0]).code == grpc.StatusCode.NOT_FOUND
        SlowEnv.release.set()
        stepper.join(10)
        assert env.closed, "the step's end did not close the envs of its closed session"
    finally:
        SlowEnv.release.set()
        s.shutdown()


def test_a_long_step_does_not_make_its_session_look_idle(clock):
    SlowEnv.release.set()
    s = EnvService(EnvRegistry({"Slow-v0": SlowEnv}), Limits(idle_timeout_s=IDLE_S), clock=clock)
    try:
        made = s.Make(pb.MakeRequest(env_id="Slow-v0"), CTX).session_id
        s.Reset(pb.ResetRequest(session_id=made, seed=0), CTX)
        real_step = SlowEnv.step

        def step_taking_a_while(self, action):
            clock.advance(10 * IDLE_S)  # the step itself outlasts the idle timeout
            return real_step(self, action)

        SlowEnv.step = step_taking_a_while
        try:
            step(s, made, [0])
        finally:
            SlowEnv.step = real_step
        s.reap_idle()
        assert s.open_sessions() == 1, "reaped right after a call ended"
    finally:
        s.shutdown()
