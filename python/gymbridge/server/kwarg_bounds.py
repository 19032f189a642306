"""The bounds of defaults.KWARG_BOUNDS applied to a Make's kwargs, by name, before any env is
built: INVALID_ARGUMENT naming the kwarg and the allowed range, as the Java env-server says it.

By name, for every env served: the names are those of ale-py's AtariEnv and Gymnasium's Atari
wrappers, and a value beyond them would hold a call thread for hours (frameskip) or build far more
than any use needs (noop_max, frame_stack). Types are checked as the Java server checks them: an
int kwarg takes an int (not a bool, not 4.0), a probability any number.
"""

from __future__ import annotations

import numbers

from gymbridge.server.defaults import KWARG_BOUNDS
from gymbridge.server.errors import invalid
from gymbridge.server.guard import shown

# None is allowed (no limit), as ale-py's default.
OPTIONAL = frozenset({"max_num_frames_per_episode"})
NUMBERS = frozenset({"repeat_action_probability"})  # any real number; the others are ints


def _is_int(v) -> bool:
    return isinstance(v, numbers.Integral) and not isinstance(v, bool)


def check(kwargs: dict) -> dict:
    """Refuses (INVALID_ARGUMENT) the first kwarg of KWARG_BOUNDS whose value is out of bounds;
    returns the kwargs with a (low, high) frameskip as the tuple ale-py requires (the wire has
    lists only, and the Java server takes a list there)."""
    out = dict(kwargs)
    for name, value in kwargs.items():
        bounds = KWARG_BOUNDS.get(name)
        if bounds is None or (value is None and name in OPTIONAL):
            continue
        low, high = bounds
        if name == "frameskip" and isinstance(value, (list, tuple)):
            _check_frameskip_range(value, low, high)
            out[name] = tuple(value)
            continue
        if name in NUMBERS:
            ok = isinstance(value, numbers.Real) and not isinstance(value, bool)
            kind = "a number"
        else:
            ok = _is_int(value)
            kind = "an int"
        if not ok or not low <= value <= high:
            also = " or None" if name in OPTIONAL else ""
            also += " or (low, high) for a stochastic frameskip" if name == "frameskip" else ""
            raise invalid(
                f"kwargs.{name}: expected {kind} in [{low}, {high}]{also} (this server's bound), "
                f"got {_shown(value)}"
            )
    return out


def _shown(value) -> str:
    """The client's value for a message: its repr, clipped (a string may be long)."""
    text = repr(value)
    return text if len(text) <= 40 else shown(text, 40)


def _check_frameskip_range(value, low: int, high: int) -> None:
    if (
        len(value) != 2
        or not all(_is_int(v) for v in value)
        or not (low <= value[0] < value[1] <= high + 1)
    ):
        raise invalid(
            f"kwargs.frameskip: expected an int in [{low}, {high}] or (low, high) with "
            f"{low} <= low < high <= {high + 1} (high exclusive; this server's bound), "
            f"got {_shown(value)}"
        )
