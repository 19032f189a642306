"""EnvService's gRPC method handlers on grpc.aio: each call is a coroutine on the server's event
loop that reads its own request bytes (with a timeout), parses them here, and runs the env work on
a call thread (gymbridge/server/admission.py).

Every method is registered stream-in/stream-out on the server's side; the wire is the same as a
unary call's, and clients see no difference. That way the coroutine starts when the call does and
reads the request itself: grpc.aio would otherwise wait, without a timeout, for a unary request
before any of our code runs.

Requests are parsed here rather than by grpcio: with generated deserializers grpcio answers bytes
that are not a valid message with UNKNOWN "Exception deserializing request", after logging a
traceback per request, so a client with mismatched .proto files, or anyone sending garbage, would
get a status the contract does not list and flood the log. Here that is INVALID_ARGUMENT with one
short message (unary calls) or an in-band error (Stream: the stream goes on, as the contract says
of failed stream requests), logged at most once per few seconds.
"""

from __future__ import annotations

import grpc
from google.protobuf.message import DecodeError
from google.rpc import status_pb2

from gymbridge.server.admission import Aborted, Admission, CallContext
from gymbridge.server.errors import Refusal
from gymbridge.v1 import env_service_pb2 as pb

SERVICE = pb.DESCRIPTOR.services_by_name["EnvService"]

# Cheap and touching no env: answered on the event loop, so a server whose call threads are all
# busy still says what it is.
INLINE = frozenset({"GetServerInfo"})


def parse(cls, data: bytes):
    """The message of type cls in data, or a Refusal (INVALID_ARGUMENT) saying why not."""
    try:
        return cls.FromString(data)
    except (DecodeError, ValueError, RecursionError) as e:
        reason = str(e).strip() or type(e).__name__
        return Refusal(
            grpc.StatusCode.INVALID_ARGUMENT,
            f"request: these {len(data)} bytes are not a valid {cls.DESCRIPTOR.full_name} "
            f"({reason[:100]}); "
            "client and server must use the same gymbridge.v1 .proto files",
        )


def generic_handler(service, admission: Admission) -> grpc.GenericRpcHandler:
    """Handlers for every EnvService method of ``service`` (an EnvService): the unary ones call
    ``service.<Method>(request, context)`` on a call thread; Stream calls
    ``service.stream_one`` for each request."""
    handlers = {}
    for m in SERVICE.methods:
        req_cls = getattr(pb, m.input_type.name)
        serialize = getattr(pb, m.output_type.name).SerializeToString
        if m.client_streaming and m.server_streaming:
            handle = _streaming(service, admission, req_cls)
        elif not (m.client_streaming or m.server_streaming):
            handle = _unary(service, admission, getattr(service, m.name), req_cls, m.name)
        else:  # pragma: no cover - the contract has no such method; fail loudly if one is added
            raise NotImplementedError(f"{m.name}: only unary and bidirectional methods are served")
        handlers[m.name] = grpc.stream_stream_rpc_method_handler(
            handle, response_serializer=serialize
        )
    return grpc.method_handlers_generic_handler(SERVICE.full_name, handlers)


def _unary(service, admission: Admission, method, req_cls, rpc: str):
    timeout_s = admission.limits.request_timeout_s

    async def handle(request_iterator, context):
        async with admission.call(context):
            data = await admission.request(context, rpc, timeout_s)
            if data is grpc.aio.EOF:
                await context.abort(
                    grpc.StatusCode.INVALID_ARGUMENT, f"{rpc}: the call ended without a request"
                )
            ctx = CallContext(context.peer())

            def work():
                req = parse(req_cls, data)
                if isinstance(req, Refusal):
                    service.refuse_malformed(rpc, req, ctx)  # raises Aborted
                return method(req, ctx)

            try:
                response = work() if rpc in INLINE else await admission.run(work)
            except Aborted as a:
                await context.abort(a.code, a.details)
            await context.write(response)

    return handle


def _streaming(service, admission: Admission, req_cls):
    first_timeout_s = admission.limits.request_timeout_s
    idle_timeout_s = service.limits.idle_timeout_s

    async def handle(request_iterator, context):
        async with admission.call(context):
            ctx = CallContext(context.peer())
            owned: set[str] = set()  # sessions this stream made: closed when it ends
            try:
                timeout_s = first_timeout_s
                while True:
                    data = await admission.request(context, "Stream", timeout_s)
                    if data is grpc.aio.EOF:
                        return
                    timeout_s = idle_timeout_s
                    req = parse(req_cls, data)
                    try:
                        response = await admission.run(
                            lambda req=req: service.stream_one(req, owned, ctx)
                        )
                    except Aborted as a:  # busy: answered in-band, the stream goes on
                        error = status_pb2.Status(code=a.code.value[0], message=a.details)
                        response = pb.StreamResponse(error=error)
                    await context.write(response)
            finally:
                if owned:
                    # Not awaited: the call may be ending because it was cancelled.
                    admission.submit(lambda: service.close_sessions(owned, "stream ended"))

    return handle
