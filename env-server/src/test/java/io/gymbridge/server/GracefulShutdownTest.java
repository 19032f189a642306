package io.gymbridge.server;

import static io.gymbridge.server.Wire.assertStatus;
import static io.gymbridge.server.Wire.make;
import static io.gymbridge.server.Wire.reset;
import static io.gymbridge.server.Wire.streamed;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status.Code;
import io.gymbridge.envs.Env;
import io.gymbridge.envs.EnvRegistration;
import io.gymbridge.envs.EnvRegistry;
import io.gymbridge.envs.classic.CartPoleEnv;
import io.gymbridge.envs.wrappers.EnvWrapper;
import io.gymbridge.v1.GetServerInfoRequest;
import io.gymbridge.v1.Value;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Closing the server closes every session and leaves nothing answering on the port. */
@Timeout(60)
class GracefulShutdownTest {
  private final AtomicInteger opened = new AtomicInteger();
  private final AtomicInteger closed = new AtomicInteger();

  /** CartPole-v1 whose envs count their closes. */
  private EnvRegistry countingRegistry() {
    EnvRegistry r = new EnvRegistry();
    r.register(
        new EnvRegistration(
            "Counted-v0",
            "CartPole that counts closes",
            args -> counted(CartPoleEnv.fromKwargs(args)),
            Map.of("sutton_barto_reward", Value.newBuilder().setBoolValue(false).build()),
            500,
            null,
            false,
            List.of("rgb_array"),
            50));
    return r;
  }

  private Env counted(Env env) {
    opened.incrementAndGet();
    return new EnvWrapper(env) {
      @Override
      public void close() {
        closed.incrementAndGet();
        super.close();
      }
    };
  }

  @Test
  void closingTheServerClosesOpenSessionsAndLaterCallsAreUnavailable() throws Exception {
    TestServer server = TestServer.start(TestServer.config(), countingRegistry());
    try {
      String unary = server.env().make(make("Counted-v0", 3)).getSessionId();
      server.env().reset(reset(unary, 0));
      // A stream left open at shutdown: the server waits out its grace, then cancels it.
      TestServer.StreamClient stream = server.stream();
      String streamed = stream.call(streamed(make("Counted-v0", 2))).getMake().getSessionId();
      assertTrue(stream.call(streamed(reset(streamed, 0))).hasReset());
      assertEquals(5, opened.get());
      assertEquals(0, closed.get());

      assertDoesNotThrow(() -> server.server().close());

      assertEquals(5, closed.get(), "every env of both sessions closed, once");
      ManagedChannel fresh = server.newChannel();
      assertStatus(
          Code.UNAVAILABLE,
          () -> TestServer.env(fresh).getServerInfo(GetServerInfoRequest.getDefaultInstance()));
      assertStatus(Code.UNAVAILABLE, () -> server.env().reset(reset(unary, 0)));
    } finally {
      server.close();
    }
    assertEquals(5, closed.get(), "closing twice closes nothing twice");
  }

  @Test
  void closingAServerWithNoCallInFlightDoesNotWaitOutTheGrace() throws Exception {
    ServerConfig c = TestServer.config();
    // A grace far beyond the test's @Timeout: a close that waited it out would fail the test there.
    ServerConfig longGrace = c.toBuilder().shutdownGrace(Duration.ofHours(1)).build();
    TestServer server = TestServer.start(longGrace, countingRegistry());
    server.env().reset(reset(server.env().make(make("Counted-v0", 1)).getSessionId(), 0));

    server.close();

    assertEquals(1, closed.get());
  }
}
