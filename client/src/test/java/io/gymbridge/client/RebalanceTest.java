package io.gymbridge.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gymbridge.server.EmbeddedEnvServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The server list a {@link RemoteBatchedEnv} follows changes while it steps: envs spread over
 * servers added to it, leave servers gone from it, and skip servers not ready yet.
 */
@Timeout(60)
class RebalanceTest {
  private static final String CARTPOLE = "CartPole-v1";
  private static final Duration CHECK = Duration.ofSeconds(30);
  private static final Duration PAST_CHECK = CHECK.plusNanos(1);
  private static final List<EmbeddedEnvServer> servers = new ArrayList<>();
  private static String a;
  private static String b;
  private static String c;

  @BeforeAll
  static void startServers() throws IOException {
    for (int i = 0; i < 3; i++) {
      servers.add(TestServers.start());
    }
    a = servers.get(0).address();
    b = servers.get(1).address();
    c = servers.get(2).address();
  }

  @AfterAll
  static void stopServers() {
    servers.forEach(EmbeddedEnvServer::close);
  }

  /** Each test's time: a check is due when the test moves it past the interval. */
  private final FakeClock clock = new FakeClock();

  /**
   * Fail-fast settings on {@link #clock} that read the server list again every {@code interval}.
   */
  private ClientConfig checkingEvery(Duration interval) {
    return clock.drive(TestServers.fastFail().withRebalanceInterval(interval));
  }

  /** {@code numEnvs} CartPoles on {@code addresses} that follow {@code listed} as it changes. */
  private static RemoteBatchedEnv following(
      List<String> listed, List<String> addresses, int numEnvs, ClientConfig config) {
    RemoteBatchedEnv env = RemoteBatchedEnv.connect(addresses, CARTPOLE, numEnvs, config);
    env.followServers(() -> List.copyOf(listed));
    return env;
  }

  private static void assertNoneRestarted(StepBatch s) {
    assertArrayEquals(new boolean[s.restarted().length], s.restarted());
  }

  @Test
  void aServerAddedToTheListGetsItsShareAtTheNextCheckAndOnlyTheEnvsThatMoveRestart()
      throws Exception {
    List<String> listed = new CopyOnWriteArrayList<>(List.of(a));
    // One server, two sessions on it: the first keeps its envs when the second's move.
    try (RemoteBatchedEnv env = following(listed, List.of(a, a), 4, checkingEvery(CHECK))) {
      env.reset(11);
      int[] actions = {0, 1, 0, 1};
      for (int t = 0; t < 3; t++) {
        assertNoneRestarted(env.step(actions));
      }
      clock.advance(PAST_CHECK);
      assertNoneRestarted(env.step(actions)); // the same server: nothing to move
      assertEquals(0, env.rebalances());

      listed.add(b);
      clock.advance(PAST_CHECK);
      StepBatch s = env.step(actions);
      assertArrayEquals(new int[] {2, 2}, env.envsPerSession());
      assertEquals(List.of(a, b), env.sessionAddresses());
      assertArrayEquals(new boolean[] {false, false, true, true}, s.restarted());
      assertArrayEquals(new double[] {1, 1, 0, 0}, s.rewards());
      assertEquals(1, env.rebalances());
      assertEquals(0, env.reconnects());
      // The moved envs hold a fresh episode, seeded from the last reset and the rebalance count.
      try (RemoteSession fresh = RemoteSession.open(c, CARTPOLE, 2, TestServers.fastFail())) {
        float[] want = fresh.reset(Rebalancer.rebalanceSeed(11, 2, 1)).obs();
        assertArrayEquals(want, Arrays.copyOfRange(s.obs(), 8, 16));
      }

      for (int t = 0; t < 10; t++) {
        StepBatch next = env.step(actions);
        assertNoneRestarted(next);
        assertEquals(1.0, next.rewards()[3]);
      }
      assertEquals(1, env.rebalances());
    }
  }

  @Test
  void aLoneSessionIsSplitWhenASecondServerIsListed() throws Exception {
    List<String> listed = new CopyOnWriteArrayList<>(List.of(a));
    try (RemoteBatchedEnv env = following(listed, List.of(a), 4, checkingEvery(CHECK))) {
      env.reset(0);
      env.step(new int[4]);
      listed.add(b);
      clock.advance(PAST_CHECK);
      // The one session's share changes too (4 envs -> 2): every env restarts.
      StepBatch s = env.step(new int[4]);
      assertArrayEquals(new boolean[] {true, true, true, true}, s.restarted());
      assertArrayEquals(new int[] {2, 2}, env.envsPerSession());
      assertEquals(List.of(a, b), env.sessionAddresses());
      assertNoneRestarted(env.step(new int[4]));
    }
  }

  @Test
  void theEnvsOfAServerThatLeftTheListMoveToTheOthersBeforeItsSessionFails() throws Exception {
    List<String> listed = new CopyOnWriteArrayList<>(List.of(a, b, c));
    try (RemoteBatchedEnv env = following(listed, List.of(a, b, c), 4, checkingEvery(CHECK));
        RemoteBatchedEnv reference = RemoteBatchedEnv.connect(List.of(a), CARTPOLE, 4)) {
      env.reset(5);
      assertArrayEquals(new int[] {2, 1, 1}, env.envsPerSession());
      env.step(new int[4]);

      listed.remove(c); // c still runs: the move does not wait for its session to fail
      clock.advance(PAST_CHECK);
      StepBatch s = env.step(new int[4]);
      assertArrayEquals(new int[] {2, 2}, env.envsPerSession());
      assertEquals(List.of(a, b), env.sessionAddresses());
      assertArrayEquals(new boolean[] {false, false, true, true}, s.restarted());

      // A rebalance at a reset: the reset seeds every env as always, wherever it now is.
      listed.remove(b);
      clock.advance(PAST_CHECK);
      StepBatch r = env.reset(9);
      assertEquals(List.of(a), env.sessionAddresses());
      assertArrayEquals(new int[] {4}, env.envsPerSession());
      assertArrayEquals(reference.reset(9).obs(), r.obs());
      assertNoneRestarted(r);
      assertArrayEquals(reference.step(new int[4]).obs(), env.step(new int[4]).obs());
      assertEquals(2, env.rebalances());
      assertEquals(0, env.reconnects());
    }
  }

  @Test
  void aListedServerThatRefusesConnectionsIsLeftOutAndTriedAgainAtTheNextCheck() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String late = "127.0.0.1:" + port;
    List<String> listed = new CopyOnWriteArrayList<>(List.of(a, late));
    RemoteBatchedEnv env = following(listed, List.of(a), 2, checkingEvery(CHECK));
    try {
      env.reset(1);
      for (int check = 0; check < 2; check++) {
        clock.advance(PAST_CHECK);
        assertNoneRestarted(env.step(new int[2]));
        assertEquals(List.of(a), env.sessionAddresses());
        assertEquals(0, env.rebalances());
      }
      try (EmbeddedEnvServer ready = TestServers.startOn(port)) {
        clock.advance(PAST_CHECK);
        StepBatch s = env.step(new int[2]);
        assertEquals(List.of(a, late), env.sessionAddresses());
        assertArrayEquals(new int[] {1, 1}, env.envsPerSession());
        assertArrayEquals(new boolean[] {true, true}, s.restarted());
        assertNoneRestarted(env.step(new int[2]));
        env.close(); // before its server stops
      }
    } finally {
      env.close();
    }
  }

  @Test
  void aServerListThatCannotBeReadLeavesTheSpreadAsItIs() throws Exception {
    try (RemoteBatchedEnv env =
        RemoteBatchedEnv.connect(List.of(a, b), CARTPOLE, 4, checkingEvery(CHECK))) {
      env.followServers(
          () -> {
            throw new IllegalStateException("cannot resolve dns:///gone:50051");
          });
      env.reset(2);
      clock.advance(PAST_CHECK);
      assertNoneRestarted(env.step(new int[4]));
      assertEquals(List.of(a, b), env.sessionAddresses());
      assertEquals(0, env.rebalances());
    }
  }

  @Test
  void aLostSessionWhoseServerLeftTheListMovesAtOnceInsteadOfWaitingForIt() throws Exception {
    EmbeddedEnvServer doomed = TestServers.start();
    // A 40 s budget waits 10 s for a lost session's own server: unless it has left the list.
    ClientConfig config =
        clock.drive(
            TestServers.fastFail()
                .withReconnect(
                    Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofSeconds(40))
                .withRebalanceInterval(Duration.ZERO));
    assertEquals(Duration.ofSeconds(10), Reconnector.ownServerPhase(config.reconnectBudget()));
    List<String> listed = new CopyOnWriteArrayList<>(List.of(a, doomed.address()));
    try (RemoteBatchedEnv env = following(listed, List.of(a, doomed.address()), 4, config)) {
      env.reset(4);
      env.step(new int[4]);
      listed.remove(doomed.address()); // scaled down: out of DNS, then gone
      doomed.close();

      StepBatch s = env.step(new int[4]);
      // Moved on its first attempt: not one pause spent waiting for its own server.
      assertEquals(List.of(), clock.sleeps());
      assertArrayEquals(new boolean[] {false, false, true, true}, s.restarted());
      assertEquals(List.of(a, a), env.sessionAddresses());
      assertEquals(1, env.reconnects());
      assertEquals(0, env.rebalances());
    } finally {
      doomed.close();
    }
  }

  @Test
  void withoutARebalanceIntervalTheSpreadNeverChanges() throws Exception {
    for (Duration never : List.of(Duration.ZERO, Duration.ofSeconds(-1))) {
      List<String> listed = new CopyOnWriteArrayList<>(List.of(a, b));
      try (RemoteBatchedEnv env = following(listed, List.of(a), 4, checkingEvery(never))) {
        env.reset(0);
        clock.advance(PAST_CHECK);
        for (int t = 0; t < 3; t++) {
          assertNoneRestarted(env.step(new int[4]));
        }
        assertEquals(List.of(a), env.sessionAddresses(), never.toString());
        assertEquals(0, env.rebalances());
      }
    }
  }

  @Test
  void theSameListChangesAtTheSameStepsGiveTheSameObservations() {
    List<StepBatch> first = runChangingTheList();
    List<StepBatch> second = runChangingTheList();
    boolean anyRestarted = false;
    for (int t = 0; t < first.size(); t++) {
      assertArrayEquals(first.get(t).obs(), second.get(t).obs(), "step " + t);
      assertArrayEquals(first.get(t).rewards(), second.get(t).rewards(), "step " + t);
      assertArrayEquals(first.get(t).restarted(), second.get(t).restarted(), "step " + t);
      for (boolean r : first.get(t).restarted()) {
        anyRestarted |= r;
      }
    }
    assertTrue(anyRestarted, "the list changes moved envs");
  }

  /** 40 steps while servers join and leave the list at fixed steps, checked at every step. */
  private List<StepBatch> runChangingTheList() {
    List<String> listed = new CopyOnWriteArrayList<>(List.of(a));
    List<StepBatch> out = new ArrayList<>();
    try (RemoteBatchedEnv env =
        following(listed, List.of(a), 5, checkingEvery(Duration.ofNanos(1)))) {
      clock.advance(Duration.ofNanos(1));
      out.add(env.reset(21));
      SplittableRandom random = new SplittableRandom(3);
      for (int t = 0; t < 40; t++) {
        switch (t) {
          case 5 -> listed.add(b);
          case 15 -> listed.add(c);
          case 25 -> listed.remove(a);
          default -> {}
        }
        clock.advance(Duration.ofNanos(1));
        out.add(env.step(random.ints(5, 0, 2).toArray()));
      }
      assertEquals(List.of(b, c), env.sessionAddresses());
      assertEquals(3, env.rebalances());
    }
    return out;
  }

  @Test
  void rebalanceSeedsAreDeterministicFitAnInt32AndDifferFromReconnectSeeds() {
    long s = Rebalancer.rebalanceSeed(11, 2, 1);
    assertEquals(s, Rebalancer.rebalanceSeed(11, 2, 1));
    assertNotEquals(s, Rebalancer.rebalanceSeed(11, 2, 2));
    assertNotEquals(s, Rebalancer.rebalanceSeed(11, 3, 1));
    assertNotEquals(s, Reconnector.reconnectSeed(11 + 2, 1));
    for (int k = 1; k < 100; k++) {
      long seed = Rebalancer.rebalanceSeed(Long.MAX_VALUE - 200, 100, k);
      assertTrue(seed >= 0 && seed < (1L << 30), "seed " + seed);
    }
  }
}
