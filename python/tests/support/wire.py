"""gymbridge.v1 on the wire, for the tests: Tensor <-> numpy, Value encoding, Space -> gymnasium
space, and a small client whose every call carries a deadline. Import after the stubs are on sys.path (conftest does it)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import grpc
import gymnasium as gym
import numpy as np

from gymbridge.v1 import env_service_pb2 as pb
from gymbridge.v1 import env_service_pb2_grpc as pb_grpc
from gymbridge.v1 import space_pb2, tensor_pb2, value_pb2

DEADLINE_S = 10.0

_DTYPES = {
    tensor_pb2.DTYPE_BOOL: np.bool_,
    tensor_pb2.DTYPE_INT8: np.int8,
    tensor_pb2.DTYPE_UINT8: np.uint8,
    tensor_pb2.DTYPE_INT16: np.int16,
    tensor_pb2.DTYPE_UINT16: np.uint16,
    tensor_pb2.DTYPE_INT32: np.int32,
    tensor_pb2.DTYPE_UINT32: np.uint32,
    tensor_pb2.DTYPE_INT64: np.int64,
    tensor_pb2.DTYPE_UINT64: np.uint64,
    tensor_pb2.DTYPE_FLOAT16: np.float16,
    tensor_pb2.DTYPE_FLOAT32: np.float32,
    tensor_pb2.DTYPE_FLOAT64: np.float64,
}
_ENUMS = {np.dtype(t): e for e, t in _DTYPES.items()}


def to_numpy(tensor: tensor_pb2.Tensor) -> np.ndarray:
    """A Tensor as a numpy array of its dtype and shape (native byte order)."""
    if tensor.dtype not in _DTYPES:
        raise ValueError(f"tensor dtype {tensor.dtype} has no numpy equivalent")
    dtype = np.dtype(_DTYPES[tensor.dtype])
    arr = np.frombuffer(tensor.data, dtype=dtype.newbyteorder("<"))
    return arr.reshape(tuple(tensor.shape)).astype(dtype)


def to_tensor(array, dtype=None) -> tensor_pb2.Tensor:
    """A numpy array (or anything np.asarray takes) as a little-endian Tensor."""
    arr = np.asarray(array, dtype=dtype)
    return tensor_pb2.Tensor(
        dtype=_ENUMS[arr.dtype],
        shape=arr.shape,
        data=arr.astype(arr.dtype.newbyteorder("<"), copy=False).tobytes(order="C"),
    )


def to_value(x) -> value_pb2.Value:
    """A Python scalar, string or numpy array as a Value (kwargs, options, actions)."""
    if x is None:
        return value_pb2.Value()
    if isinstance(x, (bool, np.bool_)):
        return value_pb2.Value(bool_value=bool(x))
    if isinstance(x, (int, np.integer)):
        return value_pb2.Value(int_value=int(x))
    if isinstance(x, (float, np.floating)):
        return value_pb2.Value(float_value=float(x))
    if isinstance(x, str):
        return value_pb2.Value(string_value=x)
    if isinstance(x, np.ndarray):
        return value_pb2.Value(tensor=to_tensor(x))
    raise TypeError(f"no Value encoding for {type(x).__name__}")


def observation(value: value_pb2.Value) -> np.ndarray:
    """A batched Box observation Value as numpy."""
    if value.WhichOneof("kind") != "tensor":
        raise AssertionError(f"expected a tensor observation, got {value.WhichOneof('kind')}")
    return to_numpy(value.tensor)


def box_bound(bound: tensor_pb2.Tensor, shape: tuple, dtype, what: str) -> np.ndarray:
    """A Box's low or high at the Box's full shape: space.proto allows the full shape, or a scalar
    (shape []) that the receiver broadcasts, as gymnasium.spaces.Box(low=scalar) does."""
    arr = to_numpy(bound)
    if arr.dtype != np.dtype(dtype):
        raise ValueError(f"Box {what}: dtype {arr.dtype}, expected the Box's {np.dtype(dtype)}")
    if arr.shape == ():
        return np.full(shape, arr, dtype=arr.dtype)
    if arr.shape != shape:
        raise ValueError(
            f"Box {what}: shape {list(arr.shape)}, expected the Box's {list(shape)} or [] "
            "(a scalar broadcast to it)"
        )
    return arr


def to_space(space: space_pb2.Space) -> gym.spaces.Space:
    """A Space message as the gymnasium.spaces object it describes."""
    kind = space.WhichOneof("kind")
    if kind == "box":
        b = space.box
        shape = tuple(b.shape)
        dtype = _DTYPES[b.dtype]
        low = box_bound(b.low, shape, dtype, "low")
        high = box_bound(b.high, shape, dtype, "high")
        return gym.spaces.Box(low=low, high=high, shape=shape, dtype=dtype)
    if kind == "discrete":
        return gym.spaces.Discrete(space.discrete.n, start=space.discrete.start)
    if kind == "multi_discrete":
        md = space.multi_discrete
        nvec = to_numpy(md.nvec)
        start = to_numpy(md.start) if md.HasField("start") and md.start.data else None
        return gym.spaces.MultiDiscrete(nvec, dtype=nvec.dtype, start=start)
    if kind == "multi_binary":
        return gym.spaces.MultiBinary(list(space.multi_binary.shape))
    if kind == "tuple":
        return gym.spaces.Tuple([to_space(s) for s in space.tuple.spaces])
    if kind == "dict":
        return gym.spaces.Dict({e.key: to_space(e.space) for e in space.dict.entries})
    if kind == "text":
        t = space.text
        return gym.spaces.Text(t.max_length, min_length=t.min_length, charset=t.charset)
    raise ValueError(f"space of kind {kind}")


class Client:
    """Thin EnvService wrappers; every call has a deadline of DEADLINE_S seconds."""

    def __init__(self, channel: grpc.Channel, deadline_s: float = DEADLINE_S):
        self.stub = pb_grpc.EnvServiceStub(channel)
        self.deadline_s = deadline_s

    def list_envs(self) -> pb.ListEnvsResponse:
        return self.stub.ListEnvs(pb.ListEnvsRequest(), timeout=self.deadline_s)

    def make(self, env_id: str, num_envs: int = 1, autoreset_mode=pb.AUTORESET_MODE_DISABLED,
             kwargs: Mapping | None = None, max_episode_steps: int | None = None) -> pb.MakeResponse:
        req = pb.MakeRequest(env_id=env_id, num_envs=num_envs, autoreset_mode=autoreset_mode)
        for k, v in (kwargs or {}).items():
            req.kwargs[k].CopyFrom(to_value(v))
        if max_episode_steps is not None:
            req.max_episode_steps = max_episode_steps
        return self.stub.Make(req, timeout=self.deadline_s)

    def reset(self, session_id: str, seed=None, options: Mapping | None = None) -> pb.ResetResponse:
        """seed: None (continue every RNG), an int (env i gets seed + i) or a list of int/None."""
        req = pb.ResetRequest(session_id=session_id)
        if isinstance(seed, Sequence):
            req.seeds.SetInParent()
            for s in seed:
                entry = req.seeds.seeds.add()
                if s is not None:
                    entry.seed = s
        elif seed is not None:
            req.seed = seed
        for k, v in (options or {}).items():
            req.options[k].CopyFrom(to_value(v))
        return self.stub.Reset(req, timeout=self.deadline_s)

    def step(self, session_id: str, actions, dtype=np.int64) -> pb.StepResponse:
        """actions: one per env, sent as a [num_envs] tensor of `dtype` (Discrete: int64)."""
        req = pb.StepRequest(session_id=session_id)
        req.action.tensor.CopyFrom(to_tensor(np.asarray(actions).reshape(-1), dtype=dtype))
        return self.stub.Step(req, timeout=self.deadline_s)

    def close(self, session_id: str) -> None:
        self.stub.Close(pb.CloseRequest(session_id=session_id), timeout=self.deadline_s)
