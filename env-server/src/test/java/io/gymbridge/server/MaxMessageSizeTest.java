package io.gymbridge.server;

import static io.gymbridge.server.Wire.assertStatus;
import static io.gymbridge.server.Wire.close;
import static io.gymbridge.server.Wire.make;
import static io.gymbridge.server.Wire.render;
import static io.gymbridge.server.Wire.reset;
import static io.gymbridge.server.Wire.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status.Code;
import io.grpc.StatusRuntimeException;
import io.gymbridge.v1.AutoresetMode;
import io.gymbridge.v1.MakeRequest;
import io.gymbridge.v1.ResetResponse;
import io.gymbridge.v1.StepResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * --max-message-bytes bounds requests and responses alike. The test clients accept exactly that
 * much (as the option's doc asks of clients), so a response over it fails the call.
 */
class MaxMessageSizeTest {
  private static final int FRAME_BYTES = 400 * 600 * 3;

  @Test
  void renderWhoseFramesExceedTheLimitIsResourceExhaustedNamingTheOption() throws Exception {
    try (TestServer server = TestServer.start(TestServer.config().withLimits(8, 8, 1_000_000))) {
      String one = rgbSession(server, 1);
      assertEquals(FRAME_BYTES, server.env().render(render(one)).getFrames().getData().size());

      String two = rgbSession(server, 2);
      assertStatus(
          Code.RESOURCE_EXHAUSTED,
          () -> server.env().render(render(two)),
          String.valueOf(2 * FRAME_BYTES),
          "1000000",
          "--max-message-bytes");
      // The session is still usable.
      assertEquals(2, server.env().step(step(two, 0, 1)).getRewardsCount());
    }
  }

  @Test
  void makeOfMoreEnvsThanStepResponsesCanCarryIsResourceExhausted() throws Exception {
    try (TestServer server =
        TestServer.start(TestServer.config().withLimits(8, 100_000, 64 << 10))) {
      assertStatus(
          Code.RESOURCE_EXHAUSTED,
          () -> server.env().make(make("CartPole-v1", 5000)),
          "5000",
          "--max-message-bytes");
      // The refused Make did not take a session slot or leak envs: small ones still work.
      for (int i = 0; i < 8; i++) {
        server.env().make(make("CartPole-v1", 1));
      }
    }
  }

  @Test
  void theLargestSessionMakeAcceptsGetsEveryResponseWithinTheLimit() throws Exception {
    int limit = 64 << 10;
    try (TestServer server = TestServer.start(TestServer.config().withLimits(4, 100_000, limit))) {
      int n = largestAcceptedNumEnvs(server);
      assertTrue(n > 100, "a 64 KiB limit leaves room for hundreds of CartPoles, got " + n);

      // SAME_STEP with a one-step time limit: every env ends at once, the largest step response.
      String id =
          server
              .env()
              .make(make("CartPole-v1", n, AutoresetMode.AUTORESET_MODE_SAME_STEP, 1))
              .getSessionId();
      ResetResponse reset = server.env().reset(reset(id, 0));
      long[] actions = new long[n];
      StepResponse r = server.env().step(step(id, actions));

      assertEquals(n, r.getFinalEnvIndicesCount());
      assertTrue(reset.getSerializedSize() <= limit);
      assertTrue(r.getSerializedSize() <= limit, r.getSerializedSize() + " bytes > " + limit);
    }
  }

  @Test
  void requestOverTheLimitIsResourceExhausted() throws Exception {
    try (TestServer server = TestServer.start(TestServer.config().withLimits(4, 8, 64 << 10))) {
      String id = server.env().make(make("CartPole-v1", 1)).getSessionId();
      server.env().reset(reset(id, 0));
      long[] huge = new long[10_000]; // 80 KB of action
      assertStatus(Code.RESOURCE_EXHAUSTED, () -> server.env().step(step(id, huge)));
      assertEquals(List.of(1.0), server.env().step(step(id, 0)).getRewardsList());
    }
  }

  private static String rgbSession(TestServer server, int numEnvs) {
    MakeRequest r = make("CartPole-v1", numEnvs).toBuilder().setRenderMode("rgb_array").build();
    String id = server.env().make(r).getSessionId();
    server.env().reset(reset(id, 0));
    return id;
  }

  /** Binary search over Make: the largest num_envs the server's message-size check lets through. */
  private static int largestAcceptedNumEnvs(TestServer server) {
    int lo = 1;
    int hi = server.serverConfig().maxMessageBytes() / 16; // observations alone would not fit
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      try {
        server.env().close(close(server.env().make(make("CartPole-v1", mid)).getSessionId()));
        lo = mid;
      } catch (StatusRuntimeException e) {
        assertEquals(Code.RESOURCE_EXHAUSTED, e.getStatus().getCode(), e::toString);
        hi = mid - 1;
      }
    }
    return lo;
  }
}
