package io.gymbridge.server;

import io.grpc.Context;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerStreamTracer;
import io.grpc.Status;
import io.grpc.health.v1.HealthGrpc;
import io.gymbridge.codec.ClientText;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs before every other interceptor, on every call, token or not ({@link CallLimits} has the
 * figures):
 *
 * <ul>
 *   <li>a grpc.health.v1 request over its small limit is refused RESOURCE_EXHAUSTED as soon as its
 *       bytes pass the limit, not once 64 MiB have arrived: the server's message limit is one for
 *       all methods, so a {@link ServerStreamTracer} counts the health request's bytes as the
 *       transport reads them;
 *   <li>a call whose (first) request has not arrived within its timeout is refused
 *       DEADLINE_EXCEEDED, so calls that never send their body do not stay open for ever; once a
 *       Stream call's first message is in, its sessions' idle timeout takes over;
 *   <li>one client (IP address) may hold only so many health calls open;
 *   <li>every status description is cut to {@link ClientText#MAX_DESCRIPTION_CHARS}.
 * </ul>
 *
 * <p>A guarded call is closed from the transport thread (too large), the timer thread (too slow) or
 * its handler, so its closing and sending go through one lock, which is what gRPC asks of calls
 * used from several threads. Nothing that can call back into a handler runs under that lock.
 */
final class CallGuard implements ServerInterceptor, AutoCloseable {
  private static final Context.Key<HealthRequestBytes> REQUEST_BYTES =
      Context.key("gymbridge-health-request-bytes");
  private static final ServerStreamTracer NOT_COUNTED = new ServerStreamTracer() {};

  private final CallLimits limits;
  private final RefusalLog refusals;
  private final ScheduledExecutorService timer;

  /** Open health calls per client; entries go when their count reaches 0. */
  private final ConcurrentHashMap<String, Integer> healthCalls = new ConcurrentHashMap<>();

  CallGuard(CallLimits limits, RefusalLog refusals) {
    this.limits = limits;
    this.refusals = refusals;
    ScheduledThreadPoolExecutor t =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread thread = new Thread(r, "gymbridge-call-timer");
              thread.setDaemon(true);
              return thread;
            });
    t.setRemoveOnCancelPolicy(true); // most timeouts are cancelled: do not keep them queued
    this.timer = Executors.unconfigurableScheduledExecutorService(t);
  }

  /** Counts the bytes of each health request; add it to the server builder with this guard. */
  ServerStreamTracer.Factory tracerFactory() {
    return new ServerStreamTracer.Factory() {
      @Override
      public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
        return fullMethodName.startsWith(HealthGrpc.SERVICE_NAME + "/")
            ? new HealthRequestBytes()
            : NOT_COUNTED;
      }
    };
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    boolean health = HealthGrpc.SERVICE_NAME.equals(call.getMethodDescriptor().getServiceName());
    String client = null;
    if (health) {
      client = ClientIdentity.of(call);
      if (healthCalls.merge(client, 1, Integer::sum) > limits.maxHealthCallsPerClient()) {
        release(client);
        refusals.refused("a health call over the per-client limit", client);
        call.close(
            Status.RESOURCE_EXHAUSTED.withDescription(
                "client "
                    + client
                    + " already has "
                    + limits.maxHealthCallsPerClient()
                    + " grpc.health.v1 calls open, the most one client may (a health check needs"
                    + " one); retry once one has ended"),
            new Metadata());
        return new ServerCall.Listener<>() {};
      }
    }
    GuardedCall<Q, R> guarded = new GuardedCall<>(call, client, health);
    HealthRequestBytes bytes = REQUEST_BYTES.get();
    if (bytes != null) {
      bytes.watch(guarded);
    }
    guarded.startTimeout(health ? limits.healthRequestTimeout() : limits.requestTimeout());
    return new GuardedListener<>(next.startCall(guarded, headers), guarded);
  }

  private void release(String client) {
    healthCalls.computeIfPresent(client, (k, open) -> open == 1 ? null : open - 1);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }

  private static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }

  private static Status capped(Status status) {
    String d = status.getDescription();
    String c = ClientText.capDescription(d);
    return c == d ? status : status.withDescription(c);
  }

  /** A call that the guard may refuse until its request has arrived. */
  private final class GuardedCall<Q, R>
      extends ForwardingServerCall.SimpleForwardingServerCall<Q, R> {
    /** The client whose health-call count this call holds, or null. */
    private final String client;

    private final boolean health;
    private boolean closed;
    private boolean arrived;
    private boolean released;
    private ScheduledFuture<?> timeout;

    GuardedCall(ServerCall<Q, R> call, String client, boolean health) {
      super(call);
      this.client = client;
      this.health = health;
    }

    synchronized void startTimeout(Duration after) {
      if (!closed && !arrived) {
        timeout = timer.schedule(() -> timedOut(after), after.toNanos(), TimeUnit.NANOSECONDS);
      }
    }

    private synchronized void timedOut(Duration after) {
      if (arrived || closed) {
        return;
      }
      String what = health ? "grpc.health.v1" : getMethodDescriptor().getBareMethodName();
      refusals.refused("a " + what + " call whose request never arrived", peer());
      refuse(
          Status.DEADLINE_EXCEEDED.withDescription(
              "the "
                  + what
                  + " request did not arrive within "
                  + seconds(after)
                  + " of the call's start; send the request with the call"));
    }

    synchronized void tooLarge() {
      if (closed) {
        return;
      }
      refusals.refused("a grpc.health.v1 request over its size limit", peer());
      refuse(
          Status.RESOURCE_EXHAUSTED.withDescription(
              "a grpc.health.v1 request may be at most "
                  + limits.maxHealthRequestBytes()
                  + " bytes (a service name is short); this one is longer"));
    }

    private String peer() {
      return client != null ? client : ClientIdentity.of(this);
    }

    private void refuse(Status status) {
      ended();
      super.close(status, new Metadata());
    }

    /** A request is here: no timeout any more. False when the call was refused already. */
    synchronized boolean requestArrived() {
      if (closed) {
        return false;
      }
      arrived = true;
      if (timeout != null) {
        timeout.cancel(false);
      }
      return true;
    }

    synchronized boolean isOpen() {
      return !closed;
    }

    /** Closed by anyone, or cancelled by the client: stop the timer, give back the count. */
    synchronized void ended() {
      closed = true;
      if (timeout != null) {
        timeout.cancel(false);
      }
      if (client != null && !released) {
        released = true;
        release(client);
      }
    }

    @Override
    public synchronized void close(Status status, Metadata trailers) {
      if (closed) {
        return; // refused by the guard already; the handler's answer has nobody to go to
      }
      ended();
      super.close(capped(status), trailers);
    }

    @Override
    public synchronized void sendHeaders(Metadata headers) {
      if (!closed) {
        super.sendHeaders(headers);
      }
    }

    @Override
    public synchronized void sendMessage(R message) {
      if (!closed) {
        super.sendMessage(message);
      }
    }

    /**
     * Not under the lock: asking for a message can deliver one at once, into a handler that takes
     * its own lock (SessionStream), while another thread holding that lock sends through this call.
     * A request on a closed call is harmless.
     */
    @Override
    public void request(int numMessages) {
      super.request(numMessages);
    }
  }

  /** Drops what arrives for a call the guard has refused; tells the guard when a call ends. */
  private static final class GuardedListener<Q>
      extends ForwardingServerCallListener.SimpleForwardingServerCallListener<Q> {
    private final GuardedCall<Q, ?> call;

    GuardedListener(ServerCall.Listener<Q> delegate, GuardedCall<Q, ?> call) {
      super(delegate);
      this.call = call;
    }

    @Override
    public void onMessage(Q message) {
      if (call.requestArrived()) {
        super.onMessage(message);
      }
    }

    @Override
    public void onHalfClose() {
      if (call.isOpen()) {
        super.onHalfClose();
      }
    }

    @Override
    public void onCancel() {
      call.ended();
      super.onCancel();
    }

    @Override
    public void onComplete() {
      call.ended();
      super.onComplete();
    }
  }

  /**
   * One health call's request bytes, counted on the transport thread as they are read (before the
   * message is whole), and put in the call's context so the interceptor can hand it the call.
   */
  private final class HealthRequestBytes extends ServerStreamTracer {
    /** Written by the transport thread; read by the interceptor's, which may be another. */
    private volatile long received;

    private volatile GuardedCall<?, ?> call;

    @Override
    public Context filterContext(Context context) {
      return context.withValue(REQUEST_BYTES, this);
    }

    void watch(GuardedCall<?, ?> guarded) {
      call = guarded;
      if (received > limits.maxHealthRequestBytes()) {
        guarded.tooLarge();
      }
    }

    @Override
    public void inboundWireSize(long bytes) {
      received += bytes;
      GuardedCall<?, ?> c = call;
      if (received > limits.maxHealthRequestBytes() && c != null) {
        c.tooLarge();
      }
    }
  }
}
