"""python -m gymbridge.list_envs [HOST:PORT]: prints the envs a gymbridge server serves, as a table.

One row per env: its id, observation and action space, time limit (max episode steps), reward
threshold and description. The description is cut to the terminal's width when the output is a
terminal, and printed whole into a pipe. The client's security flags and GYMBRIDGE_* environment
variables apply (--token-file, --tls-ca, ...).

Also importable: this module is callable as gymbridge.list_envs(address) is, so `import
gymbridge.list_envs` does not shadow the function.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import types

import numpy as np
from gymnasium import spaces

from gymbridge.client import DEFAULT_ADDRESS, DEFAULT_TIMEOUT_S, ServedEnv
from gymbridge.client import list_envs as _list_envs
from gymbridge.errors import ConfigError, RemoteError
from gymbridge.security import add_client_arguments, client_security_from_args

HEADER = ("ID", "OBSERVATION SPACE", "ACTION SPACE", "MAX STEPS", "REWARD THRESHOLD", "DESCRIPTION")
MIN_DESCRIPTION = 20  # characters of description kept however narrow the terminal


def brief(space: spaces.Space) -> str:
    """A space in a table cell: Gymnasium's repr, except a Box whose bounds differ per element
    (CartPole's), which Gymnasium writes out in full: shape and dtype only."""
    if isinstance(space, spaces.Box) and not (_uniform(space.low) and _uniform(space.high)):
        return f"Box({space.shape}, {space.dtype})"
    if isinstance(space, spaces.Tuple):
        return f"Tuple({', '.join(brief(s) for s in space.spaces)})"
    if isinstance(space, spaces.Dict):
        return f"Dict({', '.join(f'{k}: {brief(s)}' for k, s in space.spaces.items())})"
    return str(space)


def _uniform(a: np.ndarray) -> bool:
    return a.size == 0 or bool((a == a.flat[0]).all())


def table(envs: list[ServedEnv], width: int | None = None) -> str:
    """The envs as aligned columns; ``width`` cuts lines (in the description) to that many
    characters, None keeps them whole."""
    rows = [
        (
            e.id,
            brief(e.observation_space),
            brief(e.action_space),
            "-" if e.max_episode_steps is None else str(e.max_episode_steps),
            "-" if e.reward_threshold is None else f"{e.reward_threshold:g}",
            e.description,
        )
        for e in envs
    ]
    widths = [max(len(r[c]) for r in [HEADER, *rows]) for c in range(len(HEADER) - 1)]
    lines = []
    for r in [HEADER, *rows]:
        start = "  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=False)) + "  "
        line = start + r[-1]
        if width is not None:
            keep = max(width, len(start) + MIN_DESCRIPTION)
            if len(line) > keep:
                line = line[: keep - 3] + "..."
        lines.append(line.rstrip())
    return "\n".join(lines)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m gymbridge.list_envs", description=__doc__.split("\n")[0]
    )
    p.add_argument(
        "address",
        nargs="?",
        default=DEFAULT_ADDRESS,
        metavar="HOST:PORT",
        help=f"the server (default {DEFAULT_ADDRESS})",
    )
    p.add_argument(
        "--timeout-s",
        type=float,
        default=DEFAULT_TIMEOUT_S,
        help=f"deadline of the call (default {DEFAULT_TIMEOUT_S:g})",
    )
    add_client_arguments(p)
    a = p.parse_args(argv)
    try:
        envs = _list_envs(a.address, timeout_s=a.timeout_s, security=client_security_from_args(a))
    except ConfigError as e:
        print(f"gymbridge.list_envs: {e}", file=sys.stderr)
        return 2
    except RemoteError as e:
        print(f"gymbridge.list_envs: {e}", file=sys.stderr)
        return 1
    width = shutil.get_terminal_size().columns if sys.stdout.isatty() else None
    print(table(envs, width) if envs else f"{a.address} serves no envs")
    return 0


class _CallableModule(types.ModuleType):
    """Lets `import gymbridge.list_envs` (which rebinds the package attribute to this module) keep
    gymbridge.list_envs(address) working."""

    def __call__(self, address: str = DEFAULT_ADDRESS, **options) -> list[ServedEnv]:
        return _list_envs(address, **options)


if __name__ == "__main__":
    sys.exit(main())
else:
    sys.modules[__name__].__class__ = _CallableModule
