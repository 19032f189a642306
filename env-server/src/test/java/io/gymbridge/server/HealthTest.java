package io.gymbridge.server;

import static io.gymbridge.server.Wire.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.ManagedChannel;
import io.grpc.Status.Code;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** grpc.health.v1, as orchestrators probe it. */
class HealthTest {
  private TestServer server;

  @BeforeEach
  void start() throws Exception {
    server = TestServer.start();
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  static HealthCheckResponse check(ManagedChannel channel, String service) {
    return HealthGrpc.newBlockingStub(channel)
        .withDeadlineAfter(TestServer.DEADLINE_SECONDS, TimeUnit.SECONDS)
        .check(HealthCheckRequest.newBuilder().setService(service).build());
  }

  @Test
  void serverAndEnvServiceAreServing() {
    assertEquals(ServingStatus.SERVING, check(server.channel(), "").getStatus());
    assertEquals(
        ServingStatus.SERVING, check(server.channel(), "gymbridge.v1.EnvService").getStatus());
  }

  @Test
  void unknownServiceIsNotFound() {
    assertStatus(Code.NOT_FOUND, () -> check(server.channel(), "gymbridge.v1.NoSuchService"));
  }

  @Test
  void afterCloseTheServerIsGone() {
    server.server().close();

    ManagedChannel fresh = server.newChannel();
    assertStatus(Code.UNAVAILABLE, () -> check(fresh, ""));
  }
}
