package io.gymbridge.server;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * Who is calling, for the per-client share of the budget ({@link EnvBudget}): the remote IP
 * address, without the port (an agent opens several connections). Put in the call's context by
 * {@link #interceptor()}; read with {@link #current()} on the thread that received the call.
 */
final class ClientIdentity {
  private static final Context.Key<String> KEY = Context.key("gymbridge-client");

  private ClientIdentity() {}

  /** The caller of the current call, or "in-process" outside one. */
  static String current() {
    String client = KEY.get();
    return client == null ? "in-process" : client;
  }

  static ServerInterceptor interceptor() {
    return new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(
          ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String client = of(call);
        return Contexts.interceptCall(
            Context.current().withValue(KEY, client), call, headers, next);
      }
    };
  }

  /** The caller of {@code call}, its IP address. */
  static String of(ServerCall<?, ?> call) {
    return of(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
  }

  private static String of(SocketAddress address) {
    if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
      return inet.getAddress().getHostAddress();
    }
    return String.valueOf(address);
  }
}
