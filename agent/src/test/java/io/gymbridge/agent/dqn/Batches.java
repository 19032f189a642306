package io.gymbridge.agent.dqn;

import io.gymbridge.agent.replay.Batch;
import java.util.Arrays;
import java.util.SplittableRandom;

/** Test minibatches. */
final class Batches {
  private Batches() {}

  /** Normal observations, uniform actions and rewards, {@code discount} (0 where terminated). */
  static Batch random(SplittableRandom rng, int n, int obsSize, int numActions, float discount) {
    float[] obs = normals(rng, n * obsSize);
    float[] nextObs = normals(rng, n * obsSize);
    int[] actions = new int[n];
    float[] rewards = new float[n];
    float[] discounts = new float[n];
    for (int i = 0; i < n; i++) {
      actions[i] = rng.nextInt(numActions);
      rewards[i] = (float) rng.nextDouble(-1, 1);
      discounts[i] = rng.nextInt(10) == 0 ? 0 : discount;
    }
    return new Batch(n, obsSize, obs, actions, rewards, nextObs, discounts, ones(n), new int[n]);
  }

  static float[] ones(int n) {
    float[] w = new float[n];
    Arrays.fill(w, 1f);
    return w;
  }

  static Batch withWeights(Batch b, float[] weights) {
    return new Batch(
        b.size(),
        b.obsSize(),
        b.obs(),
        b.actions(),
        b.rewards(),
        b.nextObs(),
        b.discounts(),
        weights,
        b.indices());
  }

  private static float[] normals(SplittableRandom rng, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      // Box-Muller is not needed for tests; a sum of uniforms is close enough to normal
      v[i] = (float) (rng.nextDouble() + rng.nextDouble() + rng.nextDouble() - 1.5) * 2;
    }
    return v;
  }
}
