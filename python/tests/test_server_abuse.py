"""The Python server under bad input: malformed protobuf bytes are INVALID_ARGUMENT with a short
message (not grpcio's UNKNOWN plus a traceback per request), refusals reach the log at most once
per few seconds, absurd kwargs and options are refused before anything is built, and nonsensical
kwargs values are the client's INVALID_ARGUMENT, never the server's INTERNAL."""

from __future__ import annotations

import logging

import grpc
import gymnasium as gym
import pytest
from gymnasium.envs.classic_control import CartPoleEnv

import gymbridge
from gymbridge.conformance.fuzz import wire
from gymbridge.server import guard
from gymbridge.server.logs import RateLimitedLog
from gymbridge.v1 import env_service_pb2 as pb
from gymbridge.v1 import env_service_pb2_grpc as pb_grpc
from gymbridge.v1 import tensor_pb2, value_pb2

METHODS = ("GetServerInfo", "ListEnvs", "Make", "Reset", "Step", "Render", "Close")
T = 5.0


@pytest.fixture(scope="module")
def server():
    s = gymbridge.serve(["CartPole-v1", "FrozenLake-v1", "MountainCar-v0"], port=0)
    yield s
    s.stop(grace_s=0)


@pytest.fixture(scope="module")
def channel(server):
    with grpc.insecure_channel(
        server.address, options=[("grpc.max_send_message_length", 128 << 20)]
    ) as ch:
        yield ch


@pytest.fixture(scope="module")
def stub(channel):
    return pb_grpc.EnvServiceStub(channel)


BUILT: list[None] = []  # one entry per Counted-v0 env the counted server constructs


def counted_cartpole(config=None) -> gym.Env:
    """CartPole whose constructions are counted. ``config`` takes any value unchecked (its
    default is None), so only the server's own limits stand between a kwarg and construction."""
    BUILT.append(None)
    return CartPoleEnv()


@pytest.fixture(scope="module")
def counted_channel():
    s = gymbridge.serve({"Counted-v0": counted_cartpole}, port=0)
    try:
        with grpc.insecure_channel(
            s.address, options=[("grpc.max_send_message_length", 128 << 20)]
        ) as ch:
            yield ch
    finally:
        s.stop(grace_s=0)


def make_and_close(stub, **kwargs: value_pb2.Value) -> None:
    req = pb.MakeRequest(env_id="Counted-v0", kwargs=kwargs)
    stub.Close(pb.CloseRequest(session_id=stub.Make(req, timeout=T).session_id), timeout=T)


def status(fn, *args, **kwargs) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as caught:
        fn(*args, **kwargs)
    return caught.value


def make_bytes(
    kwarg_value: bytes, key: str = "sutton_barto_reward", env_id: str = "CartPole-v1"
) -> bytes:
    return pb.MakeRequest(env_id=env_id).SerializeToString() + wire.field_len(
        2, wire.map_entry(key, kwarg_value)
    )


@pytest.mark.parametrize("method", METHODS)
def test_malformed_bytes_are_invalid_argument_with_a_short_message(channel, method):
    err = status(
        channel.unary_unary(f"/gymbridge.v1.EnvService/{method}"), b"\xff\xff\xff", timeout=T
    )
    assert err.code() == grpc.StatusCode.INVALID_ARGUMENT, err.details()
    assert err.details().startswith("request: these 3 bytes are not a valid gymbridge.v1."), (
        err.details()
    )
    assert len(err.details()) < 300 and "\n" not in err.details()


def test_a_malformed_stream_message_is_answered_in_band_and_the_stream_goes_on(channel):
    stream = channel.stream_stream("/gymbridge.v1.EnvService/Stream")
    make = pb.StreamRequest(make=pb.MakeRequest(env_id="CartPole-v1")).SerializeToString()
    answers = [
        pb.StreamResponse.FromString(a) for a in stream(iter([b"\xff\xff", make]), timeout=T)
    ]
    assert answers[0].error.code == grpc.StatusCode.INVALID_ARGUMENT.value[0]
    assert "not a valid gymbridge.v1.StreamRequest" in answers[0].error.message
    assert answers[1].WhichOneof("response") == "make"


def test_malformed_requests_are_logged_at_most_once_per_interval_without_tracebacks(caplog):
    fresh = gymbridge.serve("CartPole-v1", port=0)  # its log has said nothing yet
    try:
        with (
            caplog.at_level(logging.DEBUG, logger="gymbridge.server"),
            grpc.insecure_channel(fresh.address) as ch,
        ):
            for method in METHODS * 20:
                status(
                    ch.unary_unary(f"/gymbridge.v1.EnvService/{method}"), b"\x0a\x05ab", timeout=T
                )
            malformed = [r.getMessage() for r in caplog.records if "malformed" in r.getMessage()]
            assert len(malformed) == 1, malformed  # 140 requests in well under the 10 s interval
            fresh.stop(grace_s=0)  # flushes the count of those left out
    finally:
        fresh.stop(grace_s=0)
    assert "139 more malformed requests left out of the log" in caplog.text
    assert not any(r.exc_info for r in caplog.records)
    assert "Traceback" not in caplog.text


def test_the_rate_limited_log_counts_what_it_left_out(caplog):
    now = [0.0]
    logs = RateLimitedLog(logging.getLogger("gymbridge.test"), interval_s=5, clock=lambda: now[0])
    with caplog.at_level(logging.INFO, logger="gymbridge.test"):
        for i in range(10):
            now[0] = i * 0.1
            logs.log("refusals", logging.INFO, "refused %d", i)
        now[0] = 6.0
        logs.log("refusals", logging.INFO, "refused %d", 10)
        logs.log("refusals", logging.INFO, "refused %d", 11)
        logs.flush()
    assert [r.getMessage() for r in caplog.records] == [
        "refused 0",
        "refused 10 [9 more refusals left out of the log since the line before]",
        "1 more refusals left out of the log",
    ]


@pytest.mark.parametrize(
    "label, value, expected",
    [
        ("lists nested 17 deep", wire.deep_list(17), "nested deeper than 16"),
        ("maps nested 17 deep", wire.deep_map(17), "nested deeper than 16"),
        (
            "lists nested 101 deep (past protobuf's limit)",
            wire.deep_list(101),
            "not a valid gymbridge.v1.MakeRequest",
        ),
        (
            "a long string",
            value_pb2.Value(string_value="x" * 70_000).SerializeToString(),
            "over the server's limit",
        ),
        (
            "a long list",
            value_pb2.Value(
                list=value_pb2.ValueList(items=[value_pb2.Value(int_value=1)] * 70_000)
            ).SerializeToString(),
            "values and tensor elements",
        ),
        (
            "a big tensor",
            value_pb2.Value(
                tensor=tensor_pb2.Tensor(
                    dtype=tensor_pb2.DTYPE_UINT8, shape=[300, 300], data=bytes(90_000)
                )
            ).SerializeToString(),
            "tensor",
        ),
        (
            "a tensor whose shape overflows int64",
            value_pb2.Value(
                tensor=tensor_pb2.Tensor(dtype=tensor_pb2.DTYPE_UINT8, shape=[1 << 32, 1 << 32])
            ).SerializeToString(),
            "tensor",
        ),
    ],
)
def test_deep_or_huge_kwargs_are_refused_before_anything_is_built(
    counted_channel, label, value, expected
):
    stub = pb_grpc.EnvServiceStub(counted_channel)
    # The server makes one env per id, once, to learn its spec and kwarg defaults: done here.
    make_and_close(stub, config=_value([[1, 2], [3]]))
    before = len(BUILT)

    err = status(
        counted_channel.unary_unary("/gymbridge.v1.EnvService/Make"),
        make_bytes(value, key="config", env_id="Counted-v0"),
        timeout=T,
    )
    assert err.code() == grpc.StatusCode.INVALID_ARGUMENT, (label, err.details())
    assert expected in err.details(), (label, err.details())
    assert len(BUILT) == before, f"{label}: the refused Make built {len(BUILT) - before} envs"

    # The count is live: a Make whose kwarg is within the limits builds its env.
    make_and_close(stub, config=_value([[1, 2], [3]]))
    assert len(BUILT) == before + 1


def test_the_limits_hold_for_reset_options_too(channel, stub):
    sid = stub.Make(pb.MakeRequest(env_id="CartPole-v1"), timeout=T).session_id
    try:
        req = pb.ResetRequest(session_id=sid, seed=0).SerializeToString() + wire.field_len(
            4, wire.map_entry("low", wire.deep_list(40))
        )
        err = status(channel.unary_unary("/gymbridge.v1.EnvService/Reset"), req, timeout=T)
        assert err.code() == grpc.StatusCode.INVALID_ARGUMENT and "nested deeper" in err.details()
    finally:
        stub.Close(pb.CloseRequest(session_id=sid), timeout=T)


def test_options_numpy_cannot_draw_from_are_invalid_argument(stub):
    """CartPole's reset draws uniform(low, high): numpy raises OverflowError for this range."""
    sid = stub.Make(pb.MakeRequest(env_id="CartPole-v1"), timeout=T).session_id
    try:
        req = pb.ResetRequest(session_id=sid, seed=0)
        req.options["low"].float_value = -1e308
        req.options["high"].float_value = 1e308
        err = status(stub.Reset, req, timeout=T)
        assert err.code() == grpc.StatusCode.INVALID_ARGUMENT, err.details()
        assert "OverflowError" in err.details()
    finally:
        stub.Close(pb.CloseRequest(session_id=sid), timeout=T)


def _value(x) -> value_pb2.Value:
    from gymbridge import codec

    return codec.to_value(x)


@pytest.mark.parametrize(
    "env_id, key, value, expected",
    [
        ("CartPole-v1", "sutton_barto_reward", [1, 2], "expected a bool"),
        ("CartPole-v1", "sutton_barto_reward", 1, "expected a bool"),
        ("MountainCar-v0", "goal_velocity", "fast", "expected a number"),
        ("MountainCar-v0", "goal_velocity", True, "expected a number"),
        ("FrozenLake-v1", "map_name", 5, "expected a string"),
        ("FrozenLake-v1", "map_name", "nope", "KeyError"),  # the constructor's own error
        ("FrozenLake-v1", "reward_schedule", "nonsense", "expected a list of numbers"),
        ("FrozenLake-v1", "reward_schedule", [1], "IndexError"),
        ("FrozenLake-v1", "is_slippery", "yes", "expected a bool"),
        ("CartPole-v1", "no_such_kwarg", 1, "no_such_kwarg"),
    ],
)
def test_nonsensical_kwargs_are_invalid_argument_not_internal(stub, env_id, key, value, expected):
    req = pb.MakeRequest(env_id=env_id)
    req.kwargs[key].CopyFrom(_value(value))
    err = status(stub.Make, req, timeout=T)
    assert err.code() == grpc.StatusCode.INVALID_ARGUMENT, err.details()
    assert expected in err.details(), err.details()


def test_numbers_for_a_number_kwarg_still_work(stub):
    for v in (0.5, 1, -0.07):
        req = pb.MakeRequest(env_id="MountainCar-v0")
        req.kwargs["goal_velocity"].CopyFrom(_value(v))
        stub.Close(pb.CloseRequest(session_id=stub.Make(req, timeout=T).session_id), timeout=T)


def test_echoed_client_text_is_clipped(stub):
    err = status(stub.Make, pb.MakeRequest(env_id="x" * 100_000), timeout=T)
    assert err.code() == grpc.StatusCode.NOT_FOUND
    assert "(100000 characters)" in err.details() and len(err.details()) < guard.MAX_STATUS_CHARS
    err = status(stub.Reset, pb.ResetRequest(session_id="s" * 100_000), timeout=T)
    assert err.code() == grpc.StatusCode.NOT_FOUND and len(err.details()) < 500


def test_an_oversized_message_is_resource_exhausted(channel):
    big = make_bytes(value_pb2.Value(string_value="x" * (65 << 20)).SerializeToString())
    err = status(channel.unary_unary("/gymbridge.v1.EnvService/Make"), big, timeout=30)
    assert err.code() == grpc.StatusCode.RESOURCE_EXHAUSTED, err.details()


def _cartpole(render_mode=None, **kwargs):
    from gymnasium.envs.classic_control import CartPoleEnv

    return CartPoleEnv(render_mode=render_mode, **kwargs)


@pytest.mark.parametrize("env_id", ["CartPole-v1", "Callable-v0"])
def test_render_mode_cannot_come_through_kwargs(env_id):
    """Only the render_mode field sets it (rgb_array only); a callable env would otherwise take
    "human" as its keyword and open a window on the server."""
    s = gymbridge.serve({"CartPole-v1": "CartPole-v1", "Callable-v0": _cartpole}, port=0)
    try:
        with grpc.insecure_channel(s.address) as ch:
            stub = pb_grpc.EnvServiceStub(ch)
            req = pb.MakeRequest(env_id=env_id)
            req.kwargs["render_mode"].string_value = "human"
            err = status(stub.Make, req, timeout=T)
            assert err.code() == grpc.StatusCode.INVALID_ARGUMENT, err.details()
            assert err.details().startswith("kwargs.render_mode: set the MakeRequest's render_mode")
            made = stub.Make(pb.MakeRequest(env_id=env_id, render_mode="rgb_array"), timeout=T)
            stub.Close(pb.CloseRequest(session_id=made.session_id), timeout=T)
    finally:
        s.stop(grace_s=0)


HEALTH = "/grpc.health.v1.Health/Check"


def health_request(name: bytes) -> bytes:
    """HealthCheckRequest{service: name}."""
    length, n = bytearray(), len(name)
    while n >= 0x80:
        length.append(n & 0x7F | 0x80)
        n >>= 7
    length.append(n)
    return b"\x0a" + bytes(length) + name


def test_an_oversized_health_request_is_refused_and_health_goes_on(channel):
    err = status(channel.unary_unary(HEALTH), health_request(b"x" * (2 << 20)), timeout=30)
    assert err.code() == grpc.StatusCode.RESOURCE_EXHAUSTED, err.details()
    assert "at most 1024" in err.details() and len(err.details()) < 200, err.details()
    assert channel.unary_unary(HEALTH)(b"", timeout=T) == b"\x08\x01"


def test_concurrent_oversized_health_requests_leave_the_server_answering(server):
    """Four at once (the limit per client), 8 MB each: refused, and the server goes on."""
    import concurrent.futures

    def one(_):
        with grpc.insecure_channel(
            server.address, options=[("grpc.max_send_message_length", 16 << 20)]
        ) as ch:
            return status(ch.unary_unary(HEALTH), health_request(b"y" * (8 << 20)), timeout=60)

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        errors = list(pool.map(one, range(4)))
    assert {e.code() for e in errors} == {grpc.StatusCode.RESOURCE_EXHAUSTED}, errors
    assert all(len(e.details()) < 300 for e in errors)
    with grpc.insecure_channel(server.address) as ch:
        assert ch.unary_unary(HEALTH)(b"", timeout=T) == b"\x08\x01"
        assert pb_grpc.EnvServiceStub(ch).GetServerInfo(pb.GetServerInfoRequest(), timeout=T)


def test_an_unknown_health_service_name_is_quoted_clipped(channel):
    err = status(channel.unary_unary(HEALTH), health_request(b"z" * 1000), timeout=T)
    assert err.code() == grpc.StatusCode.NOT_FOUND
    assert "(1000 characters)" in err.details() and len(err.details()) < 250, err.details()


def test_huge_client_strings_are_quoted_as_short_prefixes_in_errors_and_logs(
    server, channel, stub, caplog
):
    huge = "h" * 1_000_000
    with caplog.at_level(logging.DEBUG, logger="gymbridge.server"):
        details = []
        for req in (
            pb.MakeRequest(env_id=huge),
            pb.MakeRequest(env_id="CartPole-v1", render_mode=huge),
        ):
            details.append(status(stub.Make, req, timeout=T).details())
        req = pb.MakeRequest(env_id="CartPole-v1")
        req.kwargs["k" * 100_000].bool_value = True
        details.append(status(stub.Make, req, timeout=T).details())
        for method, msg in [
            ("Reset", pb.ResetRequest(session_id=huge)),
            ("Step", pb.StepRequest(session_id=huge)),
            ("Render", pb.RenderRequest(session_id=huge)),
            ("Close", pb.CloseRequest(session_id=huge)),
        ]:
            details.append(status(getattr(stub, method), msg, timeout=T).details())
        stream = channel.stream_stream("/gymbridge.v1.EnvService/Stream")
        reqs = [pb.StreamRequest(step=pb.StepRequest(session_id=huge)).SerializeToString()]
        (answer,) = [pb.StreamResponse.FromString(a) for a in stream(iter(reqs), timeout=T)]
        details.append(answer.error.message)
    for d in details:
        assert len(d) < 600 and "characters)" in d, d[:600]
    for record in caplog.records:
        assert len(record.getMessage()) < 2_500, record.getMessage()[:300]
    assert channel.unary_unary(HEALTH)(b"", timeout=T) == b"\x08\x01"
