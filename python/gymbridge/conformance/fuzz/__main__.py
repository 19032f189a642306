"""python -m gymbridge.conformance.fuzz --address host:port [--seed N] [--requests N] [token/TLS]

Exit status 0 when the server kept the contract under every request, 1 when not (the failures are
listed by request kind), 2 for bad arguments.
"""

from __future__ import annotations

import argparse
import os
import random
import sys

import grpc

from gymbridge.conformance import fuzz
from gymbridge.errors import ConfigError
from gymbridge.security import add_client_arguments, client_security_from_args

SEED_ENV = "GYMBRIDGE_FUZZ_SEED"


def main(argv=None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m gymbridge.conformance.fuzz",
        description=fuzz.__doc__.split("\n\n")[1].replace("\n", " "),
    )
    p.add_argument("--address", required=True, help="host:port of the gymbridge server under test")
    p.add_argument(
        "--seed", type=int, default=None, help=f"default: ${SEED_ENV}, else a random one (printed)"
    )
    p.add_argument(
        "--requests", type=int, default=3000, help="calls to draw (default 3000), sweep aside"
    )
    p.add_argument(
        "--no-sweep", action="store_true", help="skip the odd-value sweep of listed envs' kwargs"
    )
    p.add_argument(
        "--timeout-s", type=float, default=10.0, help="deadline of each call (default 10)"
    )
    p.add_argument("--max-seconds", type=float, default=300.0, help="stop drawing after this long")
    add_client_arguments(p)
    a = p.parse_args(argv)
    try:
        security = client_security_from_args(a)
    except ConfigError as e:
        print(f"gymbridge.conformance.fuzz: {e}", file=sys.stderr)
        return 2
    seed = (
        a.seed if a.seed is not None else int(os.environ.get(SEED_ENV) or random.randrange(1 << 31))
    )
    print(f"fuzz: seed {seed} ({SEED_ENV}={seed} or --seed {seed} repeats this run)", flush=True)
    opts = [
        ("grpc.max_send_message_length", fuzz.MAX_SEND_BYTES),
        ("grpc.max_receive_message_length", 64 << 20),
    ]
    with security.channel(a.address, options=opts) as ch:
        try:
            report = fuzz.run(
                security.intercept(ch),
                a.address,
                seed,
                a.requests,
                a.timeout_s,
                a.max_seconds,
                sweep=not a.no_sweep,
            )
        except grpc.RpcError as e:  # the setup's well-formed calls failed: nothing to fuzz
            print(
                f"gymbridge.conformance.fuzz: {a.address} refused the setup calls: "
                f"{e.code().name}: {e.details()}",
                file=sys.stderr,
            )
            return 1
    print(report.summary())
    for line in report.failure_lines():
        print(line)
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
