package io.gymbridge.transport;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One {@code grpc.health.v1.Health/Check} against a server, as a container health check or a client
 * waiting for its servers does it: one deadline for connecting and answering, over plaintext or TLS
 * as {@link ClientSecurity} says (servers answer health checks without a token).
 */
public final class HealthProbe {
  private HealthProbe() {}

  /**
   * The serving status of {@code service} ("" for the whole server) at {@code target}.
   *
   * @param target a gRPC target: {@code host:port}, or {@code dns:///host:port}
   * @return SERVING, NOT_SERVING, ...; never null
   * @throws StatusRuntimeException the server could not be reached in time (UNAVAILABLE,
   *     DEADLINE_EXCEEDED) or does not know {@code service} (NOT_FOUND)
   */
  public static ServingStatus check(
      String target, String service, Duration deadline, ClientSecurity security) {
    ManagedChannel channel = security.channelBuilder(target).build();
    try {
      return HealthGrpc.newBlockingStub(channel)
          .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
          .check(HealthCheckRequest.newBuilder().setService(service).build())
          .getStatus();
    } finally {
      channel.shutdownNow();
      try {
        channel.awaitTermination(1, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
