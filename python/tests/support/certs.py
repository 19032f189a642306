"""Throwaway certificates for the TLS tests, made with the cryptography package: a server CA and
a server certificate for localhost / 127.0.0.1 (and one for another name only), a client CA with a
client certificate, a second, unrelated CA with its own client certificate, and a client
certificate from the server CA (one CA for both sides, as bin/dev-secrets makes them).

Each leaf says what it is for, as a real CA's do: client certificates carry the extended key usage
clientAuth, server certificates serverAuth, so a server under mutual TLS can refuse its own (or any
server's) certificate offered as a client's."""

from __future__ import annotations

import datetime
import ipaddress
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


@dataclass
class Pki:
    dir: Path
    ca: Path  # signs the server certificates
    server_cert: Path  # localhost, 127.0.0.1, ::1
    server_key: Path
    other_name_cert: Path  # only "gymbridge.test": dialing 127.0.0.1 needs tls_server_name
    other_name_key: Path
    client_ca: Path  # signs client_cert
    client_cert: Path
    client_key: Path
    stranger_cert: Path  # a client certificate from an unrelated CA
    stranger_key: Path
    same_ca_client_cert: Path  # a client certificate (clientAuth) signed by ``ca``
    same_ca_client_key: Path


def _key():
    return ec.generate_private_key(ec.SECP256R1())


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _cert(
    subject_key,
    cn: str,
    issuer_key=None,
    issuer_cn: str | None = None,
    ca=False,
    dns=(),
    ips=(),
    client=False,
):
    now = datetime.datetime.now(datetime.timezone.utc)
    b = (
        x509.CertificateBuilder()
        .subject_name(_name(cn))
        .issuer_name(_name(issuer_cn or cn))
        .public_key(subject_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if ca:
        b = b.add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_cert_sign=True,
                crl_sign=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
    else:
        sans = [x509.DNSName(d) for d in dns] + [
            x509.IPAddress(ipaddress.ip_address(i)) for i in ips
        ]
        if sans:
            b = b.add_extension(x509.SubjectAlternativeName(sans), critical=False)
        usage = ExtendedKeyUsageOID.CLIENT_AUTH if client else ExtendedKeyUsageOID.SERVER_AUTH
        b = b.add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
    return b.sign(issuer_key or subject_key, hashes.SHA256())


def _write(path: Path, cert=None, key=None) -> Path:
    if cert is not None:
        path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    else:
        path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
    return path


def make_pki(d: Path) -> Pki:
    ca_key, client_ca_key, stranger_ca_key = _key(), _key(), _key()
    ca = _cert(ca_key, "gymbridge test CA", ca=True)
    client_ca = _cert(client_ca_key, "gymbridge test client CA", ca=True)
    server_key, other_key, client_key, stranger_key = _key(), _key(), _key(), _key()
    server = _cert(
        server_key,
        "localhost",
        ca_key,
        "gymbridge test CA",
        dns=["localhost"],
        ips=["127.0.0.1", "::1"],
    )
    other = _cert(other_key, "gymbridge.test", ca_key, "gymbridge test CA", dns=["gymbridge.test"])
    client = _cert(client_key, "agent-1", client_ca_key, "gymbridge test client CA", client=True)
    stranger = _cert(stranger_key, "stranger", stranger_ca_key, "some other CA", client=True)
    same_ca_key = _key()
    same_ca = _cert(same_ca_key, "agent-2", ca_key, "gymbridge test CA", client=True)
    return Pki(
        dir=d,
        ca=_write(d / "ca.pem", ca),
        server_cert=_write(d / "server.pem", server),
        server_key=_write(d / "server.key", key=server_key),
        other_name_cert=_write(d / "other.pem", other),
        other_name_key=_write(d / "other.key", key=other_key),
        client_ca=_write(d / "client-ca.pem", client_ca),
        client_cert=_write(d / "client.pem", client),
        client_key=_write(d / "client.key", key=client_key),
        stranger_cert=_write(d / "stranger.pem", stranger),
        stranger_key=_write(d / "stranger.key", key=stranger_key),
        same_ca_client_cert=_write(d / "same-ca-client.pem", same_ca),
        same_ca_client_key=_write(d / "same-ca-client.key", key=same_ca_key),
    )
