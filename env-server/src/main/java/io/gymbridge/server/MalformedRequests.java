package io.gymbridge.server;

import io.grpc.Attributes;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.SecurityLevel;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Answers a request that is not a valid protobuf message with INVALID_ARGUMENT and one rate-limited
 * log line.
 *
 * <p>Left to grpc-java, a request that fails to parse throws inside the transport: the client gets
 * UNKNOWN ("Application error processing RPC") and the server logs a SEVERE stack trace per
 * request. So the service is rebuilt with every method taking raw bytes (an {@link InputStream})
 * and parsing them here, where a failure can be answered properly; valid messages go on to the real
 * handler unchanged. A refused Stream call also tells its handler that it was cancelled, so the
 * sessions made on it are closed at once.
 */
final class MalformedRequests {
  private static final Attributes.Key<SocketAddress> PEER = Grpc.TRANSPORT_ATTR_REMOTE_ADDR;

  private MalformedRequests() {}

  static ServerServiceDefinition guard(ServerServiceDefinition service, RefusalLog refusals) {
    ServiceDescriptor original = service.getServiceDescriptor();
    ServiceDescriptor.Builder descriptor =
        ServiceDescriptor.newBuilder(original.getName())
            .setSchemaDescriptor(original.getSchemaDescriptor()); // reflection reads it
    List<ServerMethodDefinition<InputStream, ?>> methods = new ArrayList<>();
    for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
      ServerMethodDefinition<InputStream, ?> guarded = guard(method, refusals);
      descriptor.addMethod(guarded.getMethodDescriptor());
      methods.add(guarded);
    }
    ServerServiceDefinition.Builder rebuilt = ServerServiceDefinition.builder(descriptor.build());
    for (ServerMethodDefinition<InputStream, ?> method : methods) {
      rebuilt.addMethod(method);
    }
    return rebuilt.build();
  }

  private static <Q, R> ServerMethodDefinition<InputStream, R> guard(
      ServerMethodDefinition<Q, R> method, RefusalLog refusals) {
    MethodDescriptor<Q, R> typed = method.getMethodDescriptor();
    MethodDescriptor<InputStream, R> raw =
        typed.toBuilder(RawBytes.INSTANCE, typed.getResponseMarshaller()).build();
    ServerCallHandler<InputStream, R> handler =
        (call, headers) -> {
          ServerCall.Listener<Q> inner =
              method.getServerCallHandler().startCall(new TypedCall<>(call, typed), headers);
          return new ParsingListener<>(call, typed, inner, refusals);
        };
    return ServerMethodDefinition.create(raw, handler);
  }

  /** Parses each message; a bad one ends the call with INVALID_ARGUMENT. */
  private static final class ParsingListener<Q, R> extends ServerCall.Listener<InputStream> {
    private final ServerCall<InputStream, R> call;
    private final MethodDescriptor<Q, R> method;
    private final ServerCall.Listener<Q> inner;
    private final RefusalLog refusals;
    private boolean refused;

    ParsingListener(
        ServerCall<InputStream, R> call,
        MethodDescriptor<Q, R> method,
        ServerCall.Listener<Q> inner,
        RefusalLog refusals) {
      this.call = call;
      this.method = method;
      this.inner = inner;
      this.refusals = refusals;
    }

    @Override
    public void onMessage(InputStream message) {
      if (refused) {
        return;
      }
      Q request;
      try (message) {
        request = method.parseRequest(message);
      } catch (RuntimeException | IOException e) {
        refuse();
        return;
      }
      inner.onMessage(request);
    }

    private void refuse() {
      refused = true;
      String rpc = method.getBareMethodName();
      String type = messageName(method);
      refusals.refused(
          "a malformed " + rpc + " request", String.valueOf(call.getAttributes().get(PEER)));
      call.close(
          Status.INVALID_ARGUMENT.withDescription(
              "the " + rpc + " request is not a valid " + type + " protobuf message"),
          new Metadata());
      inner.onCancel(); // the handler's call is over: a Stream closes its sessions now
    }

    @Override
    public void onHalfClose() {
      if (!refused) {
        inner.onHalfClose();
      }
    }

    @Override
    public void onCancel() {
      if (!refused) {
        inner.onCancel();
      }
    }

    @Override
    public void onComplete() {
      if (!refused) {
        inner.onComplete();
      }
    }

    @Override
    public void onReady() {
      if (!refused) {
        inner.onReady();
      }
    }
  }

  private static String messageName(MethodDescriptor<?, ?> method) {
    if (method.getRequestMarshaller() instanceof MethodDescriptor.ReflectableMarshaller<?> r) {
      return "gymbridge.v1." + r.getMessageClass().getSimpleName();
    }
    return "request";
  }

  /** The handler's view of the call: its own request type; everything else goes to the real one. */
  private static final class TypedCall<Q, R> extends ServerCall<Q, R> {
    private final ServerCall<InputStream, R> call;
    private final MethodDescriptor<Q, R> method;

    TypedCall(ServerCall<InputStream, R> call, MethodDescriptor<Q, R> method) {
      this.call = call;
      this.method = method;
    }

    @Override
    public void request(int numMessages) {
      call.request(numMessages);
    }

    @Override
    public void sendHeaders(Metadata headers) {
      call.sendHeaders(headers);
    }

    @Override
    public void sendMessage(R message) {
      call.sendMessage(message);
    }

    @Override
    public boolean isReady() {
      return call.isReady();
    }

    @Override
    public void close(Status status, Metadata trailers) {
      call.close(status, trailers);
    }

    @Override
    public boolean isCancelled() {
      return call.isCancelled();
    }

    @Override
    public void setMessageCompression(boolean enabled) {
      call.setMessageCompression(enabled);
    }

    @Override
    public void setCompression(String compressor) {
      call.setCompression(compressor);
    }

    @Override
    public void setOnReadyThreshold(int numBytes) {
      call.setOnReadyThreshold(numBytes);
    }

    @Override
    public SecurityLevel getSecurityLevel() {
      return call.getSecurityLevel();
    }

    @Override
    public Attributes getAttributes() {
      return call.getAttributes();
    }

    @Override
    public String getAuthority() {
      return call.getAuthority();
    }

    @Override
    public MethodDescriptor<Q, R> getMethodDescriptor() {
      return method;
    }
  }

  /** Passes the request bytes through unparsed. */
  private enum RawBytes implements MethodDescriptor.Marshaller<InputStream> {
    INSTANCE;

    @Override
    public InputStream stream(InputStream value) {
      return value;
    }

    @Override
    public InputStream parse(InputStream stream) {
      return stream;
    }
  }
}
