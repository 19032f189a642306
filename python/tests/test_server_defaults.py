"""The two servers have the same defaults: gymbridge/server/defaults.py against the Java server's
--help (the jar conftest.py starts), and a default Python server's GetServerInfo limits against a
default Java server's. The Java test ServerDefaultsParityTest reads defaults.py from its side."""

from __future__ import annotations

import os
import re
import subprocess

import grpc
import pytest
from conftest import JAR

from gymbridge.server import defaults
from gymbridge.v1 import env_service_pb2 as pb
from gymbridge.v1 import env_service_pb2_grpc as pb_grpc

# Java option -> the Python default it must equal.
SHOWN_BY_JAVA_HELP = {
    "--host": defaults.HOST,
    "--port": defaults.PORT,
    "--max-sessions": defaults.MAX_SESSIONS,
    "--max-envs-per-session": defaults.MAX_ENVS_PER_SESSION,
    "--max-message-bytes": defaults.MAX_MESSAGE_BYTES,
    "--idle-timeout-seconds": defaults.IDLE_TIMEOUT_S,
    "--keepalive-seconds": defaults.KEEPALIVE_S,
    "--shutdown-grace-seconds": defaults.SHUTDOWN_GRACE_S,
}


@pytest.fixture(scope="module")
def java_help_defaults() -> dict[str, str]:
    """Each option of `env-server --help` and the default it shows, without GYMBRIDGE_* variables
    (which would replace the defaults)."""
    if not JAR.is_file():
        pytest.fail(f"{JAR} is missing: ./mvnw -o -q -pl env-server package -DskipTests")
    env = {k: v for k, v in os.environ.items() if not k.startswith("GYMBRIDGE_")}
    done = subprocess.run(
        ["java", "-jar", str(JAR), "--help"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    # Options start a line ("  -h, --help", "      --port=<port>"); descriptions wrap under them.
    blocks = re.split(r"\n(?=\s+(?:-\w, )?--)", done.stdout)
    shown = {}
    for block in blocks:
        m = re.match(r"\s+(?:-\w, )?(--[\w-]+)", block)
        d = re.search(r"\(default:\s*([^\s;),]+)", " ".join(block.split()))
        if m and d:
            shown[m.group(1)] = d.group(1)
    assert "--port" in shown, done.stdout
    return shown


@pytest.mark.parametrize("option", sorted(SHOWN_BY_JAVA_HELP))
def test_each_default_of_the_python_server_is_the_java_servers(java_help_defaults, option):
    assert option in java_help_defaults, f"env-server --help shows no default for {option}"
    assert str(SHOWN_BY_JAVA_HELP[option]) == java_help_defaults[option], (
        f"{option}: the Java server's default is {java_help_defaults[option]}, "
        f"gymbridge/server/defaults.py says {SHOWN_BY_JAVA_HELP[option]}"
    )


def test_both_default_servers_report_the_same_limits(server_address, python_server_address):
    def limits(address):
        with grpc.insecure_channel(address) as ch:
            info = pb_grpc.EnvServiceStub(ch).GetServerInfo(pb.GetServerInfoRequest(), timeout=10)
        return info.limits

    java, python = limits(server_address), limits(python_server_address)
    assert python == java
    assert python.max_message_bytes == defaults.MAX_MESSAGE_BYTES
