"""python -m gymbridge.conformance --address host:port [--env ID] [token/TLS] [pytest args...]"""

from __future__ import annotations

import argparse
import os
import sys

from gymbridge import conformance
from gymbridge.conformance import TESTS
from gymbridge.errors import ConfigError
from gymbridge.security import add_client_arguments, client_security_from_args


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m gymbridge.conformance", description=__doc__)
    p.add_argument("--address", required=True, help="host:port of the gymbridge server under test")
    p.add_argument("--env", default="CartPole-v1", help="env id to exercise (default CartPole-v1)")
    p.add_argument(
        "--timeout-s", type=float, default=30.0, help="deadline of each call (default 30)"
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
    return int(pytest.main(args))


if __name__ == "__main__":
    sys.exit(main())
