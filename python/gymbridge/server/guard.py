"""Limits on what a request may ask the server to build, checked on the wire message before any
Python object or env exists, and clipping of client text echoed back in status messages.

Make kwargs and reset options are free-form Values: without limits one request could nest lists
until Python's recursion gives out, or ask for millions of objects, before any env sees them. The
limits are far above what any Gymnasium env takes (a FrozenLake map of 100x100 cells is 101
values); each refusal is INVALID_ARGUMENT naming the field and the limit.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from gymbridge.server.errors import invalid
from gymbridge.v1 import value_pb2

MAX_VALUE_DEPTH = 16  # lists/maps nested inside one kwarg or option (a scalar is depth 0)
MAX_VALUE_ELEMENTS = 65_536  # per kwargs or options map: every Value, and every tensor element
MAX_STRING_CHARS = 65_536  # one string value or nested map key
MAX_NAME_CHARS = 256  # one kwarg or option name (a Python identifier)
MAX_ECHO_CHARS = 200  # client text quoted in a status message
MAX_STATUS_CHARS = 2_000  # a whole status message (gRPC clients take 8 KiB of trailers by default)


def shown(text, limit: int = MAX_ECHO_CHARS) -> str:
    """Client-supplied text, quoted, for a status message: at most ``limit`` characters, with the
    full length said when clipped (an echoed 10 MB env id would not fit in the trailers)."""
    text = str(text)
    if len(text) <= limit:
        return repr(text)
    return f"{text[:limit]!r}... ({len(text)} characters)"


def clip(message: str, limit: int = MAX_STATUS_CHARS) -> str:
    """A status message cut to ``limit`` characters, on one line."""
    message = " ".join(message.split("\n"))
    return message if len(message) <= limit else message[: limit - 20] + " ... (message clipped)"


def check_value_map(entries: Mapping[str, value_pb2.Value], field: str) -> None:
    """Refuses (INVALID_ARGUMENT) a kwargs or options map beyond the limits above. Iterative, so a
    deep Value cannot exhaust the stack here."""
    elements = 0
    for name, top in entries.items():
        if len(name) > MAX_NAME_CHARS:
            raise invalid(
                f"{field}: name {shown(name, 40)} is longer than {MAX_NAME_CHARS} characters"
            )
        stack = [(top, 0, f"{field}.{name}")]
        while stack:
            v, depth, path = stack.pop()
            elements += 1
            if elements > MAX_VALUE_ELEMENTS:
                raise invalid(
                    f"{field}: more than {MAX_VALUE_ELEMENTS} values and tensor elements "
                    "(the server's limit)"
                )
            kind = v.WhichOneof("kind")
            if kind == "string_value":
                if len(v.string_value) > MAX_STRING_CHARS:
                    raise invalid(
                        f"{path}: a string of {len(v.string_value)} characters, over the "
                        f"server's limit of {MAX_STRING_CHARS}"
                    )
            elif kind == "tensor":
                dims = list(v.tensor.shape)
                if any(d < 0 for d in dims):
                    raise invalid(f"{path}.shape: expected dimensions >= 0, got {shown(dims, 80)}")
                count = math.prod(dims) if len(dims) <= 64 else MAX_VALUE_ELEMENTS + 1
                elements += count
                if elements > MAX_VALUE_ELEMENTS:
                    raise invalid(
                        f"{path}: a tensor of shape {shown(dims, 80)} takes the request over "
                        f"{MAX_VALUE_ELEMENTS} values and tensor elements (the server's limit)"
                    )
            elif kind in ("list", "map"):
                if depth >= MAX_VALUE_DEPTH:
                    raise invalid(
                        f"{path}: lists/maps nested deeper than {MAX_VALUE_DEPTH} (the "
                        "server's limit)"
                    )
                size = len(v.list.items) if kind == "list" else len(v.map.entries)
                if elements + len(stack) + size > MAX_VALUE_ELEMENTS:
                    raise invalid(
                        f"{path}: more than {MAX_VALUE_ELEMENTS} values and tensor "
                        f"elements in {field} (the server's limit)"
                    )
                if kind == "list":
                    stack.extend(
                        (item, depth + 1, f"{path}[{i}]") for i, item in enumerate(v.list.items)
                    )
                else:
                    for k, item in v.map.entries.items():
                        if len(k) > MAX_STRING_CHARS:
                            raise invalid(
                                f"{path}: a map key of {len(k)} characters, over the "
                                f"server's limit of {MAX_STRING_CHARS}"
                            )
                        stack.append((item, depth + 1, f"{path}.{k[:40]}"))
