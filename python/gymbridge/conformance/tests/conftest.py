"""Fixtures of the conformance kit: the server under test (GYMBRIDGE_CONFORMANCE_ADDRESS, set by
python -m gymbridge.conformance), its token and TLS settings, and a raw client whose every call
has a deadline."""

from __future__ import annotations

import contextlib
import os

import grpc
import numpy as np
import pytest

from gymbridge import codec, conformance
from gymbridge.security import ClientSecurity
from gymbridge.v1 import env_service_pb2 as pb
from gymbridge.v1 import env_service_pb2_grpc as pb_grpc


class Raw:
    """EnvService stubs with a deadline; helpers build well-formed requests for the env under
    test."""

    def __init__(self, channel, env_id: str, timeout_s: float):
        self.stub = pb_grpc.EnvServiceStub(channel)
        self.channel = channel
        self.env_id = env_id
        self.timeout_s = timeout_s
        self.opened: list[str] = []

    def __getattr__(self, rpc):
        method = getattr(self.stub, rpc)
        return lambda req: method(req, timeout=self.timeout_s)

    def make(self, num_envs=1, mode=pb.AUTORESET_MODE_UNSPECIFIED, **fields) -> pb.MakeResponse:
        made = self.Make(
            pb.MakeRequest(env_id=self.env_id, num_envs=num_envs, autoreset_mode=mode, **fields)
        )
        self.opened.append(made.session_id)
        return made

    def reset(self, sid, seed=None, **fields) -> pb.ResetResponse:
        req = pb.ResetRequest(session_id=sid, **fields)
        if seed is not None:
            req.seed = seed
        return self.Reset(req)

    def step(self, sid, action_value) -> pb.StepResponse:
        return self.Step(pb.StepRequest(session_id=sid, action=action_value))


def spaces_of(made: pb.MakeResponse):
    return codec.to_space(made.spec.observation_space), codec.to_space(made.spec.action_space)


def actions(made: pb.MakeResponse, seed: int):
    """A batched, well-formed action Value for every env of the session, drawn from the space."""
    _, act = spaces_of(made)
    act.seed(seed)
    return codec.encode_batch(
        act, codec.batch_of(act, [act.sample() for _ in range(made.num_envs)])
    )


def obs_of(made: pb.MakeResponse, value, n=None):
    obs, _ = spaces_of(made)
    return codec.decode_batch(obs, value, made.num_envs if n is None else n, "observation")


def same(a, b) -> bool:
    """Bitwise equality of batched observations (arrays, tuples, dicts)."""
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    a, b = np.asarray(a), np.asarray(b)
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def status_of(call, *args) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as caught:
        call(*args)
    return caught.value


@pytest.fixture(scope="session")
def address() -> str:
    value = os.environ.get("GYMBRIDGE_CONFORMANCE_ADDRESS")
    if not value:
        pytest.exit(
            "run the kit as: python -m gymbridge.conformance --address host:port", returncode=2
        )
    return value


@pytest.fixture(scope="session")
def security():
    """Token and TLS: as python -m gymbridge.conformance resolved them, else from GYMBRIDGE_*."""
    return conformance.client_security or ClientSecurity.resolve()


@pytest.fixture(scope="session")
def channel(address, security):
    """Every call on it carries the token (if any), whichever test makes it, Stream included."""
    opts = [
        ("grpc.max_receive_message_length", 64 << 20),
        ("grpc.max_send_message_length", 64 << 20),
    ]
    with security.channel(address, options=opts) as ch:
        yield security.intercept(ch)


@pytest.fixture
def raw(channel):
    r = Raw(
        channel,
        os.environ.get("GYMBRIDGE_CONFORMANCE_ENV", "CartPole-v1"),
        float(os.environ.get("GYMBRIDGE_CONFORMANCE_TIMEOUT_S", "30")),
    )
    yield r
    for sid in r.opened:
        with contextlib.suppress(grpc.RpcError):  # closed by the test itself
            r.Close(pb.CloseRequest(session_id=sid))
