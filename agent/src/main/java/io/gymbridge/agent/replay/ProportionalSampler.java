package io.gymbridge.agent.replay;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.function.IntPredicate;

/**
 * Proportional prioritized replay's sampling (Schaul et al. 2016), over a {@link SumTree} of one
 * leaf per slot:
 *
 * <ul>
 *   <li>Priority {@code p_i = (|delta_i| + epsilon)^alpha}, set by {@link #learn} from the TD
 *       errors of the last batch; epsilon keeps a transition with zero error sampleable.
 *   <li>A new transition gets the largest priority seen so far (1 before any update), so it is
 *       replayed at least about once before its error is known (the paper's Algorithm 1).
 *   <li>{@code P(i) = p_i / sum_k p_k}, drawn stratified: the total is cut into {@code batchSize}
 *       equal segments and one uniform draw is made in each, which spreads a batch over the whole
 *       distribution (as the paper's Appendix B.2.1 and OpenAI Baselines' tree do).
 *   <li>Importance-sampling weight {@code w_i = (N * P(i))^-beta / max_j w_j}, with N the number of
 *       sampleable transitions and the max over the batch, as Dopamine's Rainbow agent does (OpenAI
 *       Baselines divides by the max over the whole buffer instead, from a min-tree). The weights
 *       only scale updates down. After this normalization N cancels: {@code w_i = (p_min /
 *       p_i)^beta} with {@code p_min} the smallest priority in the batch.
 * </ul>
 *
 * <p>A slot removed keeps priority 0, so it is never drawn; a TD error for a slot removed since its
 * batch was drawn is dropped. When a batch holds a slot twice, its last TD error wins.
 */
final class ProportionalSampler implements SlotSampler {
  private SumTree tree;
  private final double alpha;
  private final double epsilon;
  private double beta;

  /**
   * @param slots slots of the replay, one leaf each
   * @param alpha how much prioritization: 0 is uniform, 1 fully proportional (paper: 0.6)
   * @param epsilon > 0, added to |TD error|
   * @param beta initial importance-sampling exponent in [0, 1] (paper: 0.4, annealed to 1)
   */
  ProportionalSampler(int slots, double alpha, double epsilon, double beta) {
    this(new SumTree(slots), alpha, epsilon, beta);
  }

  /** Over priorities read back from a checkpoint. */
  ProportionalSampler(SumTree tree, double alpha, double epsilon, double beta) {
    if (!(alpha >= 0) || Double.isInfinite(alpha)) {
      throw new IllegalArgumentException("alpha must be finite and >= 0, got " + alpha);
    }
    if (!(epsilon > 0) || Double.isInfinite(epsilon)) {
      throw new IllegalArgumentException("epsilon must be finite and > 0, got " + epsilon);
    }
    this.tree = tree;
    this.alpha = alpha;
    this.epsilon = epsilon;
    setBeta(beta);
  }

  double alpha() {
    return alpha;
  }

  double epsilon() {
    return epsilon;
  }

  double beta() {
    return beta;
  }

  /** What a new transition gets: the largest priority ever set, at least 1. */
  double maxPriority() {
    return Math.max(1.0, tree.max());
  }

  @Override
  public void add(int slot) {
    tree.update(slot, maxPriority());
  }

  @Override
  public void remove(int slot) {
    tree.update(slot, 0);
  }

  @Override
  public float[] draw(int[] slots, int sampleable, SplitMix64 rng) {
    double total = tree.total();
    double segment = total / slots.length;
    double[] probs = new double[slots.length];
    for (int b = 0; b < slots.length; b++) {
      // Slots without a transition have priority 0, so find() only returns filled ones.
      slots[b] = tree.find((b + rng.nextDouble()) * segment);
      probs[b] = tree.get(slots[b]) / total;
    }
    return importanceWeights(probs, sampleable, beta);
  }

  /** {@code (n * P(i))^-beta}, divided by the largest of them so the largest weight is 1. */
  static float[] importanceWeights(double[] probs, int n, double beta) {
    double[] w = new double[probs.length];
    double max = 0;
    for (int i = 0; i < probs.length; i++) {
      w[i] = Math.pow(n * probs[i], -beta);
      max = Math.max(max, w[i]);
    }
    float[] weights = new float[probs.length];
    for (int i = 0; i < probs.length; i++) {
      weights[i] = (float) (w[i] / max);
    }
    return weights;
  }

  /**
   * Sets {@code p_i = (|tdErrors[k]| + epsilon)^alpha} for {@code i = slots[k]}, except for slots
   * no longer {@code live} (removed since the draw: their priority stays 0).
   *
   * @throws IllegalArgumentException lengths differ, or a TD error is not finite (nothing is set)
   */
  @Override
  public void learn(int[] slots, float[] tdErrors, IntPredicate live) {
    if (slots.length != tdErrors.length) {
      throw new IllegalArgumentException(
          slots.length + " indices but " + tdErrors.length + " TD errors");
    }
    for (int k = 0; k < slots.length; k++) {
      if (!Float.isFinite(tdErrors[k])) {
        throw new IllegalArgumentException(
            "TD error for slot " + slots[k] + " is " + tdErrors[k] + ": the loss diverged?");
      }
    }
    for (int k = 0; k < slots.length; k++) {
      if (live.test(slots[k])) {
        tree.update(slots[k], Math.pow(Math.abs(tdErrors[k]) + epsilon, alpha));
      }
    }
  }

  @Override
  public void setBeta(double beta) {
    if (!(beta >= 0 && beta <= 1)) {
      throw new IllegalArgumentException("beta must be in [0, 1], got " + beta);
    }
    this.beta = beta;
  }

  @Override
  public double priority(int slot) {
    return tree.get(slot);
  }

  @Override
  public double total() {
    return tree.total();
  }

  @Override
  public void writeTo(DataOutput out) throws IOException {
    tree.writeTo(out);
  }

  @Override
  public void readFrom(DataInput in) throws IOException {
    tree = readTree(in, tree.capacity());
  }

  /** A tree written by {@link #writeTo}, checked to have a leaf per slot of the replay. */
  static SumTree readTree(DataInput in, int slots) throws IOException {
    SumTree t = SumTree.readFrom(in);
    if (t.capacity() != slots) {
      throw new IOException(
          "corrupt replay checkpoint: sum tree capacity "
              + t.capacity()
              + " != buffer capacity "
              + slots);
    }
    return t;
  }
}
