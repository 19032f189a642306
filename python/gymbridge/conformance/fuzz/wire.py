"""Protobuf wire format by hand: requests that the protobuf library will not build (Values nested
past its recursion limit, fields of the wrong wire type, random but well-formed fields) and byte
mutations of real requests."""

from __future__ import annotations

import random

VARINT, I64, LEN, SGROUP, EGROUP, I32 = 0, 1, 2, 3, 4, 5


def varint(n: int) -> bytes:
    """Base-128 varint; negative numbers as two's complement int64, as protobuf sends them."""
    if n < 0:
        n += 1 << 64
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def tag(field: int, wire_type: int) -> bytes:
    return varint((field << 3) | wire_type)


def field_len(field: int, payload: bytes) -> bytes:
    return tag(field, LEN) + varint(len(payload)) + payload


def field_varint(field: int, n: int) -> bytes:
    return tag(field, VARINT) + varint(n)


# Value (value.proto): list = 6 (ValueList{items = 1}),
# map = 7 (ValueMap{entries = 1: {1 key, 2 value}})


def deep_list(depth: int) -> bytes:
    """A Value holding a list holding a list ... ``depth`` lists deep, None innermost."""
    v = b""
    for _ in range(depth):
        v = field_len(6, field_len(1, v))
    return v


def deep_map(depth: int) -> bytes:
    """A Value holding {"k": {"k": ... None}}, ``depth`` maps deep."""
    v = b""
    for _ in range(depth):
        v = field_len(7, field_len(1, map_entry("k", v)))
    return v


def map_entry(key: str, value: bytes) -> bytes:
    """An entry of a map<string, Value> field: MakeRequest.kwargs, ResetRequest.options."""
    return field_len(1, key.encode("utf-8")) + field_len(2, value)


def random_fields(rng: random.Random, n_fields: int, depth: int = 0) -> bytes:
    """Well-formed wire fields with random numbers, types and contents (nested sometimes): parse
    as unknown fields, as known fields of the wrong type, or as known fields with odd values."""
    out = bytearray()
    for _ in range(n_fields):
        field = rng.choice([0, 1, 2, 3, 4, 5, 6, 7, 8, 15, rng.randint(1, (1 << 29) - 1)])
        wt = rng.choice([VARINT, VARINT, I64, LEN, LEN, LEN, I32, SGROUP])
        if wt == VARINT:
            out += field_varint(
                field, rng.choice([0, 1, 2, 3, 255, 1 << 31, (1 << 64) - 1, rng.getrandbits(64)])
            )
        elif wt == I64:
            out += tag(field, I64) + rng.randbytes(8)
        elif wt == I32:
            out += tag(field, I32) + rng.randbytes(4)
        elif wt == SGROUP:  # groups are gone from proto3: an end tag that matches, or not
            out += tag(field, SGROUP) + tag(field if rng.random() < 0.5 else field + 1, EGROUP)
        elif depth < 4 and rng.random() < 0.4:
            out += field_len(field, random_fields(rng, rng.randint(0, 4), depth + 1))
        else:
            out += field_len(field, rng.randbytes(rng.choice([0, 1, 4, 16, 64])))
    return bytes(out)


def mutate(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    """One random byte-level mutation of a serialized request, and what it was."""
    data = bytearray(data)
    op = rng.choice(
        [
            "bit flips",
            "truncation",
            "inserted bytes",
            "deleted span",
            "duplicated span",
            "overwritten span",
            "extreme byte",
            "appended fields",
        ]
    )
    if not data and op not in ("inserted bytes", "appended fields"):
        op = "inserted bytes"
    if op == "bit flips":
        for _ in range(rng.randint(1, 8)):
            i = rng.randrange(len(data))
            data[i] ^= 1 << rng.randrange(8)
    elif op == "truncation":
        del data[rng.randrange(len(data)) :]
    elif op == "inserted bytes":
        i = rng.randint(0, len(data))
        data[i:i] = rng.randbytes(rng.randint(1, 16))
    elif op == "deleted span":
        i = rng.randrange(len(data))
        del data[i : i + rng.randint(1, 8)]
    elif op == "duplicated span":
        i = rng.randrange(len(data))
        j = rng.randint(i + 1, len(data))
        data[j:j] = data[i:j]
    elif op == "overwritten span":
        i = rng.randrange(len(data))
        span = data[i : i + rng.randint(1, 8)]
        data[i : i + len(span)] = rng.randbytes(len(span))
    elif op == "extreme byte":
        data[rng.randrange(len(data))] = rng.choice([0x00, 0x7F, 0x80, 0xFF])
    else:
        data += random_fields(rng, rng.randint(1, 3))
    return op, bytes(data)
