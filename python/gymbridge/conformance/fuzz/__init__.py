"""A seeded fuzzer for gymbridge.v1 servers: ``python -m gymbridge.conformance.fuzz --address
host:port [--seed N] [--requests N] [token/TLS flags]``.

It sends every EnvService method random bytes, random wire fields, byte mutations of real requests
(bit flips, truncations, spliced fields) and requests with extreme field values (kwargs of extreme
sizes and depths, huge env counts, negative and huge seeds, actions of the wrong shape or type),
plus a sweep of odd values for every kwarg of a few listed envs; Stream gets the same as sequences
on one stream. Raw bytes travel (channel.unary_unary / stream_stream without serializers), so
nothing on the client side can refuse them first.

A server passes when every answer, unary or in-band on the Stream, has one of the statuses
env_service.proto lists for requests a client got wrong (CLIENT_ERRORS, or OK): never UNKNOWN,
INTERNAL or DEADLINE_EXCEEDED (no hang); every OK answer parses; the server is still SERVING
afterwards; and a seeded CartPole-v1 episode gives the same observations before and after. The
tests (python/tests/test_fuzz.py) run this same code against both servers.
"""

from __future__ import annotations

import collections
import contextlib
import queue
import random
import time
from dataclasses import dataclass, field

import grpc

from gymbridge import codec
from gymbridge.conformance.fuzz.cases import (
    ENV,
    REQUEST_CLASSES,
    SWEEP_VALUES,
    UNARY_METHODS,
    Case,
    Context,
    Generator,
)
from gymbridge.v1 import env_service_pb2 as pb
from gymbridge.v1 import env_service_pb2_grpc as pb_grpc

# env_service.proto's status table, less INTERNAL ("a bug in the server or env"): what a request
# the client got wrong may be answered with.
CLIENT_ERRORS = frozenset(
    {
        grpc.StatusCode.INVALID_ARGUMENT,
        grpc.StatusCode.NOT_FOUND,
        grpc.StatusCode.FAILED_PRECONDITION,
        grpc.StatusCode.RESOURCE_EXHAUSTED,
        grpc.StatusCode.UNAUTHENTICATED,
    }
)
ALLOWED = CLIENT_ERRORS | {grpc.StatusCode.OK}
SERVICE = "/gymbridge.v1.EnvService/"
RESPONSE_CLASSES = {
    "GetServerInfo": pb.GetServerInfoResponse,
    "ListEnvs": pb.ListEnvsResponse,
    "Make": pb.MakeResponse,
    "Reset": pb.ResetResponse,
    "Step": pb.StepResponse,
    "Render": pb.RenderResponse,
    "Close": pb.CloseResponse,
    "Stream": pb.StreamResponse,
}
_CODES = {c.value[0]: c for c in grpc.StatusCode}
EPISODE_SEED = 20_240_601
EPISODE_ACTIONS = [0, 1, 1, 0, 1, 0, 0, 1, 1, 1, 0, 0, 1, 0, 1, 1, 0, 0, 0, 1] * 5
MAX_SEND_BYTES = 128 << 20  # above every server's limit, so that the server's limit is what refuses
MAX_SWEEP_ENVS = 6  # envs whose kwargs get the odd-value sweep (CartPole-v1 always among them)
MAX_HANGS = 3  # calls past their deadline before the run stops: a hung server only costs more time


@dataclass
class Report:
    """What a run did and found. ``failures``: (label, method, status, message) -> count."""

    address: str
    seed: int
    server: str = "?"
    calls: collections.Counter = field(default_factory=collections.Counter)
    stream_messages: int = 0
    statuses: collections.Counter = field(default_factory=collections.Counter)
    failures: collections.Counter = field(default_factory=collections.Counter)
    seconds: float = 0.0
    episode_steps: int = 0

    @property
    def ok(self) -> bool:
        return not self.failures

    def summary(self) -> str:
        """One paragraph for people (and the README)."""
        per_method = ", ".join(
            f"{m} {n}" + (f" ({self.stream_messages} messages)" if m == "Stream" else "")
            for m, n in sorted(self.calls.items())
        )
        statuses = ", ".join(f"{s} {n}" for s, n in self.statuses.most_common())
        total = sum(self.calls.values())
        verdict = (
            f"no failures; the same {self.episode_steps}-step seeded CartPole-v1 episode before "
            "and after"
            if self.ok
            else f"{sum(self.failures.values())} failures of {len(self.failures)} kinds"
        )
        return (
            f"Fuzzed {self.server} at {self.address} with seed {self.seed}: {total} calls in "
            f"{self.seconds:.1f} s ({per_method}); statuses (unary and in-band on the stream): "
            f"{statuses}; {verdict}."
        )

    def failure_lines(self, limit: int = 60) -> list[str]:
        out = []
        for (label, method, status, msg), n in self.failures.most_common(limit):
            out.append(f"{n:5d} x {method} [{label}] -> {status}: {msg}")
        if len(self.failures) > limit:
            out.append(f"... and {len(self.failures) - limit} more kinds")
        return out


class Fuzzer:
    def __init__(self, channel: grpc.Channel, address: str, seed: int, timeout_s: float = 10.0):
        self.hangs = 0
        self.channel = channel
        self.stub = pb_grpc.EnvServiceStub(channel)
        self.timeout_s = timeout_s
        self.rng = random.Random(seed)
        self.report = Report(address, seed)
        self.unary = {m: channel.unary_unary(SERVICE + m) for m in UNARY_METHODS}
        self.stream_call = channel.stream_stream(SERVICE + "Stream")
        self.sessions: list[tuple[str, int]] = []
        self.capabilities: set[str] = set()

    # ---- recording ------------------------------------------------------------------------------

    def _fail(self, label: str, method: str, status: str, message: str) -> None:
        self.report.failures[(label, method, status, " ".join(str(message).split())[:160])] += 1

    def _check(self, label: str, method: str, code: grpc.StatusCode, details: str) -> bool:
        self.report.statuses[code.name] += 1
        if code == grpc.StatusCode.DEADLINE_EXCEEDED:
            self.hangs += 1
        allowed = ALLOWED
        if method == "Stream" and "stream" not in self.capabilities:
            allowed = ALLOWED | {grpc.StatusCode.UNIMPLEMENTED}  # an optional feature
        if code not in allowed:
            self._fail(label, method, code.name, details)
            return False
        return True

    # ---- calls ----------------------------------------------------------------------------------

    def call(self, case: Case):
        """Sends a unary case; returns the parsed response when OK, else None."""
        self.report.calls[case.method] += 1
        try:
            raw = self.unary[case.method](case.payload, timeout=self.timeout_s)
        except grpc.RpcError as e:
            self._check(case.label, case.method, e.code(), e.details() or "")
            return None
        self._check(case.label, case.method, grpc.StatusCode.OK, "")
        try:
            resp = RESPONSE_CLASSES[case.method].FromString(raw)
        except Exception as e:  # noqa: BLE001 - any parse failure is the finding
            self._fail(case.label, case.method, "OK", f"the response does not parse: {e}")
            return None
        if case.method == "Make":
            self._close(resp.session_id)
        if case.method == "Close":
            self._closed(_parsed_or_none(pb.CloseRequest, case.payload))
        return resp

    def stream(self, case: Case) -> None:
        """Sends a Stream case one message at a time, each after the previous one's answer, so that
        later requests can use sessions made on the stream."""
        self.report.calls["Stream"] += 1
        requests: queue.Queue = queue.Queue()
        responses = self.stream_call(iter(requests.get, None), timeout=self.timeout_s)
        made: list[tuple[str, int]] = []
        try:
            for msg in case.messages:
                data = msg(made) if callable(msg) else msg
                self.report.stream_messages += 1
                requests.put(data)
                try:
                    raw = next(responses)
                except StopIteration:
                    self._fail(
                        case.label, "Stream", "OK", "the stream ended without answering a request"
                    )
                    return
                self._stream_response(case.label, raw, data, made)
            requests.put(None)
            extra = sum(1 for _ in responses)
            if extra:
                self._fail(case.label, "Stream", "OK", f"{extra} more responses than requests")
            self._check(case.label, "Stream", grpc.StatusCode.OK, "")
        except grpc.RpcError as e:
            self._check(case.label, "Stream", e.code(), e.details() or "")
        finally:
            requests.put(None)
            responses.cancel()

    def _stream_response(self, label: str, raw: bytes, sent: bytes, made: list) -> None:
        try:
            resp = pb.StreamResponse.FromString(raw)
        except Exception as e:  # noqa: BLE001
            self._fail(label, "Stream", "OK", f"a response does not parse: {e}")
            return
        which = resp.WhichOneof("response")
        if which == "error":
            code = _CODES.get(resp.error.code)
            if code is None:
                self._fail(label, "Stream", f"in-band code {resp.error.code}", resp.error.message)
            else:
                self._check(label, "Stream", code, "in-band: " + resp.error.message)
            return
        self.report.statuses["OK"] += 1
        if which == "make":
            made.append((resp.make.session_id, resp.make.num_envs or 1))
        elif which == "close":
            req = _parsed_or_none(pb.StreamRequest, sent)
            self._closed(req.close if req is not None and req.HasField("close") else None)
        elif which is None:
            self._fail(label, "Stream", "OK", "a response with nothing set")

    def _close(self, sid: str) -> None:
        with contextlib.suppress(grpc.RpcError):
            self.stub.Close(pb.CloseRequest(session_id=sid), timeout=self.timeout_s)

    def _closed(self, req) -> None:
        """A Close went through: if it closed one of the fuzzer's sessions, make another."""
        if req is None:
            return
        for i, (sid, n) in enumerate(self.sessions):
            if sid == req.session_id:
                self.sessions[i] = self._open_session(n)

    # ---- setup, the episode check, the kwargs sweep ------------------------------------------

    def _open_session(self, n: int) -> tuple[str, int]:
        mode = {1: pb.AUTORESET_MODE_DISABLED, 2: pb.AUTORESET_MODE_NEXT_STEP}.get(
            n, pb.AUTORESET_MODE_SAME_STEP
        )
        made = self.stub.Make(
            pb.MakeRequest(env_id=ENV, num_envs=n, autoreset_mode=mode), timeout=self.timeout_s
        )
        self.stub.Reset(pb.ResetRequest(session_id=made.session_id, seed=0), timeout=self.timeout_s)
        return made.session_id, n

    def episode(self) -> list[bytes]:
        """Observations, rewards and flags of a seeded CartPole-v1 episode, as bytes."""
        made = self.stub.Make(
            pb.MakeRequest(env_id=ENV, num_envs=1, autoreset_mode=pb.AUTORESET_MODE_DISABLED),
            timeout=self.timeout_s,
        )
        sid = made.session_id
        try:
            out = [
                self.stub.Reset(
                    pb.ResetRequest(session_id=sid, seed=EPISODE_SEED), timeout=self.timeout_s
                ).observation.SerializeToString()
            ]
            for a in EPISODE_ACTIONS:
                r = self.stub.Step(
                    pb.StepRequest(session_id=sid, action=Generator.valid_action(1, a)),
                    timeout=self.timeout_s,
                )
                out.append(
                    r.observation.SerializeToString()
                    + repr((list(r.rewards), list(r.terminated), list(r.truncated))).encode()
                )
                if r.terminated[0] or r.truncated[0]:
                    break
            return out
        finally:
            self._close(sid)

    def setup(self) -> Context:
        info = self.stub.GetServerInfo(pb.GetServerInfoRequest(), timeout=self.timeout_s)
        self.report.server = f"{info.server_name} {info.server_version}".strip()
        self.capabilities = set(info.capabilities)
        specs = self.stub.ListEnvs(pb.ListEnvsRequest(), timeout=max(self.timeout_s, 30)).envs
        self.specs = {s.id: s for s in specs}
        self.sessions = [self._open_session(n) for n in (1, 2, 3)]
        return Context(
            sorted(self.specs), {i: sorted(s.kwargs) for i, s in self.specs.items()}, self.sessions
        )

    def sweep_envs(self) -> list[str]:
        """CartPole-v1, then a seeded choice of one env per distinct set of kwarg names (one Atari
        game stands for every game that takes the same kwargs), envs with kwargs only."""
        families: dict[frozenset, list[str]] = {}
        for i, spec in self.specs.items():
            if i != ENV and spec.kwargs:
                families.setdefault(frozenset(spec.kwargs), []).append(i)
        others = [
            self.rng.choice(sorted(ids))
            for _, ids in sorted(families.items(), key=lambda kv: sorted(kv[0]))
        ]
        self.rng.shuffle(others)
        return [ENV] + others[: MAX_SWEEP_ENVS - 1]

    def sweep(self, env_id: str) -> None:
        """Every kwarg of the env with each odd value: refused, or made, reset and stepped once."""
        for name in sorted(self.specs[env_id].kwargs):
            for label, value in SWEEP_VALUES:
                if self.hangs >= MAX_HANGS:
                    return
                req = pb.MakeRequest(env_id=env_id, num_envs=1)
                req.kwargs[name].CopyFrom(value)
                case = Case(
                    f"Make {env_id} kwargs[{name!r}]={label}", "Make", req.SerializeToString()
                )
                self.report.calls["Make"] += 1
                try:
                    made = self.stub.Make(req, timeout=self.timeout_s)
                except grpc.RpcError as e:
                    self._check(case.label, "Make", e.code(), e.details() or "")
                    continue
                self._check(case.label, "Make", grpc.StatusCode.OK, "")
                self._exercise(case.label, made)

    def _exercise(self, label: str, made: pb.MakeResponse) -> None:
        sid = made.session_id
        try:
            for method, req in (
                ("Reset", lambda: pb.ResetRequest(session_id=sid, seed=0)),
                ("Step", lambda: pb.StepRequest(session_id=sid, action=_sample(made))),
            ):
                self.report.calls[method] += 1
                try:
                    getattr(self.stub, method)(req(), timeout=self.timeout_s)
                    self._check(label + f", then {method}", method, grpc.StatusCode.OK, "")
                except grpc.RpcError as e:
                    self._check(label + f", then {method}", method, e.code(), e.details() or "")
                    return
                except Exception as e:  # noqa: BLE001 - e.g. a space the codec cannot sample
                    self._fail(label, method, "client", f"{type(e).__name__}: {e}")
                    return
        finally:
            self._close(sid)


def _sample(made: pb.MakeResponse):
    space = codec.to_space(made.spec.action_space)
    space.seed(0)
    return codec.encode_batch(space, codec.batch_of(space, [space.sample()]))


def _parsed_or_none(cls, data: bytes):
    try:
        return cls.FromString(data)
    except Exception:  # noqa: BLE001
        return None


def run(
    channel: grpc.Channel,
    address: str,
    seed: int,
    requests: int = 3000,
    timeout_s: float = 10.0,
    max_seconds: float = 300.0,
    sweep: bool = True,
    health: bool = True,
) -> Report:
    """Fuzzes the server behind ``channel`` (which must carry the token, if the server wants one:
    see ClientSecurity.intercept) and returns the Report. ``requests`` calls are drawn: a quarter
    random bytes or wire fields, a quarter byte mutations of valid requests, half structured
    requests with extreme fields (Stream cases carry several messages each); the kwargs sweep comes
    on top."""
    f = Fuzzer(channel, address, seed, timeout_s)
    start = time.monotonic()
    ctx = f.setup()
    before = f.episode()
    f.report.episode_steps = len(before) - 1
    gen = Generator(f.rng, ctx)
    methods = list(UNARY_METHODS) + ["Stream"]
    for i in range(requests):
        if time.monotonic() - start > max_seconds:
            f._fail(
                "time budget",
                "-",
                "SLOW",
                f"stopped after {i} of {requests} calls ({max_seconds:g} s)",
            )
            break
        if f.hangs >= MAX_HANGS:
            f._fail(
                "hangs",
                "-",
                "DEADLINE_EXCEEDED",
                f"stopped after {i} of {requests} calls: {f.hangs} "
                f"calls got no answer within {timeout_s:g} s",
            )
            break
        method = methods[i % len(methods)]
        pick = f.rng.random()
        if pick < 0.15:
            case = gen.random_bytes(method)
        elif pick < 0.25:
            case = gen.random_wire(method)
        elif pick < 0.5:
            case = gen.mutated(method)
        else:
            case = gen.field_case(method)
        f.stream(case) if method == "Stream" else f.call(case)
    if sweep and f.hangs < MAX_HANGS:
        for env_id in f.sweep_envs():
            f.sweep(env_id)
        if f.hangs >= MAX_HANGS:
            f._fail(
                "hangs",
                "-",
                "DEADLINE_EXCEEDED",
                f"the kwargs sweep stopped: {f.hangs} calls got no answer within {timeout_s:g} s",
            )
    for sid, _ in f.sessions:
        f._close(sid)
    _after(f, before, health)
    f.report.seconds = time.monotonic() - start
    return f.report


def _after(f: Fuzzer, before: list[bytes], health: bool) -> None:
    """The server must still serve, and serve the same episode."""
    try:
        if health:
            check = f.channel.unary_unary("/grpc.health.v1.Health/Check")
            raw = check(b"", timeout=f.timeout_s)
            if raw[:2] != b"\x08\x01":
                f._fail("after fuzzing", "Health/Check", "NOT SERVING", repr(raw))
        f.stub.GetServerInfo(pb.GetServerInfoRequest(), timeout=f.timeout_s)
        after = f.episode()
    except grpc.RpcError as e:
        f._fail("after fuzzing", "server", e.code().name, e.details() or "")
        return
    if after != before:
        f._fail(
            "after fuzzing",
            "episode",
            "DIFFERENT",
            f"the seeded CartPole-v1 episode differs from the one before fuzzing ({len(before)} vs "
            f"{len(after)} observations)",
        )


__all__ = ["run", "Report", "Fuzzer", "ALLOWED", "CLIENT_ERRORS", "REQUEST_CLASSES"]
