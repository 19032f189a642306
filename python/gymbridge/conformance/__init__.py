"""The gymbridge.v1 conformance kit: pytest tests of the contract's promises that any server can be
pointed at.

    python -m gymbridge.conformance --address host:port [--env CartPole-v1] [-- pytest args]

It checks the handshake, ListEnvs, spec and spaces, seeding determinism, reset/step shapes and
dtypes, the three autoreset modes, reset masks, error statuses for bad input, the stream and close,
using raw stubs (no client-side help). The env under test must be deterministic given a seed and
have a Discrete or Box action space; CartPole-v1 is the default. Needs pytest
(pip install "gymbridge[conformance]").
"""

from pathlib import Path

TESTS = Path(__file__).resolve().parent / "tests"
