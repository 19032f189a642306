package io.gymbridge.agent.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NStepAccumulatorTest {
  private static final double GAMMA = 0.9;

  private final List<NStepTransition> out = new ArrayList<>();

  /** Pushes the step from obs {t} to obs {t + 1} with the given reward. */
  private static void step(
      NStepAccumulator acc, int t, double reward, boolean terminated, boolean truncated) {
    acc.push(new float[] {t}, t, reward, new float[] {t + 1}, terminated, truncated);
  }

  /** Pushes an episode whose step t has reward rewards[t] and whose last step ends it. */
  private static void episode(
      NStepAccumulator acc, double[] rewards, boolean terminated, boolean truncated) {
    for (int t = 0; t < rewards.length; t++) {
      boolean last = t == rewards.length - 1;
      step(acc, t, rewards[t], last && terminated, last && truncated);
    }
  }

  private static void assertTransition(
      NStepTransition t, int from, double reward, int nextObs, double discount) {
    assertEquals(from, t.obs()[0], 0f, "obs");
    assertEquals(from, t.action(), "action");
    assertEquals(reward, t.reward(), 1e-5, "reward from step " + from);
    assertEquals(nextObs, t.nextObs()[0], 0f, "nextObs from step " + from);
    assertEquals(discount, t.discount(), 1e-6, "discount from step " + from);
  }

  @Test
  void oneStepIsExactlyThePlainTransition() {
    NStepAccumulator acc = new NStepAccumulator(1, GAMMA, out::add);
    double[] rewards = {1, -0.3, 2.7};
    episode(acc, rewards, true, false);
    assertEquals(3, out.size());
    for (int t = 0; t < 3; t++) {
      NStepTransition tr = out.get(t);
      assertEquals((float) rewards[t], tr.reward(), 0f);
      assertEquals(t + 1, tr.nextObs()[0], 0f);
      assertEquals(t == 2 ? 0f : (float) GAMMA, tr.discount(), 0f);
    }
  }

  @Test
  void oneStepBootstrapsAtTruncation() {
    NStepAccumulator acc = new NStepAccumulator(1, GAMMA, out::add);
    step(acc, 0, 1, false, true);
    assertEquals(1, out.size());
    assertTransition(out.get(0), 0, 1, 1, GAMMA);
  }

  @Test
  void threeStepReturnsThroughATermination() {
    // gamma 0.9, rewards 1, 2, 3, 4, 5, terminated after step 4:
    // step 0: 1 + 0.9*2 + 0.81*3 = 5.23, bootstrap from s3 with 0.9^3 = 0.729
    // step 1: 2 + 0.9*3 + 0.81*4 = 7.94, from s4, 0.729
    // step 2: 3 + 0.9*4 + 0.81*5 = 10.65, s5, 0 (terminated)
    // step 3: 4 + 0.9*5 = 8.5, s5, 0
    // step 4: 5, s5, 0
    NStepAccumulator acc = new NStepAccumulator(3, GAMMA, out::add);
    episode(acc, new double[] {1, 2, 3, 4, 5}, true, false);
    assertEquals(5, out.size());
    assertTransition(out.get(0), 0, 5.23, 3, 0.729);
    assertTransition(out.get(1), 1, 7.94, 4, 0.729);
    assertTransition(out.get(2), 2, 10.65, 5, 0);
    assertTransition(out.get(3), 3, 8.5, 5, 0);
    assertTransition(out.get(4), 4, 5, 5, 0);
    assertEquals(0, acc.pending());
  }

  @Test
  void threeStepReturnsThroughATruncationBootstrapWithTheShorterHorizon() {
    // As above, but truncated: the flushed steps bootstrap from s5 with gamma^m,
    // m = 3, 2, 1 steps to the end: 0.729, 0.81, 0.9.
    NStepAccumulator acc = new NStepAccumulator(3, GAMMA, out::add);
    episode(acc, new double[] {1, 2, 3, 4, 5}, false, true);
    assertEquals(5, out.size());
    assertTransition(out.get(0), 0, 5.23, 3, 0.729);
    assertTransition(out.get(1), 1, 7.94, 4, 0.729);
    assertTransition(out.get(2), 2, 10.65, 5, 0.729);
    assertTransition(out.get(3), 3, 8.5, 5, 0.81);
    assertTransition(out.get(4), 4, 5, 5, 0.9);
  }

  @Test
  void anEpisodeShorterThanNIsFlushedWhole() {
    // Rewards 1, 2 then the end: step 0: 1 + 0.9*2 = 2.8; step 1: 2.
    NStepAccumulator acc = new NStepAccumulator(3, GAMMA, out::add);
    episode(acc, new double[] {1, 2}, false, true);
    assertTransition(out.get(0), 0, 2.8, 2, 0.81);
    assertTransition(out.get(1), 1, 2, 2, 0.9);
    out.clear();
    episode(acc, new double[] {1, 2}, true, false);
    assertTransition(out.get(0), 0, 2.8, 2, 0);
    assertTransition(out.get(1), 1, 2, 2, 0);
  }

  @Test
  void nothingIsEmittedUntilNRewardsAreKnown() {
    NStepAccumulator acc = new NStepAccumulator(3, GAMMA, out::add);
    step(acc, 0, 1, false, false);
    step(acc, 1, 1, false, false);
    assertEquals(0, out.size());
    assertEquals(2, acc.pending());
    step(acc, 2, 1, false, false);
    assertEquals(1, out.size());
    assertEquals(2, acc.pending());
  }

  @Test
  void terminatedWinsWhenBothFlagsAreSet() {
    NStepAccumulator acc = new NStepAccumulator(2, GAMMA, out::add);
    step(acc, 0, 1, true, true);
    assertTransition(out.get(0), 0, 1, 1, 0);
  }

  @Test
  void aNewEpisodeDoesNotSumRewardsOfThePreviousOne() {
    NStepAccumulator acc = new NStepAccumulator(3, GAMMA, out::add);
    episode(acc, new double[] {100}, true, false);
    out.clear();
    episode(acc, new double[] {1, 2, 3}, false, false);
    assertEquals(1, out.size());
    assertTransition(out.get(0), 0, 1 + 0.9 * 2 + 0.81 * 3, 3, 0.729);
  }

  @Test
  void clearDropsThePendingStepsOfALostEpisode() {
    NStepAccumulator acc = new NStepAccumulator(3, GAMMA, out::add);
    step(acc, 10, 100, false, false);
    step(acc, 11, 100, false, false);
    acc.clear();
    assertEquals(0, acc.pending());
    episode(acc, new double[] {1, 2, 3}, false, false);
    assertEquals(1, out.size());
    assertTransition(out.get(0), 0, 5.23, 3, 0.729);
  }

  @Test
  void theCallerMayReuseItsArraysAfterPush() {
    NStepAccumulator acc = new NStepAccumulator(2, GAMMA, out::add);
    float[] obs = {0};
    float[] next = {1};
    acc.push(obs, 0, 1, next, false, false);
    obs[0] = 1;
    next[0] = 2;
    acc.push(obs, 1, 1, next, false, false);
    obs[0] = 99;
    next[0] = 99;
    assertTransition(out.get(0), 0, 1.9, 2, 0.81);
  }

  @Test
  void rejectsNBelowOneAndGammaOutsideTheUnitInterval() {
    assertThrows(IllegalArgumentException.class, () -> new NStepAccumulator(0, GAMMA, out::add));
    assertThrows(IllegalArgumentException.class, () -> new NStepAccumulator(3, 1.01, out::add));
  }
}
