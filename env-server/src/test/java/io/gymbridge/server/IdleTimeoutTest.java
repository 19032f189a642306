package io.gymbridge.server;

import static io.gymbridge.server.Wire.assertStatus;
import static io.gymbridge.server.Wire.make;
import static io.gymbridge.server.Wire.reset;
import static io.gymbridge.server.Wire.step;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.Status.Code;
import io.gymbridge.v1.GetServerInfoRequest;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Sessions nobody touches for longer than the idle timeout are closed; busy ones are not. */
class IdleTimeoutTest {
  private static final Duration IDLE = Duration.ofMillis(300);

  private TestServer server;

  @BeforeEach
  void start() throws Exception {
    server = TestServer.start(TestServer.config().withIdleTimeout(IDLE));
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  @Test
  void aSessionLeftAloneIsClosedAfterTheIdleTimeout() throws Exception {
    String id = server.env().make(make("CartPole-v1", 2)).getSessionId();
    server.env().reset(reset(id, 0));

    // Any call on the session would touch it, so look only once, well after the timeout.
    Thread.sleep(IDLE.toMillis() * 4);

    assertStatus(
        Code.NOT_FOUND, () -> server.env().step(step(id, 0, 1)), "session_id", id, "300 ms idle");
  }

  @Test
  void aSessionThatKeepsSteppingSurvives() throws Exception {
    String id = server.env().make(make("CartPole-v1", 1)).getSessionId();
    server.env().reset(reset(id, 0));

    long until = System.nanoTime() + IDLE.toNanos() * 5;
    long action = 0;
    while (System.nanoTime() < until) {
      server.env().step(step(id, action));
      action = 1 - action;
      Thread.sleep(IDLE.toMillis() / 5);
    }

    assertEquals(1, server.env().step(step(id, 0)).getRewardsCount());
  }

  @Test
  void aClosedIdleSessionFreesItsSlot() throws Exception {
    ServerConfig oneSession = TestServer.config().withIdleTimeout(IDLE).withLimits(1, 4, 1 << 20);
    try (TestServer small = TestServer.start(oneSession)) {
      small.env().make(make("CartPole-v1", 1));
      assertStatus(
          Code.RESOURCE_EXHAUSTED,
          () -> small.env().make(make("CartPole-v1", 1)),
          "--max-sessions");

      Thread.sleep(IDLE.toMillis() * 4);

      small.env().make(make("CartPole-v1", 1));
    }
  }

  @Test
  void serverInfoDoesNotReportASubSecondIdleTimeoutAsNoLimit() {
    // ServerLimits: 0 means "no limit"; a 300 ms timeout is a limit, so it must not read as 0.
    long reported =
        server
            .env()
            .getServerInfo(GetServerInfoRequest.getDefaultInstance())
            .getLimits()
            .getIdleTimeoutSeconds();
    assertEquals(1, reported);
  }
}
