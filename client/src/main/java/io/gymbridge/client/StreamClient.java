package io.gymbridge.client;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.gymbridge.v1.EnvServiceGrpc;
import io.gymbridge.v1.StreamRequest;
import io.gymbridge.v1.StreamResponse;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One {@code Stream} call used as a blocking request/response channel: {@link #send} writes a
 * request and returns at once, {@link #await} waits for its response. The server answers in request
 * order, so several requests may be in flight.
 *
 * <p>Deadlines are per request, counted from the send: the stream itself lives as long as its
 * session and so carries no gRPC deadline. A request unanswered in time cancels the stream (the
 * server then closes the session) and fails with {@link SessionLostException}, as does every
 * request once the stream has ended for any reason. An in-band {@code error} response fails only
 * its own request, with a {@link RemoteEnvException} carrying the server's code and message.
 *
 * <p>Send, await and close from one thread at a time; gRPC's I/O thread only completes futures.
 */
final class StreamClient {
  /** Stream-level codes after which a fresh stream may well succeed. */
  private static boolean retryable(Status.Code code) {
    return switch (code) {
      case UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED, ABORTED, UNKNOWN, INTERNAL -> true;
      default -> false;
    };
  }

  /** A request in flight. */
  static final class Pending {
    final String what;
    final long sentNanos;
    final CompletableFuture<StreamResponse> response = new CompletableFuture<>();

    private Pending(String what, long sentNanos) {
      this.what = what;
      this.sentNanos = sentNanos;
    }
  }

  private final String address;
  private final int maxInboundMessageBytes;
  private final NanoClock clock;
  private final ClientCallStreamObserver<StreamRequest> requests;
  private final Queue<Pending> inFlight = new ConcurrentLinkedQueue<>();
  private final CompletableFuture<Void> ended = new CompletableFuture<>();

  /** Why the stream can no longer be used; null while it is healthy. Set once. */
  private volatile Status broken;

  StreamClient(
      ManagedChannel channel, String address, int maxInboundMessageBytes, NanoClock clock) {
    this.address = address;
    this.maxInboundMessageBytes = maxInboundMessageBytes;
    this.clock = clock;
    this.requests =
        (ClientCallStreamObserver<StreamRequest>)
            EnvServiceGrpc.newStub(channel).stream(new Responses());
  }

  boolean healthy() {
    return broken == null;
  }

  /** Sends a request; {@code what} names it in error messages ("Step of session s1 ..."). */
  Pending send(StreamRequest request, String what) {
    Pending p = new Pending(what, clock.nanoTime());
    Status b = broken;
    if (b != null) {
      p.response.completeExceptionally(streamFailure(b, what));
      return p;
    }
    inFlight.add(p);
    try {
      requests.onNext(request);
    } catch (RuntimeException e) {
      fail(Status.fromThrowable(e).augmentDescription("sending the request failed"));
    }
    // The stream may have ended between the check above and the add: fail what is queued.
    if (broken != null) {
      failInFlight();
    }
    return p;
  }

  /**
   * Waits for the response to {@code p}, at most {@code deadline} after it was sent.
   *
   * @throws SessionLostException the stream ended or the deadline passed (the stream is then
   *     cancelled)
   * @throws RemoteEnvException the server answered with an in-band error, or the stream ended with
   *     a code that a retry cannot fix
   */
  StreamResponse await(Pending p, Duration deadline) {
    long remaining = p.sentNanos + deadline.toNanos() - clock.nanoTime();
    StreamResponse r;
    try {
      r = p.response.get(Math.max(0, remaining), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      String why = "no answer within " + deadline.toMillis() + " ms";
      cancel(why);
      throw new SessionLostException(
          address,
          Status.Code.DEADLINE_EXCEEDED,
          "server " + address + ": " + p.what + " failed: " + why,
          null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      cancel("client thread interrupted");
      throw new RemoteEnvException(
          address,
          Status.Code.CANCELLED,
          "server " + address + ": interrupted while waiting for " + p.what,
          e);
    } catch (ExecutionException e) {
      RemoteEnvException cause = (RemoteEnvException) e.getCause();
      // Rethrow a fresh exception so the stack trace shows the waiting caller.
      if (cause instanceof SessionLostException) {
        throw new SessionLostException(
            cause.address(), cause.code(), cause.getMessage(), cause.getCause());
      }
      throw new RemoteEnvException(
          cause.address(), cause.code(), cause.getMessage(), cause.getCause());
    }
    if (r.hasError()) {
      Status.Code code = Status.fromCodeValue(r.getError().getCode()).getCode();
      throw new RemoteEnvException(
          address,
          code,
          "server "
              + address
              + ": "
              + p.what
              + " failed: "
              + code
              + ": "
              + r.getError().getMessage());
    }
    return r;
  }

  StreamResponse call(StreamRequest request, String what, Duration deadline) {
    return await(send(request, what), deadline);
  }

  /** Cancels the stream (the server closes its sessions); idempotent. */
  void cancel(String why) {
    fail(Status.CANCELLED.withDescription("cancelled by the client: " + why));
    try {
      requests.cancel(why, null);
    } catch (RuntimeException ignored) {
      // Already cancelled or closed.
    }
  }

  /**
   * Half-closes the stream and waits until the server has ended it, at most until {@code
   * deadlineNanos} (on the session's clock); cancels it if the server has not. Returns whether it
   * ended cleanly in time.
   */
  boolean complete(long deadlineNanos) {
    if (broken == null) {
      try {
        requests.onCompleted();
      } catch (RuntimeException e) {
        cancel("half-close failed: " + e);
        return false;
      }
    }
    try {
      ended.get(Math.max(0, deadlineNanos - clock.nanoTime()), TimeUnit.NANOSECONDS);
      return true;
    } catch (TimeoutException e) {
      cancel("the server did not end the stream in time");
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      cancel("client thread interrupted while closing");
      return false;
    } catch (ExecutionException e) {
      return false;
    }
  }

  private void fail(Status status) {
    synchronized (this) {
      if (broken == null) {
        broken = status;
      }
    }
    failInFlight();
  }

  private void failInFlight() {
    Status b = broken;
    Pending p;
    while ((p = inFlight.poll()) != null) {
      p.response.completeExceptionally(streamFailure(b, p.what));
    }
  }

  private RemoteEnvException streamFailure(Status status, String what) {
    String message =
        "server "
            + address
            + ": "
            + what
            + " failed: the stream ended with "
            + RemoteEnvException.describe(status);
    if (status.getCode() == Status.Code.RESOURCE_EXHAUSTED) {
      message +=
          " (the client accepts messages up to "
              + maxInboundMessageBytes
              + " bytes: raise ClientConfig.maxInboundMessageBytes, or use fewer envs per session)";
    }
    return retryable(status.getCode())
        ? new SessionLostException(address, status.getCode(), message, status.getCause())
        : new RemoteEnvException(address, status.getCode(), message, status.getCause());
  }

  /** Runs on gRPC's I/O thread (the channel uses a direct executor): never blocks. */
  private final class Responses implements StreamObserver<StreamResponse> {
    @Override
    public void onNext(StreamResponse value) {
      Pending p = inFlight.poll();
      if (p == null) {
        cancel("the server sent a response to no request");
        return;
      }
      p.response.complete(value);
    }

    @Override
    public void onError(Throwable t) {
      fail(Status.fromThrowable(t));
      ended.complete(null);
    }

    @Override
    public void onCompleted() {
      fail(Status.UNAVAILABLE.withDescription("the server ended the stream"));
      ended.complete(null);
    }
  }
}
