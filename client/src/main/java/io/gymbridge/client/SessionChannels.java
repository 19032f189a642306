package io.gymbridge.client;

import io.grpc.ManagedChannel;
import java.util.concurrent.TimeUnit;

/** The gRPC channel each session has to itself: how it is built and how it is shut down. */
final class SessionChannels {
  private SessionChannels() {}

  /** A channel to {@code address} with the security, message limit and keepalive of {@code c}. */
  static ManagedChannel open(String address, ClientConfig c) {
    return c.security()
        .channelBuilder(address)
        .maxInboundMessageSize(c.maxInboundMessageBytes())
        .keepAliveTime(c.keepAliveTime().toNanos(), TimeUnit.NANOSECONDS)
        .keepAliveTimeout(c.keepAliveTimeout().toNanos(), TimeUnit.NANOSECONDS)
        // Response callbacks only complete futures: run them on the I/O thread, no hand-off.
        .directExecutor()
        .build();
  }

  /**
   * Shuts {@code channel} down, waiting for its calls to end until {@code deadlineNanos} on {@code
   * clock}, then cutting them off.
   */
  static void shutdown(ManagedChannel channel, long deadlineNanos, NanoClock clock) {
    channel.shutdown();
    try {
      long left = deadlineNanos - clock.nanoTime();
      if (left <= 0 || !channel.awaitTermination(left, TimeUnit.NANOSECONDS)) {
        channel.shutdownNow();
      }
    } catch (InterruptedException e) {
      channel.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
