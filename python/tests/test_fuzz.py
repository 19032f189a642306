"""Both servers under a seeded fuzz (gymbridge/conformance/fuzz: the same code as
python -m gymbridge.conformance.fuzz): random bytes for every EnvService method, byte mutations of
real requests, extreme field values and a kwargs sweep, on unary calls and the Stream. Every answer
must carry a status env_service.proto lists for client errors (or OK), never UNKNOWN, INTERNAL or a
missed deadline; the server must still serve afterwards, with the same seeded CartPole-v1 episode.

GYMBRIDGE_FUZZ_SEED=N repeats (or varies) a run; the seed is in every summary and failure."""

from __future__ import annotations

import os

import grpc
import pytest

from gymbridge.conformance import fuzz

SEED = int(os.environ.get("GYMBRIDGE_FUZZ_SEED") or 1)
REQUESTS = 3000
TIMEOUT_S = 10.0  # per call: an answer later than this counts as a hang
MAX_SECONDS = 120.0


def run_fuzz(address: str) -> fuzz.Report:
    opts = [
        ("grpc.max_send_message_length", fuzz.MAX_SEND_BYTES),
        ("grpc.max_receive_message_length", 64 << 20),
    ]
    with grpc.insecure_channel(address, options=opts) as ch:
        return fuzz.run(ch, address, SEED, REQUESTS, TIMEOUT_S, MAX_SECONDS)


def check(report: fuzz.Report, capsys) -> None:
    with capsys.disabled():
        print(f"\n{report.summary()}")
    assert report.ok, (
        f"{report.summary()}\nfailures by request kind "
        f"(GYMBRIDGE_FUZZ_SEED={report.seed} repeats this):\n" + "\n".join(report.failure_lines())
    )


def test_the_python_server_survives_fuzzing(python_server_address, capsys):
    check(run_fuzz(python_server_address), capsys)


def test_the_java_env_server_survives_fuzzing(server_address, capsys):
    check(run_fuzz(server_address), capsys)


@pytest.mark.parametrize("method", ["Make", "Stream"])
def test_the_fuzzer_notices_a_status_outside_the_contract(method):
    """The checker itself: UNKNOWN and INTERNAL are failures, client errors are not."""
    f = fuzz.Fuzzer(grpc.insecure_channel("127.0.0.1:1"), "nowhere", seed=0)
    f.capabilities = {"stream"}
    assert f._check("ok", method, grpc.StatusCode.NOT_FOUND, "")
    assert not f._check("bad", method, grpc.StatusCode.UNKNOWN, "Application error processing RPC")
    assert not f._check("bad", method, grpc.StatusCode.INTERNAL, "oops")
    assert not f._check("slow", method, grpc.StatusCode.DEADLINE_EXCEEDED, "")
    assert [k[2] for k in f.report.failures] == ["UNKNOWN", "INTERNAL", "DEADLINE_EXCEEDED"]
