package io.gymbridge.agent.cli;

import io.gymbridge.agent.dqn.DqnLearner;
import io.gymbridge.agent.replay.Batch;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Times the learner on its own, before a benchmark's runs, so the bench output says what one update
 * and one action pick cost with that preset's network: the figures that bound the wall time to
 * solve. Uses random batches of the configured size; a throwaway learner.
 */
final class UpdateTiming {
  private UpdateTiming() {}

  /** Milliseconds per train step and per greedy pick for {@code numEnvs} observations. */
  record Result(double trainMs, double actMs) {}

  static Result measure(DqnLearner learner, int batchSize, int numEnvs) {
    SplittableRandom rng = new SplittableRandom(1);
    int obsSize = learner.obsSize();
    Batch batch = randomBatch(rng, batchSize, obsSize, learner.numActions());
    float[] obs = Arrays.copyOf(batch.obs(), numEnvs * obsSize);
    for (int i = 0; i < 300; i++) { // warm up the JIT and libtorch's allocator
      learner.train(batch);
      learner.greedyActions(obs, numEnvs);
    }
    int steps = 1000;
    long t0 = System.nanoTime();
    for (int i = 0; i < steps; i++) {
      learner.train(batch);
    }
    long t1 = System.nanoTime();
    for (int i = 0; i < steps; i++) {
      learner.greedyActions(obs, numEnvs);
    }
    long t2 = System.nanoTime();
    return new Result((t1 - t0) / 1e6 / steps, (t2 - t1) / 1e6 / steps);
  }

  private static Batch randomBatch(SplittableRandom rng, int n, int obsSize, int numActions) {
    float[] obs = new float[n * obsSize];
    float[] nextObs = new float[n * obsSize];
    for (int i = 0; i < obs.length; i++) {
      obs[i] = (float) rng.nextGaussian();
      nextObs[i] = (float) rng.nextGaussian();
    }
    int[] actions = new int[n];
    float[] rewards = new float[n];
    float[] discounts = new float[n];
    float[] weights = new float[n];
    for (int i = 0; i < n; i++) {
      actions[i] = rng.nextInt(numActions);
      rewards[i] = 1;
      discounts[i] = 0.95f;
      weights[i] = 1;
    }
    return new Batch(n, obsSize, obs, actions, rewards, nextObs, discounts, weights, new int[n]);
  }
}
