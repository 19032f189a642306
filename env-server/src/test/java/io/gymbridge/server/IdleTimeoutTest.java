package io.gymbridge.server;

import static io.gymbridge.server.Wire.assertStatus;
import static io.gymbridge.server.Wire.make;
import static io.gymbridge.server.Wire.reset;
import static io.gymbridge.server.Wire.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.grpc.Status.Code;
import io.gymbridge.envs.EnvRegistration;
import io.gymbridge.envs.EnvRegistry;
import io.gymbridge.envs.classic.CartPoleEnv;
import io.gymbridge.envs.wrappers.EnvWrapper;
import io.gymbridge.v1.GetServerInfoRequest;
import io.gymbridge.v1.Value;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Sessions nobody touches for longer than the idle timeout are closed; busy ones are not. The
 * timeout runs on a {@link ManualClock} and each test runs the reaper's pass itself, so nothing
 * waits on, or races, the scheduled reaper thread; one test checks that the scheduled reaper runs.
 */
class IdleTimeoutTest {
  private static final Duration IDLE = Duration.ofMillis(300);
  private static final Duration JUST_OVER = IDLE.plusNanos(1);

  private final ManualClock clock = new ManualClock();
  private TestServer server;

  @BeforeEach
  void start() throws Exception {
    server = TestServer.start(TestServer.config().withIdleTimeout(IDLE), clock);
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  @Test
  void aSessionLeftAloneIsClosedOnceTheIdleTimeoutHasPassed() {
    String id = server.env().make(make("CartPole-v1", 2)).getSessionId();
    server.env().reset(reset(id, 0));

    // Any call on the session would touch it, so count open sessions instead until the last look.
    clock.advance(IDLE);
    server.server().reapIdleSessions();
    assertEquals(1, server.server().openSessions(), "idle for exactly the timeout: still open");

    clock.advance(Duration.ofNanos(1));
    server.server().reapIdleSessions();
    assertEquals(0, server.server().openSessions());
    assertStatus(
        Code.NOT_FOUND, () -> server.env().step(step(id, 0, 1)), "session_id", id, "300 ms idle");
  }

  @Test
  void aSessionThatKeepsSteppingSurvives() {
    String id = server.env().make(make("CartPole-v1", 1)).getSessionId();
    server.env().reset(reset(id, 0));

    long action = 0;
    for (int i = 0; i < 10; i++) { // 5 idle timeouts in all, never more than half of one idle
      clock.advance(IDLE.dividedBy(2));
      server.env().step(step(id, action));
      action = 1 - action;
      server.server().reapIdleSessions();
    }

    assertEquals(1, server.env().step(step(id, 0)).getRewardsCount());
  }

  @Test
  void aClosedIdleSessionFreesItsSlot() throws Exception {
    ServerConfig oneSession = TestServer.config().withIdleTimeout(IDLE).withLimits(1, 4, 1 << 20);
    ManualClock smallClock = new ManualClock();
    try (TestServer small = TestServer.start(oneSession, smallClock)) {
      small.env().make(make("CartPole-v1", 1));
      assertStatus(
          Code.RESOURCE_EXHAUSTED,
          () -> small.env().make(make("CartPole-v1", 1)),
          "--max-sessions");

      smallClock.advance(JUST_OVER);
      small.server().reapIdleSessions();

      small.env().make(make("CartPole-v1", 1));
    }
  }

  @Test
  void theScheduledReaperClosesIdleSessionsOnItsOwn() throws Exception {
    // The real clock and the real reaper thread (a pass every 75 ms here): poll, with time to spare
    // on a loaded machine, for what the other tests do by hand.
    try (TestServer real = TestServer.start(TestServer.config().withIdleTimeout(IDLE))) {
      real.env().make(make("CartPole-v1", 1));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (real.server().openSessions() > 0) {
        if (System.nanoTime() > deadline) {
          fail("the idle session was still open 30 s after it went idle (timeout " + IDLE + ")");
        }
        Thread.sleep(20);
      }
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

  @Test
  void anEnvWhoseCloseThrowsAnErrorDoesNotStopTheReaper() throws Exception {
    // An Error, not an exception: what native code or a full heap throws, and what used to end
    // the scheduled reaper for good.
    EnvRegistry envs = EnvRegistry.builtin();
    envs.register(
        new EnvRegistration(
            "BadClose-v0",
            "CartPole whose close throws an Error",
            args ->
                new EnvWrapper(CartPoleEnv.fromKwargs(args)) {
                  @Override
                  public void close() {
                    throw new Error("close failed in native code");
                  }
                },
            Map.of("sutton_barto_reward", Value.newBuilder().setBoolValue(false).build()),
            500,
            null,
            false,
            List.of(),
            50));
    ManualClock badClock = new ManualClock();
    try (TestServer bad =
        TestServer.start(TestServer.config().withIdleTimeout(IDLE), envs, badClock)) {
      bad.env().make(make("BadClose-v0", 1));
      bad.env().make(make("CartPole-v1", 1));

      badClock.advance(JUST_OVER);
      bad.server().reapIdleSessions(); // as the scheduled task runs it: must not throw

      assertEquals(0, bad.server().openSessions(), "both idle sessions closed in one pass");
      bad.env().make(make("CartPole-v1", 1));
      badClock.advance(JUST_OVER);
      bad.server().reapIdleSessions();
      assertEquals(0, bad.server().openSessions(), "the next pass still reaps");
    }
  }
}
