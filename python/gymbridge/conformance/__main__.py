"""python -m gymbridge.conformance --address host:port [--env ID] [pytest args...]"""

from __future__ import annotations

import argparse
import os
import sys

from gymbridge.conformance import TESTS


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m gymbridge.conformance", description=__doc__)
    p.add_argument("--address", required=True, help="host:port of the gymbridge server under test")
    p.add_argument("--env", default="CartPole-v1", help="env id to exercise (default CartPole-v1)")
    p.add_argument("--timeout-s", type=float, default=30.0, help="deadline of each call (default 30)")
    a, rest = p.parse_known_args(argv)
    try:
        import pytest
    except ImportError:
        print("the conformance kit needs pytest: pip install 'gymbridge[conformance]'", file=sys.stderr)
        return 2
    os.environ["GYMBRIDGE_CONFORMANCE_ADDRESS"] = a.address
    os.environ["GYMBRIDGE_CONFORMANCE_ENV"] = a.env
    os.environ["GYMBRIDGE_CONFORMANCE_TIMEOUT_S"] = str(a.timeout_s)
    args = [str(TESTS), "--rootdir", str(TESTS), "-p", "no:cacheprovider", "-q", *[r for r in rest if r != "--"]]
    return int(pytest.main(args))


if __name__ == "__main__":
    sys.exit(main())
