"""The requests the fuzzer sends: random bytes, random wire fields, byte mutations of real requests,
and structured requests with extreme field values (sizes, depths, env counts, seeds, actions of
the wrong shape or type). Every case has a label naming its kind, so that a failure report says
which kind of request a server mishandles."""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from gymbridge.conformance.fuzz import wire
from gymbridge.v1 import env_service_pb2 as pb
from gymbridge.v1 import tensor_pb2, value_pb2

UNARY_METHODS = ("GetServerInfo", "ListEnvs", "Make", "Reset", "Step", "Render", "Close")
REQUEST_CLASSES = {
    "GetServerInfo": pb.GetServerInfoRequest,
    "ListEnvs": pb.ListEnvsRequest,
    "Make": pb.MakeRequest,
    "Reset": pb.ResetRequest,
    "Step": pb.StepRequest,
    "Render": pb.RenderRequest,
    "Close": pb.CloseRequest,
}
STREAM_FIELDS = {"Make": 1, "Reset": 2, "Step": 3, "Render": 4, "Close": 5}  # StreamRequest oneof
ENV = "CartPole-v1"  # the env every server under test has (Discrete(2) actions: int64)

V, T = value_pb2.Value, tensor_pb2.Tensor


@dataclass
class Case:
    """One call: a unary request's bytes, or a Stream's messages (bytes, or a function of the
    session ids the stream has made so far, for requests that use them)."""

    label: str
    method: str
    payload: bytes = b""
    messages: list[bytes | Callable[[list[str]], bytes]] = field(default_factory=list)


@dataclass
class Context:
    """What the generators may refer to: the server's env ids and kwargs, and open sessions of
    ENV with their env counts (made and reset by the fuzzer)."""

    env_ids: list[str]
    kwarg_names: dict[str, list[str]]
    sessions: list[tuple[str, int]]


def _s(v) -> bytes:
    return v.SerializeToString()


def extreme_values() -> list[tuple[str, bytes]]:
    """Serialized Values at and past every limit a server might have (and past protobuf's own
    recursion limit of 100, which only hand-made bytes reach)."""
    tens = [
        ("tensor of dtype DTYPE_UNSPECIFIED", T(dtype=0, shape=[1], data=b"\0")),
        ("tensor of unknown dtype 99", T(dtype=99, shape=[1], data=b"\0")),
        ("tensor of shape [2**62] without data", T(dtype=tensor_pb2.DTYPE_UINT8, shape=[1 << 62])),
        (
            "tensor of shape [2**32, 2**32] without data",
            T(dtype=tensor_pb2.DTYPE_UINT8, shape=[1 << 32, 1 << 32]),
        ),
        ("tensor of shape [-1]", T(dtype=tensor_pb2.DTYPE_UINT8, shape=[-1])),
        (
            "tensor of 40 dimensions",
            T(dtype=tensor_pb2.DTYPE_FLOAT64, shape=[1] * 40, data=bytes(8)),
        ),
        (
            "tensor of 70 dimensions",
            T(dtype=tensor_pb2.DTYPE_FLOAT64, shape=[1] * 70, data=bytes(8)),
        ),
        ("tensor of bool byte 2", T(dtype=tensor_pb2.DTYPE_BOOL, shape=[1], data=b"\x02")),
        (
            "tensor of float64 NaN",
            T(dtype=tensor_pb2.DTYPE_FLOAT64, shape=[], data=b"\0" * 6 + b"\xf8\x7f"),
        ),
        (
            "tensor of 512x512 float64",
            T(dtype=tensor_pb2.DTYPE_FLOAT64, shape=[512, 512], data=bytes(8 << 18)),
        ),
        (
            "tensor with data shorter than its shape",
            T(dtype=tensor_pb2.DTYPE_INT64, shape=[4], data=bytes(8)),
        ),
    ]
    big_list = V()
    big_list.list.items.extend(V(int_value=i) for i in range(100_000))
    big_map = V()
    big_map.map.SetInParent()
    for i in range(1000):
        big_map.map.entries[f"k{i}"].int_value = i
    long_key = V()
    long_key.map.entries["k" * 70_000].int_value = 1
    out = [
        ("None", _s(V())),
        ("bool", _s(V(bool_value=True))),
        ("int -1", _s(V(int_value=-1))),
        ("int 2**63-1", _s(V(int_value=(1 << 63) - 1))),
        ("int -2**63", _s(V(int_value=-(1 << 63)))),
        ("float NaN", _s(V(float_value=math.nan))),
        ("float inf", _s(V(float_value=math.inf))),
        ("float -inf", _s(V(float_value=-math.inf))),
        ("float 1e308", _s(V(float_value=1e308))),
        ("float -1e308", _s(V(float_value=-1e308))),
        ("empty string", _s(V(string_value=""))),
        ("string with NUL and non-ASCII", _s(V(string_value="\x00\u2603\U0001f600"))),
        ("string of 70000 characters", _s(V(string_value="x" * 70_000))),
        ("string of 1 MiB", _s(V(string_value="x" * (1 << 20)))),
        ("empty list", _s(V(list=value_pb2.ValueList()))),
        ("list of 100000 ints", _s(big_list)),
        ("empty map", _s(V(map=value_pb2.ValueMap()))),
        ("map of 1000 entries", _s(big_map)),
        ("map key of 70000 characters", _s(long_key)),
        ("string as invalid UTF-8", wire.field_len(4, b"\xff\xfe\xc3")),
    ]
    out += [(f"lists nested {d} deep", wire.deep_list(d)) for d in (16, 17, 64, 99, 101, 300)]
    out += [(f"maps nested {d} deep", wire.deep_map(d)) for d in (17, 101)]
    out += [(label, _s(V(tensor=t))) for label, t in tens]
    return out


# Plain odd values for a kwarg the env does take: each should be refused or work, never crash.
SWEEP_VALUES: list[tuple[str, V]] = [
    ("None", V()),
    ("true", V(bool_value=True)),
    ("false", V(bool_value=False)),
    ("-1", V(int_value=-1)),
    ("0", V(int_value=0)),
    ("10**6", V(int_value=10**6)),  # sizes: a frame stack or screen of a million
    ("2**31-1", V(int_value=(1 << 31) - 1)),
    ("2**62", V(int_value=1 << 62)),
    ("-2**62", V(int_value=-(1 << 62))),
    ("1e308", V(float_value=1e308)),
    ("NaN", V(float_value=math.nan)),
    ("-inf", V(float_value=-math.inf)),
    ("0.5", V(float_value=0.5)),
    ("empty string", V(string_value="")),
    ("'nonsense'", V(string_value="nonsense")),
    (
        "[1, 2, 3]",
        V(list=value_pb2.ValueList(items=[V(int_value=1), V(int_value=2), V(int_value=3)])),
    ),
    ("{'a': 1}", V(map=value_pb2.ValueMap(entries={"a": V(int_value=1)}))),
    (
        "2x2 float64 tensor",
        V(tensor=T(dtype=tensor_pb2.DTYPE_FLOAT64, shape=[2, 2], data=bytes(32))),
    ),
]

ODD_SESSION_IDS = ["", "s-0000000000000000", "s-" + "f" * 16, "x" * 100_000, "\u2603", "../s-1"]
ODD_ENV_IDS = [
    "",
    "cartpole-v1",
    "CartPole-v1\x00",
    "CartPole-v1 ",
    "../../etc/passwd",
    "ALE/",
    "x" * 100_000,
    "\u2603-v0",
    "CartPole-v0",
]


class Generator:
    """Draws cases from a seeded random.Random; Context says what exists on the server."""

    def __init__(self, rng: random.Random, ctx: Context):
        self.rng = rng
        self.ctx = ctx
        self.extremes = extreme_values()

    # ---- pieces -----------------------------------------------------------------------------

    def _session(self) -> tuple[str, int]:
        if self.ctx.sessions and self.rng.random() < 0.75:
            return self.rng.choice(self.ctx.sessions)
        return self.rng.choice(ODD_SESSION_IDS), 1

    def _kwarg_key(self) -> str:
        known = self.ctx.kwarg_names.get(ENV, [])
        return self.rng.choice(
            known + ["x", "", "render_mode", "max_episode_steps", "__class__", "k" * 300]
        )

    @staticmethod
    def valid_action(n: int, value: int = 0) -> V:
        return V(
            tensor=T(
                dtype=tensor_pb2.DTYPE_INT64,
                shape=[n],
                data=value.to_bytes(8, "little", signed=True) * n,
            )
        )

    # ---- structured requests, by method ---------------------------------------------------------

    def make(self) -> tuple[str, bytes]:
        r = self.rng
        base = pb.MakeRequest(env_id=ENV, num_envs=1, autoreset_mode=pb.AUTORESET_MODE_DISABLED)
        kind = r.choice(
            [
                "num_envs",
                "autoreset_mode",
                "render_mode",
                "max_episode_steps",
                "env_id",
                "kwargs",
                "kwargs",
                "kwargs",
                "many kwargs",
            ]
        )
        if kind == "num_envs":
            n = r.choice([0, 2, 7, 1024, 1025, 1 << 31, (1 << 32) - 1])
            base.num_envs = n
            return f"Make num_envs={n}", _s(base)
        if kind == "autoreset_mode":  # an open enum: unknown numbers parse
            m = r.choice([-1, 4, 99, (1 << 31) - 1])
            return f"Make autoreset_mode={m}", _s(base) + wire.field_varint(4, m)
        if kind == "render_mode":
            m = r.choice(["human", "ansi", "rgb_array_list", "depth_array", "x" * 1000, "\x00"])
            base.render_mode = m
            return f"Make render_mode={m[:20]!r}", _s(base)
        if kind == "max_episode_steps":
            m = r.choice([-(1 << 31), -1, 0, 1, (1 << 31) - 1])
            base.max_episode_steps = m
            return f"Make max_episode_steps={m}", _s(base)
        if kind == "env_id":
            e = r.choice(
                ODD_ENV_IDS + [i for i in self.ctx.env_ids if not i.startswith("ALE/")][:8]
            )
            base.env_id = e
            return f"Make env_id={e[:30]!r}", _s(base)
        if kind == "many kwargs":
            entries = b"".join(
                wire.field_len(2, wire.map_entry(f"k{i}", b"")) for i in range(10_000)
            )
            return "Make with 10000 kwargs", _s(base) + entries
        label, value = r.choice(self.extremes)
        key = self._kwarg_key()
        return f"Make kwargs[{key[:20]!r}]={label}", _s(base) + wire.field_len(
            2, wire.map_entry(key, value)
        )

    def reset(self) -> tuple[str, bytes]:
        r = self.rng
        sid, n = self._session()
        base = _s(pb.ResetRequest(session_id=sid))
        kind = r.choice(["seed", "seeds", "options", "options", "reset_mask", "session_id"])
        if kind == "seed":
            s = r.choice([-1, -(1 << 63), (1 << 63) - 1, (1 << 63) - 2, 1 << 62, 0])
            return f"Reset seed={s}", base + wire.field_varint(2, s)
        if kind == "seeds":
            count = r.choice([0, n - 1, n, n + 1, 10_000])
            entries = []
            for _ in range(count):
                e = pb.OptionalSeed()
                if r.random() < 0.8:
                    e.seed = r.choice([0, 1, -1, (1 << 63) - 1, -(1 << 63)])
                entries.append(e)
            return f"Reset seeds list of {count} (session of {n})", _s(
                pb.ResetRequest(session_id=sid, seeds=pb.SeedList(seeds=entries))
            )
        if kind == "options":
            key = r.choice(["low", "high", "x", "", "low"])
            if r.random() < 0.5:
                label, value = r.choice(self.extremes)
            else:
                label, v = r.choice(SWEEP_VALUES)
                value = _s(v)
            return f"Reset options[{key!r}]={label}", base + wire.field_len(
                4, wire.map_entry(key, value)
            )
        if kind == "reset_mask":
            count = r.choice([0, n - 1, n + 1, 100_000])
            mask = [r.random() < 0.5 for _ in range(count)]
            return f"Reset reset_mask of {count} (session of {n})", _s(
                pb.ResetRequest(session_id=sid, seed=1, reset_mask=mask)
            )
        sid = r.choice(ODD_SESSION_IDS)
        return f"Reset session_id={sid[:20]!r}", _s(pb.ResetRequest(session_id=sid, seed=0))

    def step(self) -> tuple[str, bytes]:
        r = self.rng
        sid, n = self._session()
        kind = r.choice(["value", "dtype", "shape", "kind", "extreme"])
        if kind == "value":
            a = r.choice([-1, 2, 1 << 62, -(1 << 63), 0, 1])
            return f"Step action value {a}", _s(
                pb.StepRequest(session_id=sid, action=self.valid_action(n, a))
            )
        if kind == "dtype":
            d = r.choice([0, 1, 3, 6, 7, 9, 10, 11, 12, 99])
            size = {0: 1, 1: 1, 3: 1, 10: 2, 6: 4, 7: 4, 11: 4, 99: 1}.get(d, 8)
            t = T(dtype=d, shape=[n], data=bytes(size * n))
            return f"Step action dtype {d}", _s(pb.StepRequest(session_id=sid, action=V(tensor=t)))
        if kind == "shape":
            shape = r.choice(
                [[], [n + 1], [n, 1], [0], [-1], [1 << 40], [n] + [1] * 40, [1 << 32, 1 << 32]]
            )
            count = math.prod(shape) if all(0 <= d < 64 for d in shape) else 0
            t = T(dtype=tensor_pb2.DTYPE_INT64, shape=shape, data=bytes(8 * count))
            return f"Step action shape {shape[:4]}{'...' if len(shape) > 4 else ''}", _s(
                pb.StepRequest(session_id=sid, action=V(tensor=t))
            )
        if kind == "kind":
            v = r.choice(
                [
                    V(),
                    V(int_value=1),
                    V(string_value="left"),
                    V(list=value_pb2.ValueList()),
                    V(map=value_pb2.ValueMap()),
                    V(bool_value=True),
                ]
            )
            return f"Step action of kind {v.WhichOneof('kind')}", _s(
                pb.StepRequest(session_id=sid, action=v)
            )
        label, value = r.choice(self.extremes)
        return f"Step action={label}", _s(pb.StepRequest(session_id=sid)) + wire.field_len(2, value)

    def render(self) -> tuple[str, bytes]:
        sid, _ = self._session()
        return "Render", _s(pb.RenderRequest(session_id=sid))

    def close(self) -> tuple[str, bytes]:
        sid = self.rng.choice(ODD_SESSION_IDS)
        return f"Close session_id={sid[:20]!r}", _s(pb.CloseRequest(session_id=sid))

    def structured(self, method: str) -> tuple[str, bytes]:
        if method in ("GetServerInfo", "ListEnvs"):
            return f"{method} with unknown fields", wire.random_fields(
                self.rng, self.rng.randint(1, 6)
            )
        return getattr(self, method.lower())()

    # ---- whole cases --------------------------------------------------------------------------

    def random_bytes(self, method: str) -> Case:
        n = self.rng.choice([0, 1, 2, 3, 5, 8, 16, 64, 256, 4096])
        data = self.rng.randbytes(n)
        if method == "Stream":
            return Case(
                "random bytes",
                method,
                messages=[self.rng.randbytes(n) for _ in range(self.rng.randint(1, 3))],
            )
        return Case("random bytes", method, data)

    def random_wire(self, method: str) -> Case:
        data = wire.random_fields(self.rng, self.rng.randint(1, 8))
        if method == "Stream":
            return Case("random wire fields", method, messages=[data])
        return Case("random wire fields", method, data)

    def valid(self, method: str) -> bytes:
        """A well-formed request of method (sessions: one of the fuzzer's; Close: of no session)."""
        sid, n = self.ctx.sessions[0] if self.ctx.sessions else ("s-0", 1)
        if method == "Make":
            req = pb.MakeRequest(
                env_id=ENV,
                num_envs=2,
                autoreset_mode=pb.AUTORESET_MODE_SAME_STEP,
                max_episode_steps=5,
            )
            req.kwargs["sutton_barto_reward"].bool_value = True
            return _s(req)
        if method == "Reset":
            req = pb.ResetRequest(
                session_id=sid,
                seeds=pb.SeedList(seeds=[pb.OptionalSeed(seed=3)] * n),
                reset_mask=[True] * n,
            )
            req.options["low"].float_value = -0.01
            req.options["high"].float_value = 0.01
            return _s(req)
        if method == "Step":
            return _s(pb.StepRequest(session_id=sid, action=self.valid_action(n, 1)))
        if method == "Render":
            return _s(pb.RenderRequest(session_id=sid))
        if method == "Close":
            return _s(pb.CloseRequest(session_id="s-0123456789abcdef"))
        return _s(REQUEST_CLASSES[method]())

    def mutated(self, method: str) -> Case:
        if method == "Stream":
            inner = self.rng.choice(list(STREAM_FIELDS))
            op, data = wire.mutate(
                self.rng, wire.field_len(STREAM_FIELDS[inner], self.valid(inner))
            )
            return Case(f"{op} of a valid StreamRequest({inner.lower()})", method, messages=[data])
        op, data = wire.mutate(self.rng, self.valid(method))
        return Case(f"{op} of a valid {method}Request", method, data)

    def field_case(self, method: str) -> Case:
        if method == "Stream":
            return self.stream()
        label, data = self.structured(method)
        return Case(label, method, data)

    def stream(self) -> Case:
        """1-8 requests on one stream, mostly well-formed and about a session made on it."""
        r = self.rng
        msgs: list = []
        labels = []
        if r.random() < 0.7:
            msgs.append(
                wire.field_len(1, _s(pb.MakeRequest(env_id=ENV, num_envs=r.choice([1, 2]))))
            )
            labels.append("make")
        for _ in range(r.randint(1, 7)):
            pick = r.random()
            if pick < 0.1:
                msgs.append(r.randbytes(r.choice([1, 7, 50])))
                labels.append("random bytes")
            elif pick < 0.15:
                msgs.append(b"")  # a StreamRequest with no request set
                labels.append("empty")
            elif pick < 0.45:
                method = r.choice(["Make", "Reset", "Step", "Render", "Close"])
                label, data = self.structured(method)
                msgs.append(wire.field_len(STREAM_FIELDS[method], data))
                labels.append(label)
            else:
                method = r.choice(["Reset", "Step", "Step", "Render", "Close"])
                msgs.append(_on_stream_session(method))
                labels.append(method.lower())
        return Case("Stream of " + ", ".join(labels)[:200], "Stream", messages=msgs)


def _on_stream_session(method: str) -> Callable[[list[tuple[str, int]]], bytes]:
    """A well-formed request about the session the stream made last (or of no session)."""

    def build(made: list[tuple[str, int]]) -> bytes:
        sid, n = made[-1] if made else ("s-none", 1)
        if method == "Reset":
            req = _s(pb.ResetRequest(session_id=sid, seed=7))
        elif method == "Step":
            req = _s(pb.StepRequest(session_id=sid, action=Generator.valid_action(n, 1)))
        elif method == "Render":
            req = _s(pb.RenderRequest(session_id=sid))
        else:
            req = _s(pb.CloseRequest(session_id=sid))
        return wire.field_len(STREAM_FIELDS[method], req)

    return build
