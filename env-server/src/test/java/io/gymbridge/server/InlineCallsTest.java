package io.gymbridge.server;

import static io.gymbridge.server.Wire.make;
import static io.gymbridge.server.Wire.reset;
import static io.gymbridge.server.Wire.step;
import static io.gymbridge.server.Wire.streamed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.gymbridge.codec.Spaces;
import io.gymbridge.envs.Env;
import io.gymbridge.envs.EnvRegistration;
import io.gymbridge.envs.EnvRegistry;
import io.gymbridge.envs.RgbFrame;
import io.gymbridge.envs.Transition;
import io.gymbridge.v1.Space;
import io.gymbridge.v1.Value;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Which calls run inline on the event loop (the fast path) and which on the call threads, seen from
 * inside a real server: the env records the thread each reset and step ran on, and a call "takes"
 * what the test says by advancing the server's clock, so every call's measured cost is exact.
 */
class InlineCallsTest {
  private static final String PROBE = "ThreadProbe-v0";
  private static volatile String lastThread;
  private static final ManualClock clock = new ManualClock();
  private static volatile long costMillis;

  private TestServer server;
  private String session;

  @BeforeEach
  void start() throws Exception {
    EnvRegistry envs = EnvRegistry.builtin();
    envs.register(
        new EnvRegistration(
            PROBE,
            "records its thread",
            a -> new ThreadProbeEnv(),
            Map.of(),
            null,
            null,
            false,
            List.of(),
            0));
    server = TestServer.start(TestServer.config(), envs, clock);
    session = server.env().make(make(PROBE, 1)).getSessionId();
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  @Test
  void aSessionThatResetSlowlyOnceStillStepsOnTheEventLoop() {
    // A vector env resets once, cold, and then only steps (autoreset): its steps must not stay on
    // the call threads because of that first reset.
    resetTaking(5);
    assertOnCallThread(stepTaking(0), "the first step (its cost is unknown)");
    for (int i = 0; i < 5; i++) {
      assertInline(stepTaking(0), "step " + (i + 2) + " after a cheap step");
    }
    assertOnCallThread(resetTaking(0), "a reset after a slow reset");
    assertInline(resetTaking(0), "a reset after a cheap reset");
  }

  @Test
  void oneSlowStepKeepsTheFastPathTwoInARowLeaveIt() {
    resetTaking(0);
    stepTaking(0);
    assertInline(stepTaking(5), "a cheap session's step");
    assertInline(stepTaking(0), "the step after one slow step (a preemption looks the same)");
    stepTaking(5);
    stepTaking(5);
    assertOnCallThread(stepTaking(0), "the step after two slow steps");
    assertInline(stepTaking(0), "the step after a cheap one again");
  }

  @Test
  void streamedStepsFollowTheSameRule() throws Exception {
    try (TestServer.StreamClient stream = server.stream()) {
      String id = stream.call(streamed(make(PROBE, 1))).getMake().getSessionId();
      costMillis = 5;
      stream.call(streamed(reset(id, 1)));
      costMillis = 0;
      stream.call(streamed(step(id, 0)));
      assertOnCallThread(lastThread, "the first streamed step");
      stream.call(streamed(step(id, 0)));
      assertInline(lastThread, "a streamed step after a cheap one, the slow reset notwithstanding");
    }
  }

  @Test
  void connectionsTakeTheEventLoopsInTurn() {
    // A connection waits for whatever its loop is doing: spread over all loops, a heavy client
    // shares a light one's loop as rarely as the loop count allows.
    int loops = Math.min(8, 2 * Runtime.getRuntime().availableProcessors()); // turns show in 8
    Set<String> threads = new HashSet<>();
    for (int i = 0; i < loops; i++) {
      ManagedChannel c = server.newChannel();
      String id = TestServer.env(c).make(make(PROBE, 1)).getSessionId();
      TestServer.env(c).reset(reset(id, 1));
      TestServer.env(c).step(step(id, 0));
      TestServer.env(c).step(step(id, 0)); // inline: on the loop that serves this connection
      assertInline(lastThread, "connection " + i + "'s step");
      threads.add(lastThread);
    }
    assertEquals(loops, threads.size(), loops + " connections ran on " + threads);
  }

  private String resetTaking(long millis) {
    costMillis = millis;
    server.env().reset(reset(session, 1));
    return lastThread;
  }

  private String stepTaking(long millis) {
    costMillis = millis;
    server.env().step(step(session, 0));
    return lastThread;
  }

  private static void assertInline(String thread, String what) {
    assertTrue(thread.startsWith("gymbridge-loop-"), what + " ran on " + thread + ", not inline");
  }

  private static void assertOnCallThread(String thread, String what) {
    assertTrue(thread.startsWith("gymbridge-call-"), what + " ran on " + thread + ", inline");
  }

  /** Records the thread it runs on; each reset and step takes {@link #costMillis} on the clock. */
  private static final class ThreadProbeEnv implements Env {
    private static final Space OBS = Spaces.boxFloat32(new float[] {0f}, new float[] {1f}, 1);

    @Override
    public Space observationSpace() {
      return OBS;
    }

    @Override
    public Space actionSpace() {
      return Spaces.discrete(2);
    }

    @Override
    public void reset(Long seed, Map<String, Value> options, Transition out) {
      record();
    }

    @Override
    public void step(ByteBuffer action, Transition out) {
      record();
      out.setReward(1.0);
    }

    private static void record() {
      lastThread = Thread.currentThread().getName();
      clock.advance(Duration.ofMillis(costMillis));
    }

    @Override
    public RgbFrame render() {
      throw new UnsupportedOperationException("no rendering");
    }
  }
}
