"""Bearer tokens and TLS settings, shared by the client, the server and the conformance tools.

The names are the Java env-server's and agent's, so one deployment configures both languages the
same way: ``--token`` / ``--token-file`` / ``GYMBRIDGE_TOKEN`` / ``GYMBRIDGE_TOKEN_FILE`` (in that
precedence), ``--tls``, ``--tls-ca``, ``--tls-cert``, ``--tls-key``, ``--tls-server-name``,
``--tls-client-ca`` and ``GYMBRIDGE_TLS_CA`` / ``_CERT`` / ``_KEY`` / ``_CLIENT_CA``.

A token is a secret: nothing here prints it (reprs say ``token=<set>``) and errors name the
setting, never its value. Every file is read and checked when the settings are resolved, so a
missing or wrong file is a ConfigError naming the setting, not a failed handshake minutes later.
"""

from __future__ import annotations

import argparse
import collections
import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import grpc

from gymbridge.errors import ConfigError

ENV_TOKEN = "GYMBRIDGE_TOKEN"
ENV_TOKEN_FILE = "GYMBRIDGE_TOKEN_FILE"
ENV_TLS_CA = "GYMBRIDGE_TLS_CA"
ENV_TLS_CERT = "GYMBRIDGE_TLS_CERT"
ENV_TLS_KEY = "GYMBRIDGE_TLS_KEY"
ENV_TLS_CLIENT_CA = "GYMBRIDGE_TLS_CLIENT_CA"
ENV_TLS_SERVER_NAME = "GYMBRIDGE_TLS_SERVER_NAME"

AUTHORIZATION = "authorization"  # gRPC metadata keys are lower case


# ---- tokens -------------------------------------------------------------------------------------


def resolve_token(
    token: str | None = None,
    token_file: str | os.PathLike | None = None,
    environ: Mapping[str, str] | None = None,
) -> str | None:
    """The bearer token, or None: ``token``, else the content of ``token_file``, else
    $GYMBRIDGE_TOKEN, else the content of $GYMBRIDGE_TOKEN_FILE (surrounding whitespace stripped).
    ``environ=None`` reads no environment.

    Fails closed, as the Java server and agent do (io.gymbridge.transport.Tokens): a variable that
    is set but empty, or a token that is empty once stripped, is a ConfigError, never "no token":
    ``GYMBRIDGE_TOKEN=`` from a template whose secret did not arrive must not start a server that
    checks nothing. Unset the variable to run without a token."""
    env = environ or {}
    if token is not None:
        return _checked_token(token.strip(), "token")
    if token_file is not None:
        return _read_token_file(token_file, "token_file")
    if ENV_TOKEN in env:
        return _checked_token(env[ENV_TOKEN].strip(), ENV_TOKEN)
    if ENV_TOKEN_FILE in env:
        path = env[ENV_TOKEN_FILE].strip()
        if not path:
            raise ConfigError(
                f"{ENV_TOKEN_FILE}: set but empty; give the token file's path, or unset it to "
                "run without a token"
            )
        return _read_token_file(path, ENV_TOKEN_FILE)
    return None


def _read_token_file(path, setting: str) -> str:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(
            f"{setting}: cannot read the token file {str(path)!r}: {_why(e)}"
        ) from None
    return _checked_token(text.strip(), f"{setting} ({path})")


def _checked_token(token: str, setting: str) -> str:
    """A token travels as an HTTP/2 header value: visible ASCII only (and never empty: an empty
    token would let an operator believe a server is protected when nothing is checked)."""
    if not token:
        raise ConfigError(
            f"{setting}: the token is empty; give one, or unset the setting to run without a token"
        )
    if any(not 0x21 <= ord(c) <= 0x7E for c in token):
        raise ConfigError(
            f"{setting}: a token must be visible ASCII characters (no spaces, no "
            "control or non-ASCII characters); the value is not shown"
        )
    return token


def bearer(token: str) -> str:
    return f"Bearer {token}"


# ---- PEM files ----------------------------------------------------------------------------------

_PEM_KINDS = {"certificate": b"CERTIFICATE-----", "private key": b"PRIVATE KEY-----"}


def read_pem(value: str | bytes | os.PathLike | None, setting: str, kind: str) -> bytes | None:
    """PEM bytes from a path (str or PathLike), or PEM given directly (bytes, or a str that starts
    with "-----BEGIN"); checked to hold a PEM block of ``kind`` ("certificate", "private key")."""
    if value is None:
        return None
    if isinstance(value, (bytes, bytearray)):
        data, where = bytes(value), "the PEM given"
    elif isinstance(value, str) and value.lstrip().startswith("-----BEGIN"):
        data, where = value.encode("ascii", "replace"), "the PEM given"
    elif isinstance(value, (str, os.PathLike)):
        if not str(value):
            raise ConfigError(f"{setting}: empty path")
        try:
            data = Path(value).read_bytes()
        except OSError as e:
            raise ConfigError(f"{setting}: cannot read {str(value)!r}: {_why(e)}") from None
        where = repr(str(value))
    else:
        raise ConfigError(f"{setting}: expected a path or PEM bytes, got {type(value).__name__}")
    if b"-----BEGIN " not in data or _PEM_KINDS[kind] not in data:
        raise ConfigError(
            f"{setting}: {where} holds no PEM {kind} (a '-----BEGIN ..."
            f"{_PEM_KINDS[kind].decode()}' block)"
        )
    return data


def _why(e: Exception) -> str:
    return e.strerror if isinstance(e, OSError) and e.strerror else type(e).__name__


def _env_path(environ: Mapping[str, str], name: str) -> str | None:
    value = environ.get(name, "").strip()
    return value or None


# ---- client -------------------------------------------------------------------------------------


@dataclass(frozen=True, repr=False)
class ClientSecurity:
    """How a client authenticates and encrypts: the bearer token (or None) and TLS (roots, client
    certificate for mutual TLS, the name to check the server certificate against). Build it with
    resolve(); repr() never shows the token or key material."""

    token: str | None = None
    tls: bool = False
    root_certificates: bytes | None = None  # None with tls: the system's roots
    certificate_chain: bytes | None = None
    private_key: bytes | None = None
    server_name: str | None = None

    @classmethod
    def resolve(
        cls,
        *,
        token: str | None = None,
        token_file=None,
        tls: bool | None = None,
        tls_ca=None,
        tls_cert=None,
        tls_key=None,
        tls_server_name: str | None = None,
        environ: Mapping[str, str] | None = None,
        tls_from_env: bool = True,
    ) -> ClientSecurity:
        """Arguments first, then the environment (``environ``, os.environ when None). ``tls_ca``,
        ``tls_cert``/``tls_key`` and ``tls_server_name`` imply TLS; ``tls=False`` forbids it (and
        ignores the TLS environment variables). ``tls_from_env=False`` reads only the token from
        the environment (for a caller that brings its own channel)."""
        env = os.environ if environ is None else environ
        tok = resolve_token(token, token_file, env)
        explicit = {
            "tls_ca": tls_ca,
            "tls_cert": tls_cert,
            "tls_key": tls_key,
            "tls_server_name": tls_server_name,
        }
        if tls is False:
            given = [k for k, v in explicit.items() if v is not None]
            if given:
                raise ConfigError(f"tls=False contradicts {', '.join(given)} (each implies TLS)")
            return cls(token=tok)
        if tls_from_env:
            tls_ca = tls_ca if tls_ca is not None else _env_path(env, ENV_TLS_CA)
            tls_cert = tls_cert if tls_cert is not None else _env_path(env, ENV_TLS_CERT)
            tls_key = tls_key if tls_key is not None else _env_path(env, ENV_TLS_KEY)
            if tls_server_name is None and env.get(ENV_TLS_SERVER_NAME):
                tls_server_name = env[ENV_TLS_SERVER_NAME]
        if (tls_cert is None) != (tls_key is None):
            have, missing = ("tls_cert", "tls_key") if tls_key is None else ("tls_key", "tls_cert")
            raise ConfigError(
                f"{have} needs {missing}: a client certificate goes with its private key"
            )
        on = bool(tls) or any(v is not None for v in (tls_ca, tls_cert, tls_key, tls_server_name))
        if not on:
            return cls(token=tok)
        if tls_server_name is not None and not tls_server_name.strip():
            raise ConfigError("tls_server_name: empty")
        return cls(
            token=tok,
            tls=True,
            root_certificates=read_pem(tls_ca, "tls_ca", "certificate"),
            certificate_chain=read_pem(tls_cert, "tls_cert", "certificate"),
            private_key=read_pem(tls_key, "tls_key", "private key"),
            server_name=tls_server_name.strip() if tls_server_name else None,
        )

    @property
    def metadata(self) -> tuple | None:
        """Per-call metadata carrying the token, or None."""
        return ((AUTHORIZATION, bearer(self.token)),) if self.token else None

    def channel_options(self) -> list:
        return [("grpc.ssl_target_name_override", self.server_name)] if self.server_name else []

    def channel(self, address: str, options=()) -> grpc.Channel:
        """A channel to address: TLS as set (the token is NOT added: pass ``metadata`` per call,
        or wrap the channel with intercept())."""
        opts = list(options) + self.channel_options()
        if not self.tls:
            return grpc.insecure_channel(address, options=opts)
        creds = grpc.ssl_channel_credentials(
            root_certificates=self.root_certificates,
            private_key=self.private_key,
            certificate_chain=self.certificate_chain,
        )
        return grpc.secure_channel(address, creds, options=opts)

    def intercept(self, channel: grpc.Channel) -> grpc.Channel:
        """The channel with the token added to every call (unary and streaming, raw multi-callables
        too); the channel itself when there is no token. Closing the result closes the channel."""
        if not self.token:
            return channel
        return grpc.intercept_channel(channel, _TokenInterceptor(self.metadata))

    def describe(self) -> str:
        """A line for logs and banners: what is on, never the secrets."""
        parts = ["TLS" if self.tls else "plaintext"]
        if self.root_certificates:
            parts.append("own CA")
        if self.certificate_chain:
            parts.append("client certificate")
        if self.server_name:
            parts.append(f"server name {self.server_name}")
        parts.append("bearer token" if self.token else "no token")
        return ", ".join(parts)

    def __repr__(self) -> str:
        return (
            f"ClientSecurity(token={'<set>' if self.token else None}, tls={self.tls}, "
            f"tls_ca={'<set>' if self.root_certificates else None}, "
            f"tls_cert={'<set>' if self.certificate_chain else None}, "
            f"tls_server_name={self.server_name!r})"
        )

    __str__ = __repr__


class _CallDetails(
    collections.namedtuple(
        "_CallDetails",
        ("method", "timeout", "metadata", "credentials", "wait_for_ready", "compression"),
    ),
    grpc.ClientCallDetails,
):
    def __repr__(self) -> str:  # the metadata holds the token
        return f"_CallDetails(method={self.method!r})"


class _TokenInterceptor(
    grpc.UnaryUnaryClientInterceptor,
    grpc.UnaryStreamClientInterceptor,
    grpc.StreamUnaryClientInterceptor,
    grpc.StreamStreamClientInterceptor,
):
    """Adds ``authorization: Bearer <token>`` to every call of a channel."""

    def __init__(self, metadata: tuple):
        self._metadata = metadata

    def _with_token(self, d: grpc.ClientCallDetails) -> _CallDetails:
        md = [m for m in (d.metadata or ()) if m[0] != AUTHORIZATION] + list(self._metadata)
        return _CallDetails(
            d.method,
            d.timeout,
            md,
            d.credentials,
            getattr(d, "wait_for_ready", None),
            getattr(d, "compression", None),
        )

    def intercept_unary_unary(self, continuation, client_call_details, request):
        return continuation(self._with_token(client_call_details), request)

    def intercept_unary_stream(self, continuation, client_call_details, request):
        return continuation(self._with_token(client_call_details), request)

    def intercept_stream_unary(self, continuation, client_call_details, request_iterator):
        return continuation(self._with_token(client_call_details), request_iterator)

    def intercept_stream_stream(self, continuation, client_call_details, request_iterator):
        return continuation(self._with_token(client_call_details), request_iterator)

    def __repr__(self) -> str:
        return "_TokenInterceptor(token=<set>)"


def add_client_arguments(parser: argparse.ArgumentParser) -> None:
    """The client-side token and TLS flags, named as the Java agent's."""
    g = parser.add_argument_group("security (each flag falls back to its environment variable)")
    g.add_argument(
        "--token",
        help=f"bearer token (${ENV_TOKEN}); visible to other users in the "
        "process list, so prefer --token-file",
    )
    g.add_argument(
        "--token-file", metavar="PATH", help=f"file holding the bearer token (${ENV_TOKEN_FILE})"
    )
    g.add_argument("--tls", action="store_true", default=None, help="TLS with the system's roots")
    g.add_argument(
        "--tls-ca",
        metavar="PATH",
        help=f"PEM roots to verify the server (${ENV_TLS_CA}); implies TLS",
    )
    g.add_argument(
        "--tls-cert", metavar="PATH", help=f"client certificate for mutual TLS (${ENV_TLS_CERT})"
    )
    g.add_argument("--tls-key", metavar="PATH", help=f"its private key (${ENV_TLS_KEY})")
    g.add_argument(
        "--tls-server-name",
        metavar="NAME",
        help="name to check the server certificate against (when dialing an IP); implies TLS",
    )


def client_security_from_args(
    a: argparse.Namespace, environ: Mapping[str, str] | None = None
) -> ClientSecurity:
    return ClientSecurity.resolve(
        token=a.token,
        token_file=a.token_file,
        tls=a.tls,
        tls_ca=a.tls_ca,
        tls_cert=a.tls_cert,
        tls_key=a.tls_key,
        tls_server_name=a.tls_server_name,
        environ=environ,
    )


# ---- server -------------------------------------------------------------------------------------


@dataclass(frozen=True, repr=False)
class ServerSecurity:
    """What a server requires: a bearer token (or None), its TLS certificate and key (or plaintext),
    and the CA that must have signed client certificates (mutual TLS) or None."""

    token: str | None = None
    certificate_chain: bytes | None = None
    private_key: bytes | None = None
    client_ca: bytes | None = None

    @classmethod
    def resolve(
        cls,
        *,
        token: str | None = None,
        token_file=None,
        tls_cert=None,
        tls_key=None,
        tls_client_ca=None,
        environ: Mapping[str, str] | None = None,
    ) -> ServerSecurity:
        """Arguments first, then ``environ`` (no environment when None: a program that embeds a
        server says what it means; the command line passes os.environ)."""
        env = environ or {}
        tok = resolve_token(token, token_file, env)
        tls_cert = tls_cert if tls_cert is not None else _env_path(env, ENV_TLS_CERT)
        tls_key = tls_key if tls_key is not None else _env_path(env, ENV_TLS_KEY)
        tls_client_ca = (
            tls_client_ca if tls_client_ca is not None else _env_path(env, ENV_TLS_CLIENT_CA)
        )
        if (tls_cert is None) != (tls_key is None):
            have, missing = ("tls_cert", "tls_key") if tls_key is None else ("tls_key", "tls_cert")
            raise ConfigError(
                f"{have} needs {missing}: the server certificate goes with its private key"
            )
        if tls_client_ca is not None and tls_cert is None:
            raise ConfigError(
                "tls_client_ca (mutual TLS) needs the server's own tls_cert and tls_key"
            )
        return cls(
            token=tok,
            certificate_chain=read_pem(tls_cert, "tls_cert", "certificate"),
            private_key=read_pem(tls_key, "tls_key", "private key"),
            client_ca=read_pem(tls_client_ca, "tls_client_ca", "certificate"),
        )

    @property
    def tls(self) -> bool:
        return self.certificate_chain is not None

    def server_credentials(self) -> grpc.ServerCredentials | None:
        if not self.tls:
            return None
        return grpc.ssl_server_credentials(
            [(self.private_key, self.certificate_chain)],
            root_certificates=self.client_ca,
            require_client_auth=self.client_ca is not None,
        )

    def describe(self) -> str:
        tls = "mutual TLS" if self.client_ca else ("TLS" if self.tls else "plaintext")
        return f"{tls}, {'bearer token required' if self.token else 'no token'}"

    def __repr__(self) -> str:
        return (
            f"ServerSecurity(token={'<set>' if self.token else None}, tls={self.tls}, "
            f"mutual_tls={self.client_ca is not None})"
        )

    __str__ = __repr__


def is_loopback(host: str) -> bool:
    """Whether a bind address only takes connections from this machine ("0.0.0.0", "::" and host
    names other than localhost do not)."""
    h = host.strip("[]")
    if h == "localhost":
        return True
    try:
        return ipaddress.ip_address(h).is_loopback
    except ValueError:
        return False
