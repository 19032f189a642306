"""grpc.health.v1.Health/Check, by hand (grpcio-health-checking is not on every index):
HealthCheckRequest{string service = 1}; HealthCheckResponse{ServingStatus status = 1}, 1 being
SERVING.

Health answers without a token (orchestrators probe without one), so it is the one method anyone
who reaches the port can call: its request is at most a kilobyte (a service name is short), it
must arrive within a few seconds of the call's start, a client may hold only a few health calls
open at once (gymbridge/server/admission.py), an unknown name is quoted clipped, never whole, and
the memory an oversized request took is given back (gymbridge/server/memory.py).
"""

from __future__ import annotations

import grpc

from gymbridge.server import guard
from gymbridge.server.admission import Admission
from gymbridge.server.memory import Trimmer

SERVICE = "grpc.health.v1.Health"
SERVED = ("", "gymbridge.v1.EnvService")
SERVING = b"\x08\x01"


def service_name(request: bytes) -> str:
    """The service field of a HealthCheckRequest; "" when absent. Unknown fields are skipped only
    as far as a probe sends them: anything but field 1 first reads as the empty name."""
    if request[:1] != b"\x0a":
        return ""
    length, pos, shift = 0, 1, 0
    while pos < len(request) and shift < 35:
        b = request[pos]
        length |= (b & 0x7F) << shift
        pos += 1
        shift += 7
        if not b & 0x80:
            break
    return request[pos : pos + length].decode("utf-8", "replace")


def handler(admission: Admission) -> grpc.GenericRpcHandler:
    limits = admission.limits
    trimmer = Trimmer()

    async def check(request_iterator, context):
        async with admission.call(context, health=True):
            request = await admission.request(context, "Check", limits.health_request_timeout_s)
            if request is grpc.aio.EOF:
                await context.abort(
                    grpc.StatusCode.INVALID_ARGUMENT, "Check: the call ended without a request"
                )
            size = len(request)
            if size > limits.health_max_request_bytes:
                del request  # before the trim, so that its memory is free to give back
                trimmer.after_refusing(size)
                await context.abort(
                    grpc.StatusCode.RESOURCE_EXHAUSTED,
                    f"Check: a health request of {size} bytes; this server takes at most "
                    f"{limits.health_max_request_bytes} (a service name is short)",
                )
            name = service_name(request)
            if name not in SERVED:
                await context.abort(
                    grpc.StatusCode.NOT_FOUND,
                    f"service: unknown service {guard.shown(name, 64)}; this server reports "
                    "'' (the server) and 'gymbridge.v1.EnvService'",
                )
            await context.write(SERVING)

    # Stream-in/stream-out on the server's side (the wire is the same as a unary call's): the
    # coroutine then reads the request itself, with a timeout, instead of grpc.aio waiting for it
    # without one before the handler runs.
    return grpc.method_handlers_generic_handler(
        SERVICE, {"Check": grpc.stream_stream_rpc_method_handler(check)}
    )
