"""gymbridge.codec both ways: every space kind the contract carries survives Space -> message ->
Space exactly, batches of elements survive encode -> decode, Values keep their Python types, and
malformed messages are refused with the field named."""

from __future__ import annotations

import numpy as np
import pytest
from gymnasium import spaces
from gymnasium.utils.env_checker import data_equivalence

from gymbridge import codec
from gymbridge.v1 import tensor_pb2, value_pb2

SPACES = {
    "box-f32": spaces.Box(-1.0, 2.0, (3, 2), np.float32),
    "box-per-element": spaces.Box(np.array([-1.0, 0.0]), np.array([1.0, np.inf]), dtype=np.float64),
    "box-uint8-image": spaces.Box(0, 255, (8, 6, 3), np.uint8),
    "discrete-start": spaces.Discrete(5, start=-2),
    "multi-discrete": spaces.MultiDiscrete([3, 4, 2], start=[1, 0, -1]),
    "multi-binary": spaces.MultiBinary(4),
    "multi-binary-2d": spaces.MultiBinary([2, 3]),
    "tuple": spaces.Tuple((spaces.Discrete(32), spaces.Discrete(11), spaces.Discrete(2))),
    "dict-nested": spaces.Dict(
        {
            "pos": spaces.Box(-1, 1, (2,), np.float32),
            "inner": spaces.Dict({"k": spaces.Discrete(3)}),
            "t": spaces.Tuple((spaces.MultiBinary(2), spaces.Discrete(2))),
        }
    ),
    "text": spaces.Text(5, min_length=1, charset="abc"),
}


@pytest.mark.parametrize("name", sorted(SPACES))
def test_a_space_survives_the_round_trip_exactly(name):
    space = SPACES[name]
    back = codec.to_space(codec.from_space(space))
    assert back == space
    if isinstance(space, spaces.Box):
        assert back.dtype == space.dtype and back.low.tobytes() == space.low.tobytes()


def test_equal_box_bounds_travel_as_one_scalar():
    msg = codec.from_space(SPACES["box-uint8-image"]).box
    assert list(msg.low.shape) == [] and list(msg.high.shape) == []


@pytest.mark.parametrize("name", sorted(SPACES))
def test_a_batch_of_elements_survives_encode_and_decode(name):
    space = SPACES[name]
    space.seed(0)
    items = [space.sample() for _ in range(3)]
    batch = codec.batch_of(space, items)
    back = codec.decode_batch(space, codec.encode_batch(space, batch), 3, "observation")
    for i, item in enumerate(items):
        got = codec.element(space, back, i)
        assert space.contains(got)
        assert data_equivalence(got, item, exact=True)


def test_values_keep_their_python_types():
    x = {
        "i": 3,
        "f": 0.5,
        "b": True,
        "s": "x",
        "none": None,
        "arr": np.arange(3, dtype=np.int16),
        "list": [1, "a"],
        "nested": {"k": 2.0},
    }
    back = codec.from_value(codec.to_value(x))
    assert back["arr"].dtype == np.int16 and back.pop("arr").tolist() == [0, 1, 2]
    x.pop("arr")
    assert back == x and type(back["i"]) is int and type(back["b"]) is bool


def test_a_tensor_with_the_wrong_byte_count_is_refused_naming_the_field():
    t = tensor_pb2.Tensor(dtype=tensor_pb2.DTYPE_FLOAT32, shape=[2], data=b"\0" * 4)
    with pytest.raises(
        codec.CodecError, match=r"action.data: expected 8 bytes for float32 \[2\], got 4"
    ):
        codec.to_numpy(t, "action")


def test_a_batch_of_the_wrong_dtype_is_refused_naming_the_expected_one():
    v = value_pb2.Value(tensor=codec.to_tensor(np.array([1], dtype=np.int32)))
    with pytest.raises(codec.CodecError, match="action: expected dtype int64"):
        codec.decode_batch(spaces.Discrete(2), v, 1, "action")


def test_a_space_without_an_encoding_is_refused():
    with pytest.raises(codec.CodecError, match="Graph has no gymbridge.v1 encoding"):
        codec.from_space(spaces.Graph(spaces.Discrete(2), None))


def test_importing_the_serve_module_keeps_gymbridge_serve_callable():
    import gymbridge.serve  # noqa: F401 - rebinds the package attribute to the module

    server = gymbridge.serve("CartPole-v1", port=0)
    try:
        env = gymbridge.make("CartPole-v1", address=server.address)
        assert env.reset(seed=0)[0].shape == (4,)
        env.close()
    finally:
        server.stop()
