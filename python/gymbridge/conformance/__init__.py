"""The gymbridge.v1 conformance kit: pytest tests of the contract's promises that any server can be
pointed at.

    python -m gymbridge.conformance --address host:port [--env CartPole-v1] [-- pytest args]

Token and TLS flags as the client's (--token, --token-file, --tls, --tls-ca, --tls-cert, --tls-key,
--tls-server-name, and the GYMBRIDGE_* environment variables) apply to every channel it opens.
``python -m gymbridge.conformance.fuzz`` sends the server thousands of malformed and mutated
requests and checks every status it answers (gymbridge/conformance/fuzz.py).

It checks the handshake, ListEnvs, spec and spaces, seeding, reset/step shapes and dtypes, the
three autoreset modes, reset masks, error statuses for bad input, the stream and close, using raw
stubs (no client-side help). Where Gymnasium in the kit's own Python has the env id, episodes are
compared with Gymnasium's, bit for bit (--no-reference turns that off); otherwise with one-env
sessions of the server, seeded and reset explicitly (tests/reference.py). The summary names the
reference and every skipped check with its reason. The env under test must be deterministic given
a seed and have a Discrete or Box action space; CartPole-v1 is the default. Needs pytest
(pip install "gymbridge[conformance]"). docs/python.md lists what each check proves.
"""

from __future__ import annotations

from pathlib import Path

TESTS = Path(__file__).resolve().parent / "tests"

# Set by python -m gymbridge.conformance (a gymbridge.security.ClientSecurity); None when pytest
# runs the kit's tests directly, and then the fixtures read the GYMBRIDGE_* environment variables.
client_security = None
