package io.gymbridge.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.gymbridge.server.EmbeddedEnvServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class RemoteBatchedEnvTest {
  private static final String CARTPOLE = "CartPole-v1";
  private static final List<EmbeddedEnvServer> servers = new ArrayList<>();

  @BeforeAll
  static void startServers() throws IOException {
    for (int i = 0; i < 3; i++) {
      servers.add(TestServers.start());
    }
  }

  @AfterAll
  static void stopServers() {
    servers.forEach(EmbeddedEnvServer::close);
  }

  /** The first {@code n} shared servers' addresses. */
  private static List<String> addresses(int n) {
    return servers.subList(0, n).stream().map(EmbeddedEnvServer::address).toList();
  }

  private static RemoteBatchedEnv connect(List<String> addresses, int numEnvs) {
    return RemoteBatchedEnv.connect(addresses, CARTPOLE, numEnvs, TestServers.fastFail());
  }

  @Test
  void aSentStepAwaitedLaterEqualsABlockingStep() {
    int[] actions = {0, 1, 1, 0, 1};
    try (RemoteBatchedEnv blocking = connect(addresses(2), 5);
        RemoteBatchedEnv split = connect(addresses(2), 5)) {
      blocking.reset(7);
      split.reset(7);
      for (int t = 0; t < 30; t++) {
        StepBatch want = blocking.step(actions);
        split.sendStep(actions);
        StepBatch got = split.awaitStep();
        assertArrayEquals(want.obs(), got.obs(), "step " + t);
        assertArrayEquals(want.terminated(), got.terminated(), "step " + t);
      }
    }
  }

  @Test
  void oneStepMayBeInFlightAndResetWaitsForIt() {
    try (RemoteBatchedEnv env = connect(addresses(1), 2)) {
      assertThrows(IllegalStateException.class, env::awaitStep);
      env.reset(1);
      assertThrows(IllegalStateException.class, env::awaitStep);
      env.sendStep(new int[] {0, 1});
      IllegalStateException twice =
          assertThrows(IllegalStateException.class, () -> env.sendStep(new int[] {0, 1}));
      assertTrue(twice.getMessage().contains("awaitStep"), twice.getMessage());
      assertThrows(IllegalStateException.class, () -> env.reset(1));
      assertEquals(8, env.awaitStep().obs().length);
      assertEquals(8, env.reset(1).obs().length);
    }
  }

  @Test
  void cartPoleHasObservationSizeFourAndTwoActions() {
    try (RemoteBatchedEnv env = connect(addresses(2), 5)) {
      assertEquals(5, env.numEnvs());
      assertEquals(4, env.observationSize());
      assertEquals(2, env.numActions());
      assertArrayEquals(new int[] {3, 2}, env.envsPerSession());
      assertEquals(addresses(2), env.addresses());
    }
  }

  @Test
  void envsAreSplitAsEvenlyAsPossibleAndExtraServersGetNone() {
    try (RemoteBatchedEnv env = connect(addresses(3), 7)) {
      assertArrayEquals(new int[] {3, 2, 2}, env.envsPerSession());
    }
    try (RemoteBatchedEnv env = connect(addresses(3), 2)) {
      assertArrayEquals(new int[] {1, 1}, env.envsPerSession());
      assertEquals(8, env.reset(0).obs().length);
    }
  }

  @Test
  void resetGivesTheSameObservationsHoweverTheEnvsAreSpread() {
    for (int numEnvs : new int[] {6, 7}) {
      float[] single;
      try (RemoteBatchedEnv one = connect(addresses(1), numEnvs)) {
        single = one.reset(123).obs();
      }
      for (int spread = 2; spread <= 3; spread++) {
        try (RemoteBatchedEnv many = connect(addresses(spread), numEnvs)) {
          assertArrayEquals(single, many.reset(123).obs(), numEnvs + " envs over " + spread);
        }
      }
    }
  }

  @Test
  void resetMatchesASingleServerSessionSeededWithSeedPlusI() {
    try (RemoteBatchedEnv env = connect(addresses(3), 6);
        RemoteSession session =
            RemoteSession.open(servers.get(0).address(), CARTPOLE, 6, TestServers.fastFail())) {
      assertArrayEquals(session.reset(99).obs(), env.reset(99).obs());
    }
  }

  @Test
  void stepsGiveTheSameResultsHoweverTheEnvsAreSpread() {
    int numEnvs = 6;
    try (RemoteBatchedEnv one = connect(addresses(1), numEnvs);
        RemoteBatchedEnv three = connect(addresses(3), numEnvs)) {
      one.reset(5);
      three.reset(5);
      SplittableRandom random = new SplittableRandom(1);
      for (int t = 0; t < 60; t++) {
        int[] actions = random.ints(numEnvs, 0, 2).toArray();
        StepBatch a = one.step(actions);
        StepBatch b = three.step(actions);
        assertArrayEquals(a.obs(), b.obs(), "step " + t);
        assertArrayEquals(a.rewards(), b.rewards(), "step " + t);
        assertArrayEquals(a.terminated(), b.terminated(), "step " + t);
        assertArrayEquals(a.truncated(), b.truncated(), "step " + t);
      }
    }
  }

  @Test
  void stepsReturnConsistentShapes() {
    try (RemoteBatchedEnv env = connect(addresses(2), 5)) {
      StepBatch reset = env.reset(0);
      assertShapes(reset, 5, 4);
      for (int t = 0; t < 20; t++) {
        StepBatch s = env.step(new int[] {0, 1, 0, 1, 1});
        assertShapes(s, 5, 4);
        assertArrayEquals(new boolean[5], s.restarted());
      }
    }
  }

  private static void assertShapes(StepBatch b, int numEnvs, int obsSize) {
    assertEquals(numEnvs * obsSize, b.obs().length);
    assertEquals(numEnvs, b.rewards().length);
    assertEquals(numEnvs, b.terminated().length);
    assertEquals(numEnvs, b.truncated().length);
    assertEquals(numEnvs, b.restarted().length);
  }

  @Test
  void theStepAfterTerminationIsAnAutoresetWithRewardZeroAndNoFlags() {
    try (RemoteBatchedEnv env = connect(addresses(2), 4)) {
      env.reset(3);
      int[] push = new int[4]; // always left: every pole falls within a few dozen steps
      boolean[] ended = new boolean[4];
      int endedCount = 0;
      for (int t = 0; t < 100 && endedCount < 4; t++) {
        StepBatch s = env.step(push);
        for (int i = 0; i < 4; i++) {
          if (ended[i]) {
            // NEXT_STEP: this step reset env i instead of stepping it.
            assertEquals(0.0, s.rewards()[i], "env " + i + " step " + t);
            assertFalse(s.terminated()[i] || s.truncated()[i], "env " + i + " step " + t);
            for (int j = 0; j < 4; j++) {
              float x = s.obs()[4 * i + j];
              assertTrue(x >= -0.05f && x < 0.05f, "a reset observation: " + x);
            }
            ended[i] = false;
            endedCount++;
            continue;
          }
          assertEquals(1.0, s.rewards()[i]);
          if (s.terminated()[i]) {
            assertFalse(s.truncated()[i]);
            ended[i] = true;
          }
        }
      }
      assertEquals(4, endedCount, "every env terminated and was reset");
    }
  }

  @Test
  void stepBeforeResetAndBadActionsAreRejected() {
    try (RemoteBatchedEnv env = connect(addresses(2), 3)) {
      assertThrows(IllegalStateException.class, () -> env.step(new int[] {0, 0, 0}));
      env.reset(0);
      assertThrows(IllegalArgumentException.class, () -> env.step(new int[] {0, 0}));
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> env.step(new int[] {0, 0, 2}));
      assertTrue(e.getMessage().contains("actions[2]"), e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> env.reset(-1));
      // Nothing was sent: the envs still step in lockstep.
      assertEquals(12, env.step(new int[] {1, 1, 1}).obs().length);
    }
    RemoteBatchedEnv closed = connect(addresses(1), 1);
    closed.close();
    closed.close();
    assertThrows(IllegalStateException.class, () -> closed.reset(0));
  }

  @Test
  void aServerRestartedOnTheSamePortIsReconnectedAndOnlyItsEnvsRestart() throws Exception {
    EmbeddedEnvServer steady = servers.get(0);
    EmbeddedEnvServer[] flaky = {TestServers.start()};
    int port = flaky[0].port();
    List<String> both = List.of(steady.address(), flaky[0].address());
    FakeClock clock = new FakeClock();
    ClientConfig config =
        clock.drive(
            TestServers.fastFail()
                .withReconnect(
                    Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofSeconds(20)));
    try (RemoteBatchedEnv env = RemoteBatchedEnv.connect(both, CARTPOLE, 4, config);
        // What the steady server's two envs must show: the same seeds and actions, no restart.
        RemoteBatchedEnv reference = connect(List.of(servers.get(1).address()), 2)) {
      env.reset(7);
      reference.reset(7);
      int[] actions = {1, 0, 1, 0};
      int[] refActions = {1, 0};
      for (int t = 0; t < 5; t++) {
        float[] obs = env.step(actions).obs();
        assertArrayEquals(reference.step(refActions).obs(), Arrays.copyOfRange(obs, 0, 8));
      }

      flaky[0].close();
      // The server comes back during the client's second pause between attempts.
      clock.onSleep(
          pause -> {
            if (pause == 2) {
              try {
                flaky[0] = TestServers.startOn(port);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            }
          });

      StepBatch s = env.step(actions);
      // Two refused attempts and their backoff (doubling from 50 ms), then the third got through.
      assertEquals(List.of(Duration.ofMillis(50), Duration.ofMillis(100)), clock.sleeps());
      assertArrayEquals(new boolean[] {false, false, true, true}, s.restarted());
      assertEquals(1, env.reconnects());

      StepBatch ref = reference.step(refActions);
      assertArrayEquals(ref.obs(), Arrays.copyOfRange(s.obs(), 0, 8));
      assertArrayEquals(ref.rewards(), Arrays.copyOfRange(s.rewards(), 0, 2));
      assertArrayEquals(new double[] {0, 0}, Arrays.copyOfRange(s.rewards(), 2, 4));
      assertArrayEquals(new boolean[4], s.terminated());
      assertArrayEquals(new boolean[4], s.truncated());

      // The restarted envs hold a fresh episode seeded deterministically.
      long seed = Reconnector.reconnectSeed(7 + 2, 1);
      try (RemoteSession fresh =
          RemoteSession.open(servers.get(1).address(), CARTPOLE, 2, TestServers.fastFail())) {
        assertArrayEquals(fresh.reset(seed).obs(), Arrays.copyOfRange(s.obs(), 8, 16));
      }

      for (int t = 0; t < 5; t++) {
        StepBatch next = env.step(actions);
        assertArrayEquals(new boolean[4], next.restarted());
        assertArrayEquals(reference.step(refActions).obs(), Arrays.copyOfRange(next.obs(), 0, 8));
        assertEquals(1.0, next.rewards()[3]);
      }
    } finally {
      flaky[0].close();
    }
  }

  @Test
  void theEnvsOfAServerGoneForGoodMoveToTheOthersAndTrainingGoesOn() throws Exception {
    EmbeddedEnvServer doomed = TestServers.start();
    List<String> both = List.of(servers.get(0).address(), doomed.address());
    // 2 s budget: the own server is tried for 0.5 s, then the others.
    ClientConfig config =
        TestServers.fastFail()
            .withReconnect(Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofSeconds(2));
    try (RemoteBatchedEnv env = RemoteBatchedEnv.connect(both, CARTPOLE, 4, config)) {
      env.reset(3);
      env.step(new int[] {0, 1, 0, 1});
      doomed.close(); // for good
      StepBatch s = env.step(new int[] {0, 1, 0, 1});
      assertArrayEquals(new boolean[] {false, false, true, true}, s.restarted());
      assertEquals(
          List.of(servers.get(0).address(), servers.get(0).address()), env.sessionAddresses());
      for (int t = 0; t < 20; t++) {
        StepBatch next = env.step(new int[] {1, 1, 1, 1});
        assertEquals(16, next.obs().length);
      }
      assertEquals(1, env.reconnects());
    } finally {
      doomed.close();
    }
  }

  @Test
  void aServerBackAtANewAddressIsFoundThroughTheServerList() throws Exception {
    EmbeddedEnvServer[] server = {TestServers.start()};
    String old = server[0].address();
    ClientConfig config =
        TestServers.fastFail()
            .withReconnect(Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofSeconds(4));
    try (RemoteBatchedEnv env = RemoteBatchedEnv.connect(List.of(old), CARTPOLE, 2, config)) {
      // What a DNS name would resolve to now: whichever address the server has.
      env.followServers(() -> List.of(server[0].address()));
      env.reset(5);
      server[0].close();
      server[0] = TestServers.start(); // another port: "another pod behind the same name"
      StepBatch s = env.step(new int[] {0, 1});
      assertArrayEquals(new boolean[] {true, true}, s.restarted());
      assertEquals(List.of(server[0].address()), env.sessionAddresses());
      assertEquals(8, env.step(new int[] {1, 0}).obs().length);
    } finally {
      server[0].close();
    }
  }

  @Test
  void aSessionLostDuringResetIsReplacedAndResetWithTheRequestedSeeds() throws Exception {
    EmbeddedEnvServer[] flaky = {TestServers.start()};
    int port = flaky[0].port();
    try (RemoteBatchedEnv env =
            RemoteBatchedEnv.connect(
                List.of(servers.get(0).address(), flaky[0].address()),
                CARTPOLE,
                4,
                TestServers.fastFail());
        RemoteBatchedEnv reference = connect(addresses(1), 4)) {
      env.reset(1);
      flaky[0].close();
      flaky[0] = TestServers.startOn(port);
      StepBatch r = env.reset(5);
      assertArrayEquals(new boolean[] {false, false, true, true}, r.restarted());
      assertArrayEquals(reference.reset(5).obs(), r.obs());
      assertEquals(1, env.reconnects());
      assertArrayEquals(reference.step(new int[4]).obs(), env.step(new int[4]).obs());
    } finally {
      flaky[0].close();
    }
  }

  @Test
  void aSessionTheServerClosedForIdlenessIsReplaced() throws Exception {
    try (EmbeddedEnvServer impatient =
            EmbeddedEnvServer.start(
                TestServers.config().withIdleTimeout(Duration.ofMillis(200)),
                TestServers.registry());
        RemoteBatchedEnv env = connect(List.of(impatient.address()), 2)) {
      env.reset(0);
      // Wait for the server's reaper to close the session (not for a guessed time): the step after
      // that finds it gone. The deadline only bounds a failure.
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (impatient.openSessions() > 0) {
        assertTrue(System.nanoTime() < deadline, "the idle session was never closed");
        Thread.sleep(10); // a poll of the event, not a guess at its time
      }
      StepBatch s = env.step(new int[2]);
      assertArrayEquals(new boolean[] {true, true}, s.restarted());
      assertArrayEquals(new double[2], s.rewards());
      assertEquals(1, env.reconnects());
    }
  }

  @Test
  void aServerThatNeverComesBackFailsWithinTheBudgetNamingIt() throws IOException {
    // Its only server: there is nowhere else to move the envs.
    EmbeddedEnvServer doomed = TestServers.start();
    String address = doomed.address();
    FakeClock clock = new FakeClock();
    try (RemoteBatchedEnv env =
        RemoteBatchedEnv.connect(
            List.of(address), CARTPOLE, 4, clock.drive(TestServers.fastFail()))) {
      env.reset(0);
      env.step(new int[4]);
      doomed.close();

      RemoteEnvException e = assertThrows(RemoteEnvException.class, () -> env.step(new int[4]));
      // Budget 1 s, backoff 50 ms doubling up to 200 ms: 7 refused attempts, the last pause cut
      // to what the budget had left, and not a moment past it.
      List<Duration> pauses =
          List.of(50, 100, 200, 200, 200, 200, 50).stream().map(Duration::ofMillis).toList();
      assertEquals(pauses, clock.sleeps());
      assertEquals(Duration.ofSeconds(1), clock.elapsed());
      assertEquals(address, e.address());
      assertEquals(Status.Code.UNAVAILABLE, e.code());
      String m = e.getMessage();
      assertTrue(m.contains("server " + address + " is gone"), m);
      assertTrue(m.contains("Step of session"), m);
      assertTrue(m.contains("retried for 1.0 s (7 attempts, budget PT1S)"), m);
    } finally {
      doomed.close();
    }
  }

  @Test
  void closingIsBoundedWhenAServerIsGone() throws IOException {
    EmbeddedEnvServer doomed = TestServers.start();
    RemoteBatchedEnv env =
        RemoteBatchedEnv.connect(
            List.of(servers.get(0).address(), doomed.address()),
            CARTPOLE,
            2,
            TestServers.fastFail());
    env.reset(0);
    doomed.close();
    env.close(); // a hang here fails the test at its timeout
    assertThrows(IllegalStateException.class, () -> env.reset(0));
  }

  @Test
  void closingGivesUpOnAServerThatDoesNotAnswer() throws Exception {
    TestServers.GATE.close();
    RemoteBatchedEnv env =
        RemoteBatchedEnv.connect(
            List.of(servers.get(0).address()),
            TestServers.GATED,
            1,
            TestServers.fastFail().withCloseTimeout(Duration.ofMillis(200)));
    try {
      env.reset(0);
      env.sendStep(new int[] {0});
      TestServers.GATE.awaitEntered();
      // The server holds the step, so the Close queued behind it is never answered: close gives
      // up after its timeout (a close that waited for the answer would hang until the gate opens,
      // which happens only below, and fail the test at its timeout).
      env.close();
      assertEquals(0, TestServers.GATE.left(), "the server was still inside the step");
    } finally {
      TestServers.GATE.open();
    }
  }

  @Test
  void serversThatDisagreeOnTheSpacesAreRefusedAtConnectAndWhenEnvsMove() throws IOException {
    try (EmbeddedEnvServer one = TestServers.startTwin(1);
        EmbeddedEnvServer three = TestServers.startTwin(3)) {
      String want =
          "servers disagree on the spaces of Twin-v0: "
              + one.address()
              + " has float32 observations [1] and 2 actions, "
              + three.address()
              + " has float32 observations [3] and 2 actions";
      IllegalStateException atConnect =
          assertThrows(
              IllegalStateException.class,
              () ->
                  RemoteBatchedEnv.connect(
                      List.of(one.address(), three.address()),
                      TestServers.TWIN,
                      2,
                      TestServers.fastFail()));
      assertEquals(want, atConnect.getMessage());

      // A rebalance onto a server with other spaces leaves it out, with the same message logged;
      // the envs stay where they are.
      FakeClock clock = new FakeClock();
      try (RemoteBatchedEnv env =
          RemoteBatchedEnv.connect(
              List.of(one.address()),
              TestServers.TWIN,
              2,
              clock.drive(TestServers.fastFail().withRebalanceInterval(Duration.ofSeconds(1))))) {
        env.followServers(() -> List.of(one.address(), three.address()));
        env.reset(0);
        clock.advance(Duration.ofSeconds(2));
        StepBatch s = env.step(new int[2]);
        assertArrayEquals(new boolean[2], s.restarted());
        assertEquals(List.of(one.address()), env.sessionAddresses());
        assertEquals(0, env.rebalances());
      }
    }
  }

  @Test
  void anUnreachableServerFailsConnectAtOnceNamingIt() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String dead = "127.0.0.1:" + port;
    RemoteEnvException e =
        assertThrows(
            RemoteEnvException.class, () -> connect(List.of(servers.get(0).address(), dead), 4));
    assertEquals(Status.Code.UNAVAILABLE, e.code());
    assertEquals(dead, e.address());
    assertTrue(e.getMessage().contains(dead), e.getMessage());
  }

  @Test
  void anUnknownEnvIdOrMalformedAddressFailsConnectClearly() {
    RemoteEnvException e =
        assertThrows(
            RemoteEnvException.class,
            () -> RemoteBatchedEnv.connect(addresses(2), "Nope-v0", 4, TestServers.fastFail()));
    assertEquals(Status.Code.NOT_FOUND, e.code());
    assertTrue(e.getMessage().contains("Nope-v0"), e.getMessage());
    IllegalArgumentException bad =
        assertThrows(
            IllegalArgumentException.class,
            () -> connect(List.of(servers.get(0).address(), "no-port"), 4));
    assertTrue(bad.getMessage().contains("'no-port'"), bad.getMessage());
    assertThrows(IllegalArgumentException.class, () -> connect(List.of(), 4));
  }

  @Test
  void reconnectSeedsAreDeterministicDistinctAndFitAnInt32() {
    long a = Reconnector.reconnectSeed(7, 1);
    assertEquals(a, Reconnector.reconnectSeed(7, 1));
    assertNotEquals(a, Reconnector.reconnectSeed(7, 2));
    assertNotEquals(a, Reconnector.reconnectSeed(8, 1));
    for (long base : new long[] {0, 1, Long.MAX_VALUE - 10, 1L << 40}) {
      for (int k = 1; k < 100; k++) {
        long s = Reconnector.reconnectSeed(base, k);
        assertTrue(s >= 0 && s < (1L << 30), "seed " + s);
      }
    }
  }
}
