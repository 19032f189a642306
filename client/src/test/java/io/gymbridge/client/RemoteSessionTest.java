package io.gymbridge.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.gymbridge.codec.Tensors;
import io.gymbridge.server.EmbeddedEnvServer;
import io.gymbridge.v1.EnvServiceGrpc;
import io.gymbridge.v1.StepRequest;
import io.gymbridge.v1.Value;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class RemoteSessionTest {
  private static EmbeddedEnvServer server;

  @BeforeAll
  static void startServer() throws IOException {
    server = TestServers.start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  private static RemoteSession open(String envId, int numEnvs) {
    return RemoteSession.open(server.address(), envId, numEnvs, TestServers.fastFail());
  }

  @Test
  void cartPoleHasFourFloatObservationsAndTwoActions() {
    try (RemoteSession s = open("CartPole-v1", 3)) {
      assertEquals(3, s.numEnvs());
      assertEquals(4, s.observationSize());
      assertArrayEquals(new long[] {4}, s.observationShape());
      assertEquals(2, s.numActions());
      assertEquals("CartPole-v1", s.spec().getId());
      assertEquals(server.address(), s.address());
      assertFalse(s.sessionId().isEmpty());
    }
  }

  @Test
  void resetWithTheSameSeedGivesTheSameObservations() {
    try (RemoteSession a = open("CartPole-v1", 3);
        RemoteSession b = open("CartPole-v1", 3)) {
      StepBatch first = a.reset(11);
      assertArrayEquals(first.obs(), b.reset(11).obs());
      assertEquals(12, first.obs().length);
      for (float x : first.obs()) {
        assertTrue(x >= -0.05f && x < 0.05f, "CartPole starts within [-0.05, 0.05): " + x);
      }
      assertFalse(java.util.Arrays.equals(first.obs(), b.reset(12).obs()));
    }
  }

  @Test
  void envIOfASessionIsSeededWithSeedPlusI() {
    try (RemoteSession three = open("CartPole-v1", 3);
        RemoteSession one = open("CartPole-v1", 1)) {
      float[] all = three.reset(20).obs();
      for (int i = 0; i < 3; i++) {
        float[] single = one.reset(20 + i).obs();
        assertArrayEquals(single, java.util.Arrays.copyOfRange(all, 4 * i, 4 * i + 4));
      }
    }
  }

  @Test
  void stepReturnsARewardAndTwoFlagsPerEnv() {
    try (RemoteSession s = open("CartPole-v1", 2)) {
      s.reset(0);
      StepBatch r = s.step(new int[] {0, 1});
      assertEquals(8, r.obs().length);
      assertArrayEquals(new double[] {1.0, 1.0}, r.rewards());
      assertArrayEquals(new boolean[2], r.terminated());
      assertArrayEquals(new boolean[2], r.truncated());
      assertArrayEquals(new boolean[2], r.restarted());
    }
  }

  @Test
  void stepBeforeResetIsFailedPreconditionWithTheServersMessage() {
    try (RemoteSession s = open("CartPole-v1", 1)) {
      RemoteEnvException e = assertThrows(RemoteEnvException.class, () -> s.step(new int[] {0}));
      assertFalse(e instanceof SessionLostException);
      assertEquals(Status.Code.FAILED_PRECONDITION, e.code());
      assertTrue(e.getMessage().contains(server.address()), e.getMessage());
      assertTrue(e.getMessage().contains("FAILED_PRECONDITION"), e.getMessage());
      assertTrue(e.getMessage().contains("Step of session"), e.getMessage());
      // An in-band error leaves the stream usable.
      assertTrue(s.healthy());
      s.reset(0);
      s.step(new int[] {1});
    }
  }

  @Test
  void actionOutsideTheSpaceIsRejectedBeforeSending() {
    try (RemoteSession s = open("CartPole-v1", 2)) {
      s.reset(0);
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> s.step(new int[] {0, 2}));
      assertTrue(e.getMessage().contains("actions[1]"), e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> s.step(new int[] {0}));
    }
  }

  @Test
  void unknownEnvIdIsNotFoundListingTheKnownIds() {
    RemoteEnvException e = assertThrows(RemoteEnvException.class, () -> open("NoSuchEnv-v9", 1));
    assertEquals(Status.Code.NOT_FOUND, e.code());
    assertTrue(e.getMessage().contains("NoSuchEnv-v9"), e.getMessage());
    assertTrue(e.getMessage().contains("CartPole-v1"), e.getMessage());
    assertTrue(e.getMessage().contains(server.address()), e.getMessage());
  }

  @Test
  void uint8ObservationsArriveAsBytesInTheirShape() {
    try (RemoteSession s = open(TestServers.UINT8_BOX, 2)) {
      assertEquals(ObsType.UINT8, s.observationType());
      assertArrayEquals(new long[] {2, 3}, s.observationShape());
      StepBatch r = s.reset(0);
      assertNull(r.obs());
      assertArrayEquals(new byte[12], r.obsBytes());
      StepBatch b = s.step(new int[] {0, 1});
      assertEquals(12, b.obsBytes().length);
      assertArrayEquals(new double[] {1, 1}, b.rewards());
    }
  }

  @Test
  void nonBoxObservationsAreNotSupportedYetNamingTheSpace() {
    UnsupportedOperationException e =
        assertThrows(UnsupportedOperationException.class, () -> open(TestServers.DISCRETE_OBS, 1));
    assertTrue(e.getMessage().contains("Discrete(5)"), e.getMessage());
    assertTrue(e.getMessage().contains("not supported yet"), e.getMessage());
    assertTrue(e.getMessage().contains(TestServers.DISCRETE_OBS), e.getMessage());
  }

  @Test
  void nonDiscreteActionsAreNotSupportedYetNamingTheSpace() {
    UnsupportedOperationException e =
        assertThrows(UnsupportedOperationException.class, () -> open(TestServers.BOX_ACTION, 1));
    assertTrue(e.getMessage().contains("action space Box(float32, [1])"), e.getMessage());
    assertTrue(e.getMessage().contains("not supported yet"), e.getMessage());
  }

  @Test
  void nothingListeningIsUnavailableNamingTheAddress() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String address = "127.0.0.1:" + port;
    RemoteEnvException e =
        assertThrows(
            RemoteEnvException.class,
            () -> RemoteSession.open(address, "CartPole-v1", 1, TestServers.fastFail()));
    assertEquals(Status.Code.UNAVAILABLE, e.code());
    assertTrue(e.getMessage().contains(address), e.getMessage());
    assertTrue(e.getMessage().contains("Make of CartPole-v1"), e.getMessage());
    // UNAVAILABLE, not DEADLINE_EXCEEDED: the refusal was reported, not waited out.
  }

  @Test
  void malformedAddressesAreRejectedBeforeConnecting() {
    for (String bad : new String[] {"localhost", "localhost:", ":50051", "host:0", "host:99999"}) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> RemoteSession.open(bad, "CartPole-v1", 1));
      assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
      assertTrue(e.getMessage().contains("host:port"), e.getMessage());
    }
  }

  @Test
  void stepPastItsDeadlineLosesTheSession() {
    TestServers.GATE.close();
    ClientConfig halfSecond =
        TestServers.fastFail()
            .withDeadlines(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofMillis(500));
    try (RemoteSession s = RemoteSession.open(server.address(), TestServers.GATED, 1, halfSecond)) {
      s.reset(0);
      SessionLostException e =
          assertThrows(SessionLostException.class, () -> s.step(new int[] {0}));
      assertEquals(Status.Code.DEADLINE_EXCEEDED, e.code());
      assertTrue(e.getMessage().contains("no answer within 500 ms"), e.getMessage());
      // The env is still inside that step: the client gave up without the server's answer.
      assertEquals(0, TestServers.GATE.left());
      assertFalse(s.healthy());
      // Later requests fail at once: the stream was cancelled.
      assertInstanceOf(
          SessionLostException.class, assertThrows(RemoteEnvException.class, () -> s.reset(0)));
    } finally {
      TestServers.GATE.open();
    }
  }

  @Test
  void closeClosesTheSessionOnTheServer() throws InterruptedException {
    String id;
    try (RemoteSession s = open("CartPole-v1", 1)) {
      s.reset(0);
      id = s.sessionId();
    }
    ManagedChannel channel =
        Grpc.newChannelBuilder(server.address(), InsecureChannelCredentials.create()).build();
    try {
      StepRequest step =
          StepRequest.newBuilder()
              .setSessionId(id)
              .setAction(Value.newBuilder().setTensor(Tensors.ofInt64(new long[] {0}, 1)))
              .build();
      StatusRuntimeException e =
          assertThrows(
              StatusRuntimeException.class,
              () ->
                  EnvServiceGrpc.newBlockingStub(channel)
                      .withDeadlineAfter(5, TimeUnit.SECONDS)
                      .step(step));
      assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
