"""python -m gymbridge.conformance --address host:port [--env ID] [token/TLS] [pytest args...]"""

from __future__ import annotations

import argparse
import os
import sys

from gymbridge import conformance
from gymbridge.conformance import TESTS
from gymbridge.errors import ConfigError
from gymbridge.security import add_client_arguments, client_security_from_args


def main(argv=None, plugins=None) -> int:
    """Runs the kit; exit status as pytest's (0: every check passed). ``plugins``: pytest plugin
    objects for the run (the project's tests read each check's outcome through one)."""
    p = argparse.ArgumentParser(prog="python -m gymbridge.conformance", description=__doc__)
    p.add_argument("--address", required=True, help="host:port of the gymbridge server under test")
    p.add_argument("--env", default="CartPole-v1", help="env id to exercise (default CartPole-v1)")
    p.add_argument(
        "--timeout-s", type=float, default=30.0, help="deadline of each call (default 30)"
    )
    p.add_argument(
        "--no-reference",
        action="store_true",
        help="never compare with Gymnasium's own env of the same id (for a server whose env of a "
        "Gymnasium id is deliberately another env); the checks then compare sessions of the "
        "server with each other",
    )
    add_client_arguments(p)
    a, rest = p.parse_known_args(argv)
    try:
        security = client_security_from_args(a)
    except ConfigError as e:
        print(f"gymbridge.conformance: {e}", file=sys.stderr)
        return 2
    try:
        import pytest
    except ImportError:
        print(
            "the conformance kit needs pytest: pip install 'gymbridge[conformance]'",
            file=sys.stderr,
        )
        return 2
    os.environ["GYMBRIDGE_CONFORMANCE_ADDRESS"] = a.address
    os.environ["GYMBRIDGE_CONFORMANCE_ENV"] = a.env
    os.environ["GYMBRIDGE_CONFORMANCE_TIMEOUT_S"] = str(a.timeout_s)
    os.environ["GYMBRIDGE_CONFORMANCE_REFERENCE"] = "none" if a.no_reference else "gymnasium"
    # pytest runs in this process: the fixtures read the resolved settings from here (the token
    # stays out of the environment and of every command line).
    conformance.client_security = security
    args = [
        str(TESTS),
        "--rootdir",
        str(TESTS),
        "-p",
        "no:cacheprovider",
        "-q",
        *[r for r in rest if r != "--"],
    ]
    return int(pytest.main(args, plugins=plugins))


if __name__ == "__main__":
    sys.exit(main())
