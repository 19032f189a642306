"""gymbridge.v1 messages <-> numpy and gymnasium, both directions: Tensor, Value, Space, and the
batched observations and actions of a session (value.proto says how a space's elements travel).

Clients and the Python server share this module, so both sides encode one way.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from gymbridge.v1 import space_pb2, tensor_pb2, value_pb2

_DTYPES = {
    tensor_pb2.DTYPE_BOOL: np.dtype(np.bool_),
    tensor_pb2.DTYPE_INT8: np.dtype(np.int8),
    tensor_pb2.DTYPE_UINT8: np.dtype(np.uint8),
    tensor_pb2.DTYPE_INT16: np.dtype(np.int16),
    tensor_pb2.DTYPE_UINT16: np.dtype(np.uint16),
    tensor_pb2.DTYPE_INT32: np.dtype(np.int32),
    tensor_pb2.DTYPE_UINT32: np.dtype(np.uint32),
    tensor_pb2.DTYPE_INT64: np.dtype(np.int64),
    tensor_pb2.DTYPE_UINT64: np.dtype(np.uint64),
    tensor_pb2.DTYPE_FLOAT16: np.dtype(np.float16),
    tensor_pb2.DTYPE_FLOAT32: np.dtype(np.float32),
    tensor_pb2.DTYPE_FLOAT64: np.dtype(np.float64),
}
_ENUMS = {t: e for e, t in _DTYPES.items()}
MAX_DIMS = 32  # numpy's own limit is 64; no space needs more than a handful


class CodecError(ValueError):
    """A message that does not follow the contract; the text names the field and what was expected.
    The Python server answers INVALID_ARGUMENT with it."""


# ---- Tensor -------------------------------------------------------------------------------------


def dtype_of(enum: int) -> np.dtype:
    try:
        return _DTYPES[enum]
    except KeyError:
        raise CodecError(
            f"dtype: expected a DType other than DTYPE_UNSPECIFIED, got {enum}"
        ) from None


def dtype_enum(dtype) -> int:
    try:
        return _ENUMS[np.dtype(dtype)]
    except KeyError:
        raise CodecError(f"dtype {np.dtype(dtype)} has no gymbridge.v1 DType") from None


def to_numpy(tensor: tensor_pb2.Tensor, field: str = "tensor") -> np.ndarray:
    """A Tensor as a numpy array of its dtype and shape (native byte order, writable)."""
    dtype = dtype_of(tensor.dtype)
    shape = tuple(tensor.shape)
    if len(shape) > MAX_DIMS:
        raise CodecError(f"{field}.shape: expected at most {MAX_DIMS} dimensions, got {len(shape)}")
    if any(d < 0 for d in shape):
        raise CodecError(f"{field}.shape: expected dimensions >= 0, got {list(shape)}")
    # Python ints: numpy's int64 product wraps around for absurd shapes, and a wrapped 0 would
    # match empty data and fail later in reshape.
    expected = math.prod(shape) * dtype.itemsize
    if len(tensor.data) != expected:
        raise CodecError(
            f"{field}.data: expected {expected} bytes for {dtype} {list(shape)}, "
            f"got {len(tensor.data)}"
        )
    arr = np.frombuffer(tensor.data, dtype=dtype.newbyteorder("<")).reshape(shape)
    if dtype == np.bool_ and arr.size and arr.view(np.uint8).max() > 1:
        raise CodecError(f"{field}.data: bool bytes must be 0 or 1")
    return arr.astype(dtype)  # a native-order, writable copy


def to_tensor(array, dtype=None) -> tensor_pb2.Tensor:
    """A numpy array (or anything np.asarray takes) as a little-endian Tensor."""
    arr = np.asarray(array, dtype=dtype)
    return tensor_pb2.Tensor(
        dtype=dtype_enum(arr.dtype),
        shape=arr.shape,
        data=arr.astype(arr.dtype.newbyteorder("<"), copy=False).tobytes(order="C"),
    )


# ---- Value (kwargs, options, infos) -------------------------------------------------------------


def to_value(x: Any) -> value_pb2.Value:
    """A Python value as a Value: None, bool, int, float, str, numpy arrays (tensors), numpy scalars
    (as the matching Python scalar), lists/tuples and str-keyed dicts, nested."""
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
    if isinstance(x, (list, tuple)):
        return value_pb2.Value(list=value_pb2.ValueList(items=[to_value(i) for i in x]))
    if isinstance(x, Mapping):
        v = value_pb2.Value()
        v.map.SetInParent()
        for k, item in x.items():
            if not isinstance(k, str):
                raise CodecError(f"map key {k!r}: expected a str")
            v.map.entries[k].CopyFrom(to_value(item))
        return v
    raise CodecError(f"no gymbridge.v1 Value encoding for {type(x).__name__}")


def from_value(v: value_pb2.Value, field: str = "value") -> Any:
    """A Value as Python: tensors become numpy arrays, lists lists, maps dicts, unset None."""
    kind = v.WhichOneof("kind")
    if kind is None:
        return None
    if kind == "tensor":
        return to_numpy(v.tensor, field)
    if kind == "list":
        return [from_value(item, f"{field}[{i}]") for i, item in enumerate(v.list.items)]
    if kind == "map":
        return from_value_map(v.map, field)
    return getattr(v, kind)


def from_value_map(m: value_pb2.ValueMap, field: str = "map") -> dict:
    return {k: from_value(item, f"{field}.{k}") for k, item in m.entries.items()}


def to_value_map(d: Mapping) -> value_pb2.ValueMap:
    m = value_pb2.ValueMap()
    for k, item in d.items():
        m.entries[str(k)].CopyFrom(to_value(item))
    return m


# ---- Space --------------------------------------------------------------------------------------


def _box_bound(bound: tensor_pb2.Tensor, shape: tuple, dtype: np.dtype, what: str) -> np.ndarray:
    """A Box's low or high at the Box's full shape: space.proto allows the full shape, or a scalar
    (shape []) that the receiver broadcasts, as gymnasium.spaces.Box(low=scalar) does."""
    arr = to_numpy(bound, f"box.{what}")
    if arr.dtype != dtype:
        raise ValueError(f"Box {what}: dtype {arr.dtype}, expected the Box's {dtype}")
    if arr.shape == ():
        return np.full(shape, arr, dtype=arr.dtype)
    if arr.shape != shape:
        raise ValueError(
            f"Box {what}: shape {list(arr.shape)}, expected the Box's {list(shape)} or [] "
            "(a scalar broadcast to it)"
        )
    return arr


def to_space(space: space_pb2.Space) -> spaces.Space:
    """A Space message as the gymnasium.spaces object it describes."""
    kind = space.WhichOneof("kind")
    if kind == "box":
        b = space.box
        shape = tuple(b.shape)
        dtype = dtype_of(b.dtype)
        low = _box_bound(b.low, shape, dtype, "low")
        high = _box_bound(b.high, shape, dtype, "high")
        return spaces.Box(low=low, high=high, shape=shape, dtype=dtype)
    if kind == "discrete":
        return spaces.Discrete(space.discrete.n, start=space.discrete.start)
    if kind == "multi_discrete":
        md = space.multi_discrete
        nvec = to_numpy(md.nvec, "multi_discrete.nvec")
        start = (
            to_numpy(md.start, "multi_discrete.start")
            if md.HasField("start") and md.start.data
            else None
        )
        return spaces.MultiDiscrete(nvec, dtype=nvec.dtype, start=start)
    if kind == "multi_binary":
        shape = list(space.multi_binary.shape)
        return spaces.MultiBinary(shape[0] if len(shape) == 1 else shape)
    if kind == "tuple":
        return spaces.Tuple([to_space(s) for s in space.tuple.spaces])
    if kind == "dict":
        return spaces.Dict({e.key: to_space(e.space) for e in space.dict.entries})
    if kind == "text":
        t = space.text
        return spaces.Text(t.max_length, min_length=t.min_length, charset=t.charset)
    raise ValueError(f"space of kind {kind}")


def _bound(arr: np.ndarray) -> tensor_pb2.Tensor:
    """Box bounds: one scalar when every element is equal (space.proto), else the full array."""
    flat = arr.reshape(-1)
    if flat.size and (np.all(flat == flat[0]) or np.all(np.isnan(flat))):
        return to_tensor(flat[0].reshape(()))
    return to_tensor(arr)


def from_space(space: spaces.Space) -> space_pb2.Space:
    """A gymnasium space as a Space message; CodecError for spaces the contract cannot carry."""
    if isinstance(space, spaces.Box):
        return space_pb2.Space(
            box=space_pb2.BoxSpace(
                dtype=dtype_enum(space.dtype),
                shape=space.shape,
                low=_bound(np.asarray(space.low, dtype=space.dtype)),
                high=_bound(np.asarray(space.high, dtype=space.dtype)),
            )
        )
    if isinstance(space, spaces.Discrete):
        return space_pb2.Space(
            discrete=space_pb2.DiscreteSpace(n=int(space.n), start=int(space.start))
        )
    if isinstance(space, spaces.MultiDiscrete):
        return space_pb2.Space(
            multi_discrete=space_pb2.MultiDiscreteSpace(
                nvec=to_tensor(space.nvec, space.dtype), start=to_tensor(space.start, space.dtype)
            )
        )
    if isinstance(space, spaces.MultiBinary):
        return space_pb2.Space(multi_binary=space_pb2.MultiBinarySpace(shape=space.shape))
    if isinstance(space, spaces.Tuple):
        return space_pb2.Space(
            tuple=space_pb2.TupleSpace(spaces=[from_space(s) for s in space.spaces])
        )
    if isinstance(space, spaces.Dict):
        entries = [space_pb2.DictEntry(key=k, space=from_space(s)) for k, s in space.spaces.items()]
        return space_pb2.Space(dict=space_pb2.DictSpace(entries=entries))
    if isinstance(space, spaces.Text):
        return space_pb2.Space(
            text=space_pb2.TextSpace(
                min_length=space.min_length,
                max_length=space.max_length,
                charset="".join(space.character_list),
            )
        )
    raise CodecError(
        f"{type(space).__name__} has no gymbridge.v1 encoding (Box, Discrete, MultiDiscrete, "
        "MultiBinary, Tuple, Dict and Text do)"
    )


# ---- Batched elements of a space ---------------------------------------------------------------


def _element_dtype(space: spaces.Space) -> np.dtype:
    return np.dtype(np.int8) if isinstance(space, spaces.MultiBinary) else np.dtype(space.dtype)


def encode_batch(space: spaces.Space, batch: Any) -> value_pb2.Value:
    """A batch of space elements, laid out as gymnasium.vector.utils.batch_space(space, n) lays it
    out (what concatenate() returns), as a Value."""
    if isinstance(space, (spaces.Box, spaces.Discrete, spaces.MultiDiscrete, spaces.MultiBinary)):
        return value_pb2.Value(tensor=to_tensor(np.asarray(batch, dtype=_element_dtype(space))))
    if isinstance(space, spaces.Tuple):
        items = [encode_batch(s, b) for s, b in zip(space.spaces, batch, strict=True)]
        return value_pb2.Value(list=value_pb2.ValueList(items=items))
    if isinstance(space, spaces.Dict):
        v = value_pb2.Value()
        v.map.SetInParent()
        for k, s in space.spaces.items():
            v.map.entries[k].CopyFrom(encode_batch(s, batch[k]))
        return v
    if isinstance(space, spaces.Text):
        return value_pb2.Value(
            list=value_pb2.ValueList(items=[value_pb2.Value(string_value=s) for s in batch])
        )
    raise CodecError(f"{type(space).__name__} has no gymbridge.v1 encoding")


def decode_batch(space: spaces.Space, value: value_pb2.Value, n: int, field: str) -> Any:
    """A Value holding n batched elements of space, checked for kind, dtype and shape (not for
    membership), as the structure batch_space(space, n) describes: arrays, tuples, dicts."""
    kind = value.WhichOneof("kind")
    if isinstance(space, (spaces.Box, spaces.Discrete, spaces.MultiDiscrete, spaces.MultiBinary)):
        dtype = _element_dtype(space)
        shape = (n, *space.shape)
        if kind != "tensor":
            raise CodecError(
                f"{field}: expected a tensor of {dtype} {list(shape)} for {space}, got {kind}"
            )
        got = dtype_of(value.tensor.dtype)
        if got != dtype:
            raise CodecError(
                f"{field}: expected dtype {dtype} (the space's dtype) for {space}, got {got}"
            )
        if tuple(value.tensor.shape) != shape:
            raise CodecError(
                f"{field}: expected shape {list(shape)} ({n} envs of {space}), "
                f"got {list(value.tensor.shape)}"
            )
        return to_numpy(value.tensor, field)
    if isinstance(space, spaces.Tuple):
        if kind != "list" or len(value.list.items) != len(space.spaces):
            got = len(value.list.items) if kind == "list" else kind
            raise CodecError(
                f"{field}: expected a list of {len(space.spaces)} items for {space}, got {got}"
            )
        return tuple(
            decode_batch(s, item, n, f"{field}[{i}]")
            for i, (s, item) in enumerate(zip(space.spaces, value.list.items, strict=True))
        )
    if isinstance(space, spaces.Dict):
        if kind != "map" or set(value.map.entries) != set(space.spaces):
            got = sorted(value.map.entries) if kind == "map" else kind
            raise CodecError(f"{field}: expected a map with keys {list(space.spaces)}, got {got}")
        return {
            k: decode_batch(s, value.map.entries[k], n, f"{field}.{k}")
            for k, s in space.spaces.items()
        }
    if isinstance(space, spaces.Text):
        if kind != "list" or len(value.list.items) != n:
            raise CodecError(f"{field}: expected a list of {n} strings for {space}")
        out = []
        for i, item in enumerate(value.list.items):
            if item.WhichOneof("kind") != "string_value":
                raise CodecError(f"{field}[{i}]: expected a string_value")
            out.append(item.string_value)
        return tuple(out)
    raise CodecError(f"{type(space).__name__} has no gymbridge.v1 encoding")


def element(space: spaces.Space, batch: Any, i: int) -> Any:
    """Element i of a batch, as one env would return it (Discrete: a numpy int64 scalar)."""
    if isinstance(space, (spaces.Box, spaces.MultiDiscrete, spaces.MultiBinary)):
        return batch[i]
    if isinstance(space, spaces.Discrete):
        return batch[i]  # np.int64, as gymnasium's iterate() gives
    if isinstance(space, spaces.Tuple):
        return tuple(element(s, b, i) for s, b in zip(space.spaces, batch, strict=True))
    if isinstance(space, spaces.Dict):
        return {k: element(s, batch[k], i) for k, s in space.spaces.items()}
    if isinstance(space, spaces.Text):
        return batch[i]
    raise CodecError(f"{type(space).__name__} has no gymbridge.v1 encoding")


def batch_of(space: spaces.Space, items: list) -> Any:
    """Single elements stacked as batch_space(space, len(items)) lays them out."""
    out = gym.vector.utils.create_empty_array(space, n=len(items), fn=np.zeros)
    return gym.vector.utils.concatenate(space, items, out)
