"""The bounds of numeric Atari kwargs (python/gymbridge/server/defaults.py's KWARG_BOUNDS) are the
Java env-server's: both real servers make Breakout with each kwarg just inside and just outside
each bound, and must accept or refuse it alike, refusals being INVALID_ARGUMENT that name the
kwarg. A bound changed on one side only fails here.

The Java server takes the preprocessing kwargs on ``ALE/Breakout-v5`` with
``atari_preprocessing=True``; the Python server serves Gymnasium's own wrappers under
support/atari_pipeline.py's id, with the same kwarg names."""

from __future__ import annotations

import grpc
import pytest

import gymbridge
from gymbridge import codec
from gymbridge.server.defaults import KWARG_BOUNDS
from gymbridge.v1 import env_service_pb2 as pb
from gymbridge.v1 import env_service_pb2_grpc as pb_grpc

from support.atari_pipeline import ENV_ID as PIPELINE_ID

pytestmark = [pytest.mark.filterwarnings("ignore:.*is out of date")]

PREPROCESSING = ("noop_max", "frame_skip")

# kwarg, a value just inside a bound, one just outside it.
CASES = [
    ("frameskip", 1, 0),
    ("frameskip", 1000, 1001),
    ("frameskip", [1, 1001], [1, 1002]),
    ("frameskip", [999, 1000], [0, 2]),
    ("frameskip", [2, 3], [3, 3]),
    ("repeat_action_probability", 0.0, -0.001),
    ("repeat_action_probability", 1.0, 1.001),
    ("max_num_frames_per_episode", 1, 0),
    ("max_num_frames_per_episode", 2**31 - 1, 2**31),
    ("noop_max", 0, -1),
    ("noop_max", 10_000, 10_001),
    ("frame_skip", 1, 0),
    ("frame_skip", 1000, 1001),
    ("frame_stack", 1, -1),
    ("frame_stack", 128, 129),
]


def test_every_bounded_kwarg_is_checked_here():
    assert {name for name, _, _ in CASES} == set(KWARG_BOUNDS)


@pytest.fixture(scope="module")
def python_stub():
    server = gymbridge.serve(["ALE/Breakout-v5", PIPELINE_ID], port=0)
    with grpc.insecure_channel(server.address) as ch:
        yield pb_grpc.EnvServiceStub(ch)
    server.stop(grace_s=0)


@pytest.fixture(scope="module")
def java_stub(channel):
    return pb_grpc.EnvServiceStub(channel)


def make(stub, env_id: str, kwargs: dict) -> tuple[str, str]:
    """(status name, details) of a Make; an accepted session is closed again."""
    req = pb.MakeRequest(env_id=env_id)
    for k, v in kwargs.items():
        req.kwargs[k].CopyFrom(codec.to_value(v))
    try:
        sid = stub.Make(req, timeout=60).session_id
    except grpc.RpcError as e:
        return e.code().name, e.details()
    stub.Close(pb.CloseRequest(session_id=sid), timeout=60)
    return "OK", ""


def both(java_stub, python_stub, name, value) -> tuple[tuple[str, str], tuple[str, str]]:
    if name in PREPROCESSING:
        java = make(
            java_stub, "ALE/Breakout-v5", {"atari_preprocessing": True, "frameskip": 1, name: value}
        )
        python = make(python_stub, PIPELINE_ID, {name: value})
    elif name == "frame_stack":
        java = make(java_stub, "ALE/Breakout-v5", {name: value})
        python = make(python_stub, PIPELINE_ID, {name: value})
    else:
        java = make(java_stub, "ALE/Breakout-v5", {name: value})
        python = make(python_stub, "ALE/Breakout-v5", {name: value})
    return java, python


@pytest.mark.parametrize("name, inside, outside", CASES, ids=lambda x: str(x))
def test_both_servers_accept_and_refuse_alike(java_stub, python_stub, name, inside, outside):
    java, python = both(java_stub, python_stub, name, inside)
    assert java[0] == "OK", f"java refused {name}={inside!r}: {java[1]}"
    assert python[0] == "OK", f"python refused {name}={inside!r}: {python[1]}"
    java, python = both(java_stub, python_stub, name, outside)
    assert java[0] == "INVALID_ARGUMENT", f"java {name}={outside!r}: {java}"
    assert python[0] == "INVALID_ARGUMENT", f"python {name}={outside!r}: {python}"
    assert name in java[1] and name in python[1], (java, python)
    low, high = KWARG_BOUNDS[name]
    assert f"[{low}, {high}]" in python[1] or f"<= {high + 1}" in python[1], python[1]


@pytest.mark.parametrize("value", [10**9, 1e9, [1, 10**9], True])
def test_a_frameskip_of_a_billion_is_refused_at_once_and_the_server_goes_on(python_stub, value):
    status, details = make(python_stub, "ALE/Breakout-v5", {"frameskip": value})
    assert status == "INVALID_ARGUMENT" and "kwargs.frameskip" in details, details
    assert "[1, 1000]" in details, details
    assert make(python_stub, "ALE/Breakout-v5", {"frameskip": 4}) == ("OK", "")
