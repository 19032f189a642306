"""Bearer tokens and TLS, end to end over real sockets: the Python server with certificates made
for the test, the gymbridge client, raw stubs for the Stream and health, the command-line server,
and the conformance kit against a secured server."""

from __future__ import annotations

import logging
import os
import queue
import subprocess
import sys
import time

import grpc
import pytest

import gymbridge
from gymbridge import security
from gymbridge.security import ClientSecurity, ServerSecurity
from gymbridge.v1 import env_service_pb2 as pb
from gymbridge.v1 import env_service_pb2_grpc as pb_grpc

TOKEN = "s3cr3t-t0ken-for-tests"
ENV_NAMES = (
    security.ENV_TOKEN,
    security.ENV_TOKEN_FILE,
    security.ENV_TLS_CA,
    security.ENV_TLS_CERT,
    security.ENV_TLS_KEY,
    security.ENV_TLS_CLIENT_CA,
)
FAST = 5.0  # s: the deadline of each client call here


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    """The caller's own GYMBRIDGE_* settings must not leak into these tests."""
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def serve():
    """Starts in-process Python servers of CartPole-v1 on free loopback ports; stops them after."""
    started = []

    def start(**options):
        server = gymbridge.serve("CartPole-v1", port=0, **options)
        started.append(server)
        return server

    yield start
    for s in started:
        s.stop(grace_s=0)


def episode(env) -> list:
    obs, _ = env.reset(seed=3)
    out = [obs.tolist()]
    for a in (0, 1, 1, 0):
        out.append(env.step(a)[0].tolist())
    env.close()
    return out


def remote_error(fn) -> gymbridge.RemoteError:
    with pytest.raises(gymbridge.RemoteError) as caught:
        fn()
    return caught.value


# ---- TLS -----------------------------------------------------------------------------------------


def test_a_tls_server_is_reachable_with_its_ca(serve, pki):
    server = serve(tls_cert=pki.server_cert, tls_key=pki.server_key)
    env = gymbridge.make("CartPole-v1", server.address, tls_ca=pki.ca, timeout_s=FAST)
    assert len(episode(env)) == 5


def test_pem_bytes_work_as_well_as_paths(serve, pki):
    server = serve(tls_cert=pki.server_cert.read_bytes(), tls_key=pki.server_key.read_bytes())
    env = gymbridge.make("CartPole-v1", server.address, tls_ca=pki.ca.read_bytes(), timeout_s=FAST)
    assert len(episode(env)) == 5


def test_a_tls_server_refuses_a_plaintext_client(serve, pki):
    server = serve(tls_cert=pki.server_cert, tls_key=pki.server_key)
    err = remote_error(lambda: gymbridge.make("CartPole-v1", server.address, timeout_s=FAST))
    assert err.code == grpc.StatusCode.UNAVAILABLE, err
    assert "TLS" in str(err)  # the hint says what to check


def test_a_certificate_from_an_unknown_ca_is_refused(serve, pki):
    server = serve(tls_cert=pki.server_cert, tls_key=pki.server_key)
    err = remote_error(
        lambda: gymbridge.make("CartPole-v1", server.address, tls_ca=pki.client_ca, timeout_s=FAST)
    )
    assert err.code == grpc.StatusCode.UNAVAILABLE, err


def test_tls_server_name_checks_the_certificate_against_another_name(serve, pki):
    server = serve(tls_cert=pki.other_name_cert, tls_key=pki.other_name_key)
    err = remote_error(
        lambda: gymbridge.make("CartPole-v1", server.address, tls_ca=pki.ca, timeout_s=FAST)
    )
    assert err.code == grpc.StatusCode.UNAVAILABLE, err  # the certificate is not for 127.0.0.1
    env = gymbridge.make(
        "CartPole-v1",
        server.address,
        tls_ca=pki.ca,
        tls_server_name="gymbridge.test",
        timeout_s=FAST,
    )
    assert len(episode(env)) == 5


def test_mutual_tls_wants_a_client_certificate_signed_by_the_client_ca(serve, pki):
    server = serve(tls_cert=pki.server_cert, tls_key=pki.server_key, tls_client_ca=pki.client_ca)
    no_cert = remote_error(
        lambda: gymbridge.make("CartPole-v1", server.address, tls_ca=pki.ca, timeout_s=FAST)
    )
    assert no_cert.code == grpc.StatusCode.UNAVAILABLE, no_cert
    stranger = remote_error(
        lambda: gymbridge.make(
            "CartPole-v1",
            server.address,
            tls_ca=pki.ca,
            tls_cert=pki.stranger_cert,
            tls_key=pki.stranger_key,
            timeout_s=FAST,
        )
    )
    assert stranger.code == grpc.StatusCode.UNAVAILABLE, stranger
    env = gymbridge.make(
        "CartPole-v1",
        server.address,
        tls_ca=pki.ca,
        tls_cert=pki.client_cert,
        tls_key=pki.client_key,
        timeout_s=FAST,
    )
    assert len(episode(env)) == 5


def test_mutual_tls_refuses_a_certificate_not_made_for_clients(serve, pki):
    """One CA for servers and clients (as bin/dev-secrets makes them): the server's own
    certificate, serverAuth only, is refused as a client certificate; one with clientAuth from
    the same CA is taken. BoringSSL, under grpcio, checks the extended key usage of a client
    certificate against the TLS client purpose; this keeps it so, and the server answering."""
    server = serve(tls_cert=pki.server_cert, tls_key=pki.server_key, tls_client_ca=pki.ca)

    def make(cert, key):
        return gymbridge.make(
            "CartPole-v1",
            server.address,
            tls_ca=pki.ca,
            tls_cert=cert,
            tls_key=key,
            timeout_s=FAST,
        )

    server_as_client = remote_error(lambda: make(pki.server_cert, pki.server_key))
    assert server_as_client.code == grpc.StatusCode.UNAVAILABLE, server_as_client
    assert len(episode(make(pki.same_ca_client_cert, pki.same_ca_client_key))) == 5


def test_tls_settings_come_from_the_environment_when_not_given(serve, pki, monkeypatch):
    server = serve(tls_cert=pki.server_cert, tls_key=pki.server_key, tls_client_ca=pki.client_ca)
    monkeypatch.setenv(security.ENV_TLS_CA, str(pki.ca))
    monkeypatch.setenv(security.ENV_TLS_CERT, str(pki.client_cert))
    monkeypatch.setenv(security.ENV_TLS_KEY, str(pki.client_key))
    envs = gymbridge.make_vec("CartPole-v1", 2, server.address, timeout_s=FAST)
    obs, _ = envs.reset(seed=0)
    assert obs.shape == (2, 4)
    envs.close()


def test_health_is_served_over_tls_too(serve, pki):
    server = serve(tls_cert=pki.server_cert, tls_key=pki.server_key, token=TOKEN)
    sec = ClientSecurity.resolve(tls_ca=pki.ca)  # no token: health needs none
    with sec.channel(server.address) as ch:
        check = ch.unary_unary("/grpc.health.v1.Health/Check")
        assert check(b"", timeout=FAST) == b"\x08\x01"  # SERVING


# ---- bearer token --------------------------------------------------------------------------------


def test_calls_without_the_token_are_unauthenticated(serve):
    server = serve(token=TOKEN)
    err = remote_error(lambda: gymbridge.make("CartPole-v1", server.address, timeout_s=FAST))
    assert err.code == grpc.StatusCode.UNAUTHENTICATED, err
    assert err.details == "this server requires 'authorization: Bearer <token>' metadata"
    assert "GYMBRIDGE_TOKEN" in str(err)  # the hint


def test_a_wrong_token_is_unauthenticated_and_never_shown(serve):
    server = serve(token=TOKEN)
    err = remote_error(
        lambda: gymbridge.make("CartPole-v1", server.address, token="wrong-token", timeout_s=FAST)
    )
    assert err.code == grpc.StatusCode.UNAUTHENTICATED, err
    assert err.details == "the bearer token is wrong"
    assert "wrong-token" not in str(err) and TOKEN not in str(err)


def test_the_right_token_works_from_an_argument_a_file_or_the_environment(
    serve, tmp_path, monkeypatch
):
    server = serve(token=TOKEN)
    assert (
        len(episode(gymbridge.make("CartPole-v1", server.address, token=TOKEN, timeout_s=FAST)))
        == 5
    )
    token_file = tmp_path / "token"
    token_file.write_text(f"  {TOKEN}\n")  # surrounding whitespace is stripped
    assert (
        len(
            episode(
                gymbridge.make("CartPole-v1", server.address, token_file=token_file, timeout_s=FAST)
            )
        )
        == 5
    )
    monkeypatch.setenv(security.ENV_TOKEN_FILE, str(token_file))
    assert len(episode(gymbridge.make("CartPole-v1", server.address, timeout_s=FAST))) == 5
    monkeypatch.setenv(security.ENV_TOKEN, "wrong")  # the value comes before the file
    err = remote_error(lambda: gymbridge.make("CartPole-v1", server.address, timeout_s=FAST))
    assert err.code == grpc.StatusCode.UNAUTHENTICATED
    # an argument comes before the environment
    assert (
        len(episode(gymbridge.make("CartPole-v1", server.address, token=TOKEN, timeout_s=FAST)))
        == 5
    )


def test_every_rpc_needs_the_token_and_health_does_not(serve):
    server = serve(token=TOKEN)
    with grpc.insecure_channel(server.address) as ch:
        stub = pb_grpc.EnvServiceStub(ch)
        for call, req in [
            (stub.GetServerInfo, pb.GetServerInfoRequest()),
            (stub.ListEnvs, pb.ListEnvsRequest()),
            (stub.Make, pb.MakeRequest(env_id="CartPole-v1")),
            (stub.Reset, pb.ResetRequest(session_id="s-1")),
            (stub.Close, pb.CloseRequest(session_id="s-1")),
        ]:
            with pytest.raises(grpc.RpcError) as caught:
                call(req, timeout=FAST, metadata=(("authorization", "Basic " + TOKEN),))
            assert caught.value.code() == grpc.StatusCode.UNAUTHENTICATED
        with pytest.raises(grpc.RpcError) as caught:  # garbage is refused for the token, unparsed
            ch.unary_unary("/gymbridge.v1.EnvService/Step")(b"\xff\xff", timeout=FAST)
        assert caught.value.code() == grpc.StatusCode.UNAUTHENTICATED
        assert ch.unary_unary("/grpc.health.v1.Health/Check")(b"", timeout=FAST) == b"\x08\x01"


def test_the_stream_needs_the_token(serve):
    server = serve(token=TOKEN)
    with grpc.insecure_channel(server.address) as ch:
        stub = pb_grpc.EnvServiceStub(ch)
        make = pb.StreamRequest(make=pb.MakeRequest(env_id="CartPole-v1"))
        for metadata in (None, (("authorization", "Bearer nope"),)):
            with pytest.raises(grpc.RpcError) as caught:
                list(stub.Stream(iter([make]), timeout=FAST, metadata=metadata))
            assert caught.value.code() == grpc.StatusCode.UNAUTHENTICATED
        # an open stream that sends nothing is refused at once, not after its first message
        q: queue.Queue = queue.Queue()
        t = time.monotonic()
        with pytest.raises(grpc.RpcError) as caught:
            next(stub.Stream(iter(q.get, None), timeout=FAST))
        q.put(None)
        assert (
            caught.value.code() == grpc.StatusCode.UNAUTHENTICATED and time.monotonic() - t < FAST
        )
        answers = list(
            stub.Stream(
                iter([make]), timeout=FAST, metadata=(("authorization", f"Bearer {TOKEN}"),)
            )
        )
        assert answers[0].WhichOneof("response") == "make"


def test_unauthenticated_calls_are_logged_rate_limited(serve, caplog):
    server = serve(token=TOKEN)
    with (
        caplog.at_level(logging.WARNING, logger="gymbridge.server"),
        grpc.insecure_channel(server.address) as ch,
    ):
        call = ch.unary_unary("/gymbridge.v1.EnvService/GetServerInfo")
        for _ in range(50):
            with pytest.raises(grpc.RpcError):
                call(b"", timeout=FAST)
    lines = [r for r in caplog.records if "UNAUTHENTICATED" in r.getMessage()]
    assert 1 <= len(lines) <= 2, [r.getMessage() for r in lines]
    assert TOKEN not in caplog.text


def test_an_unauthenticated_call_to_a_long_path_is_logged_with_a_short_prefix(serve, caplog):
    server = serve(token=TOKEN)
    with (
        caplog.at_level(logging.WARNING, logger="gymbridge.server"),
        grpc.insecure_channel(server.address) as ch,
    ):
        with pytest.raises(grpc.RpcError) as refused:
            ch.unary_unary("/" + "m" * 6000)(b"", timeout=FAST)
        assert refused.value.code() == grpc.StatusCode.UNAUTHENTICATED
    (line,) = [r.getMessage() for r in caplog.records if "UNAUTHENTICATED" in r.getMessage()]
    assert "(6001 characters)" in line and len(line) < 400, line


# ---- secrets stay secret; bad settings are ConfigErrors ------------------------------------------


def test_reprs_and_specs_never_show_the_token(serve):
    server = serve(token=TOKEN)
    env = gymbridge.make("CartPole-v1", server.address, token=TOKEN, timeout_s=FAST)
    try:
        shown = [
            repr(env._conn),
            repr(env.spec),
            str(env.spec),
            repr(env.spec.entry_point),
            repr(ClientSecurity.resolve(token=TOKEN)),
            str(ServerSecurity.resolve(token=TOKEN)),
            repr(
                ClientSecurity.resolve(token=TOKEN).intercept(grpc.insecure_channel("127.0.0.1:1"))
            ),
        ]
        assert all(TOKEN not in s for s in shown), shown
        again = env.spec.make()  # the spec's entry point keeps the settings
        assert again.reset(seed=0)[0].shape == (4,)
        again.close()
    finally:
        env.close()


@pytest.mark.parametrize(
    "kwargs, setting",
    [
        ({"tls_ca": "/no/such/ca.pem"}, "tls_ca"),
        ({"tls_cert": "/no/such/c.pem", "tls_key": "/no/such/k.pem"}, "tls_cert"),
        ({"tls_cert": "CERT"}, "tls_cert needs tls_key"),
        ({"token_file": "/no/such/token"}, "token_file"),
        ({"token": "has space"}, "visible ASCII"),
        ({"tls": False, "tls_ca": "x"}, "tls=False"),
    ],
)
def test_bad_settings_are_config_errors_naming_the_setting(kwargs, setting):
    with pytest.raises(gymbridge.ConfigError, match=setting):
        gymbridge.make("CartPole-v1", "127.0.0.1:1", **kwargs)


def test_a_file_that_is_not_pem_is_a_config_error(tmp_path, pki):
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate")
    with pytest.raises(gymbridge.ConfigError, match="no PEM certificate"):
        gymbridge.make("CartPole-v1", "127.0.0.1:1", tls_ca=junk)
    with pytest.raises(gymbridge.ConfigError, match="no PEM private key"):
        gymbridge.serve("CartPole-v1", port=0, tls_cert=pki.server_cert, tls_key=pki.server_cert)
    empty = tmp_path / "empty-token"
    empty.write_text("\n")
    with pytest.raises(gymbridge.ConfigError, match="empty"):
        gymbridge.serve("CartPole-v1", port=0, token_file=empty)


@pytest.mark.parametrize(
    "environ, setting",
    [
        ({security.ENV_TOKEN: ""}, security.ENV_TOKEN),
        ({security.ENV_TOKEN: "  \n"}, security.ENV_TOKEN),
        ({security.ENV_TOKEN_FILE: ""}, security.ENV_TOKEN_FILE),
    ],
)
def test_a_token_setting_that_is_set_but_empty_fails_closed(environ, setting):
    """As the Java server and agent: an empty token never means "no token"."""
    with pytest.raises(gymbridge.ConfigError, match=setting) as caught:
        ServerSecurity.resolve(environ=environ)
    assert "empty" in str(caught.value)
    with pytest.raises(gymbridge.ConfigError, match=setting):
        ClientSecurity.resolve(environ=environ)
    with pytest.raises(gymbridge.ConfigError, match="empty"):
        gymbridge.serve("CartPole-v1", port=0, token="")


@pytest.mark.parametrize("how", ["empty variable", "empty file variable", "empty file"])
def test_the_command_line_server_refuses_an_empty_token_in_one_line(tmp_path, how):
    env = {k: v for k, v in os.environ.items() if k not in ENV_NAMES}
    if how == "empty variable":
        env[security.ENV_TOKEN] = ""
    elif how == "empty file variable":
        env[security.ENV_TOKEN_FILE] = ""
    else:
        (tmp_path / "token").write_text("\n")
        env[security.ENV_TOKEN_FILE] = str(tmp_path / "token")
    done = subprocess.run(
        [sys.executable, "-m", "gymbridge.serve", "--env", "CartPole-v1", "--port", "0"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and "serving" not in done.stdout
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("gymbridge.serve: GYMBRIDGE_TOKEN"), lines
    assert "empty" in lines[0]


def test_a_non_loopback_server_without_token_warns_once(monkeypatch, caplog, serve):
    monkeypatch.setattr("gymbridge.server.server.is_loopback", lambda host: False)
    with caplog.at_level(logging.WARNING, logger="gymbridge.server"):
        serve()
        serve(token=TOKEN)
    warnings = [r for r in caplog.records if "without a token" in r.getMessage()]
    assert len(warnings) == 1


def test_loopback_addresses():
    assert all(
        security.is_loopback(h) for h in ("127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]")
    )
    assert not any(
        security.is_loopback(h) for h in ("0.0.0.0", "::", "10.0.0.1", "example.org", "")
    )


# ---- the command line and the conformance kit ----------------------------------------------------


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_command_line_server_takes_token_file_and_tls_flags(pki, tmp_path):
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN + "\n")
    port = _free_port()
    cmd = [
        sys.executable,
        "-m",
        "gymbridge.serve",
        "--env",
        "CartPole-v1",
        "--port",
        str(port),
        "--token-file",
        str(token_file),
        "--tls-cert",
        str(pki.server_cert),
        "--tls-key",
        str(pki.server_key),
        "--tls-client-ca",
        str(pki.client_ca),
    ]
    env = {k: v for k, v in os.environ.items() if k not in ENV_NAMES}
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
    )
    try:
        banner = proc.stdout.readline()
        assert "mutual TLS, bearer token required" in banner, banner
        assert TOKEN not in banner
        env = gymbridge.make(
            "CartPole-v1",
            f"127.0.0.1:{port}",
            token=TOKEN,
            tls_ca=pki.ca,
            tls_cert=pki.client_cert,
            tls_key=pki.client_key,
            timeout_s=FAST,
        )
        assert len(episode(env)) == 5
    finally:
        proc.terminate()
        out = proc.communicate(timeout=15)[0]
    assert TOKEN not in out


def test_the_command_line_server_says_what_is_wrong_in_one_line(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ENV_NAMES}
    env[security.ENV_TLS_CERT] = str(tmp_path / "missing.pem")
    env[security.ENV_TLS_KEY] = str(tmp_path / "missing.key")
    done = subprocess.run(
        [sys.executable, "-m", "gymbridge.serve", "--env", "CartPole-v1", "--port", "0"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines()[-1].startswith("gymbridge.serve: tls_cert: cannot read")


def test_the_conformance_kit_passes_against_a_secured_server(serve, pki, tmp_path):
    server = serve(
        token=TOKEN, tls_cert=pki.server_cert, tls_key=pki.server_key, tls_client_ca=pki.client_ca
    )
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN)
    cmd = [
        sys.executable,
        "-m",
        "gymbridge.conformance",
        "--address",
        server.address,
        "--token-file",
        str(token_file),
        "--tls-ca",
        str(pki.ca),
        "--tls-cert",
        str(pki.client_cert),
        "--tls-key",
        str(pki.client_key),
    ]
    env = {k: v for k, v in os.environ.items() if k not in ENV_NAMES}
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, f"{done.stdout[-6000:]}\n{done.stderr[-2000:]}"
    assert " passed" in done.stdout and " failed" not in done.stdout


def test_the_conformance_kit_fails_fast_without_the_token(serve, pki):
    server = serve(token=TOKEN)
    env = {k: v for k, v in os.environ.items() if k not in ENV_NAMES}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "gymbridge.conformance",
            "--address",
            server.address,
            "-x",
            "-k",
            "test_server_info",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert done.returncode != 0
    assert "UNAUTHENTICATED" in done.stdout
