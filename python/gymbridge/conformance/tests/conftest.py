"""Fixtures of the conformance kit: the server under test (GYMBRIDGE_CONFORMANCE_ADDRESS, set by
python -m gymbridge.conformance), its token and TLS settings, a raw client whose every call has a
deadline, and the reference the checks compare the server with (reference.py). At the end the kit
says which reference it used and which checks it skipped, and why."""

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

from .reference import SessionEnv, find_reference, play


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


def draw(made: pb.MakeResponse, seed: int, n: int | None = None) -> list:
    """One action per env (n, default the session's envs), drawn from the action space."""
    _, act = spaces_of(made)
    act.seed(seed)
    return [act.sample() for _ in range(made.num_envs if n is None else n)]


def encode(made: pb.MakeResponse, per_env: list):
    _, act = spaces_of(made)
    return codec.encode_batch(act, codec.batch_of(act, per_env))


def actions(made: pb.MakeResponse, seed: int):
    """A batched, well-formed action Value for every env of the session, drawn from the space."""
    return encode(made, draw(made, seed))


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


def env_id() -> str:
    return os.environ.get("GYMBRIDGE_CONFORMANCE_ENV", "CartPole-v1")


@pytest.fixture(scope="session")
def reference():
    """Gymnasium's env for the env id under test, or None (reference.py)."""
    return find_reference(env_id())[0]


SEED_PROBE = (0, 1, 2)


def seeds_matter(raw) -> bool:
    """Whether the env's episodes depend on their seed, as far as seeds 0, 1 and 2 and 8 fixed
    actions show: the checks that must tell one seed's episode from another's need it."""
    made = raw.make()
    acts = draw(made, 0, 8)
    episodes = {tuple(play(SessionEnv(raw), s, acts)) for s in SEED_PROBE}
    return len(episodes) > 1


def pytest_terminal_summary(terminalreporter):
    """The reference the kit used, and one line per skipped check with its reason: a check that
    cannot apply to the env or server says so, every run."""
    tr = terminalreporter
    if tr.config.option.collectonly:
        return
    skipped = tr.stats.get("skipped", [])
    tr.write_sep("-", f"conformance kit: {env_id()}")
    tr.write_line(f"reference: {find_reference(env_id())[1]}")
    tr.write_line(f"skipped: {len(skipped)}" + (", why:" if skipped else ""))
    for rep in skipped:
        reason = rep.longrepr[2] if isinstance(rep.longrepr, tuple) else str(rep.longrepr)
        tr.write_line(f"skipped {rep.nodeid.split('::')[-1]}: {reason.removeprefix('Skipped: ')}")


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
    r = Raw(channel, env_id(), float(os.environ.get("GYMBRIDGE_CONFORMANCE_TIMEOUT_S", "30")))
    yield r
    for sid in r.opened:
        with contextlib.suppress(grpc.RpcError):  # closed by the test itself
            r.Close(pb.CloseRequest(session_id=sid))
