package io.gymbridge.agent.replay;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Proportional prioritized replay (Schaul et al. 2016, "Prioritized Experience Replay").
 *
 * <ul>
 *   <li>Priority {@code p_i = (|delta_i| + epsilon)^alpha}, set by {@link #updatePriorities} from
 *       the TD errors of the last batch; epsilon keeps a transition with zero error sampleable.
 *   <li>A new transition gets the largest priority seen so far (1 before any update), so it is
 *       replayed at least about once before its error is known (the paper's Algorithm 1).
 *   <li>{@code P(i) = p_i / sum_k p_k}, sampled stratified: the total is cut into {@code batchSize}
 *       equal segments and one uniform draw is made in each, which spreads a batch over the whole
 *       distribution (as the paper's Appendix B.2.1 and OpenAI Baselines' tree do).
 *   <li>Importance-sampling weight {@code w_i = (N * P(i))^-beta / max_j w_j}, with N the number of
 *       stored transitions and the max over the sampled batch, as Dopamine's Rainbow agent does
 *       (OpenAI Baselines divides by the max over the whole buffer instead, from a min-tree). The
 *       weights only scale updates down. After this normalization N cancels: {@code w_i = (p_min /
 *       p_i)^beta} with {@code p_min} the smallest priority in the batch.
 *   <li>beta is the caller's: {@link #setBeta} before each {@link #sample} as the trainer anneals
 *       it to 1 by the end of training.
 * </ul>
 *
 * <p>{@link Batch#indices()} are buffer slots. A slot overwritten by {@link #add} between {@link
 * #sample} and {@link #updatePriorities} gets the priority meant for its old transition (as in
 * Baselines and Dopamine); when a batch holds a slot twice, its last TD error wins.
 */
public final class PrioritizedReplay implements TransitionReplay {
  /** Added to |TD error| before the exponent; Baselines uses the same 1e-6. */
  public static final double DEFAULT_EPSILON = 1e-6;

  private final TransitionStore store;
  private final SumTree tree;
  private final double alpha;
  private final double epsilon;
  private final SplitMix64 rng;
  private double beta;

  /** With {@link #DEFAULT_EPSILON}. */
  public PrioritizedReplay(int capacity, int obsSize, double alpha, double beta, long seed) {
    this(capacity, obsSize, alpha, beta, DEFAULT_EPSILON, seed);
  }

  /**
   * @param capacity transitions kept; the oldest is overwritten beyond this
   * @param obsSize floats per (flattened) observation
   * @param alpha how much prioritization: 0 is uniform, 1 fully proportional (paper: 0.6)
   * @param beta initial importance-sampling exponent in [0, 1] (paper: 0.4, annealed to 1)
   * @param epsilon > 0, added to |TD error|
   * @param seed sampling seed
   */
  public PrioritizedReplay(
      int capacity, int obsSize, double alpha, double beta, double epsilon, long seed) {
    this(
        new TransitionStore(capacity, obsSize),
        new SumTree(capacity),
        alpha,
        beta,
        epsilon,
        new SplitMix64(seed));
  }

  private PrioritizedReplay(
      TransitionStore store,
      SumTree tree,
      double alpha,
      double beta,
      double epsilon,
      SplitMix64 rng) {
    if (!(alpha >= 0) || Double.isInfinite(alpha)) {
      throw new IllegalArgumentException("alpha must be finite and >= 0, got " + alpha);
    }
    if (!(epsilon > 0) || Double.isInfinite(epsilon)) {
      throw new IllegalArgumentException("epsilon must be finite and > 0, got " + epsilon);
    }
    this.store = store;
    this.tree = tree;
    this.alpha = alpha;
    this.epsilon = epsilon;
    this.rng = rng;
    setBeta(beta);
  }

  /** The importance-sampling exponent the next {@link #sample} uses, in [0, 1]. */
  @Override
  public void setBeta(double beta) {
    if (!(beta >= 0 && beta <= 1)) {
      throw new IllegalArgumentException("beta must be in [0, 1], got " + beta);
    }
    this.beta = beta;
  }

  public double beta() {
    return beta;
  }

  public double alpha() {
    return alpha;
  }

  public double epsilon() {
    return epsilon;
  }

  /** The stored priority {@code (|delta| + epsilon)^alpha} of a slot, 0 for an empty slot. */
  public double priority(int index) {
    return tree.get(index);
  }

  /** What {@link #add} gives a new transition: the largest priority ever set, at least 1. */
  public double maxPriority() {
    return Math.max(1.0, tree.max());
  }

  @Override
  public void add(NStepTransition t) {
    double p = maxPriority();
    int slot = store.add(t);
    tree.update(slot, p);
  }

  @Override
  public Batch sample(int batchSize) {
    if (batchSize <= 0) {
      throw new IllegalArgumentException("batchSize must be positive, got " + batchSize);
    }
    if (store.size() == 0) {
      throw new IllegalStateException("cannot sample an empty replay");
    }
    double total = tree.total();
    double segment = total / batchSize;
    int[] indices = new int[batchSize];
    double[] probs = new double[batchSize];
    for (int i = 0; i < batchSize; i++) {
      // Empty slots have priority 0, so find() only returns filled ones.
      indices[i] = tree.find((i + rng.nextDouble()) * segment);
      probs[i] = tree.get(indices[i]) / total;
    }
    return store.gather(indices, importanceWeights(probs, store.size(), beta));
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

  /** Sets {@code p_i = (|tdErrors[k]| + epsilon)^alpha} for {@code i = indices[k]}. */
  @Override
  public void updatePriorities(int[] indices, float[] tdErrors) {
    if (indices.length != tdErrors.length) {
      throw new IllegalArgumentException(
          indices.length + " indices but " + tdErrors.length + " TD errors");
    }
    for (int k = 0; k < indices.length; k++) {
      if (indices[k] < 0 || indices[k] >= store.size()) {
        throw new IndexOutOfBoundsException(
            "slot " + indices[k] + " is not a filled slot (size " + store.size() + ")");
      }
      if (!Float.isFinite(tdErrors[k])) {
        throw new IllegalArgumentException(
            "TD error for slot " + indices[k] + " is " + tdErrors[k] + ": the loss diverged?");
      }
    }
    for (int k = 0; k < indices.length; k++) {
      tree.update(indices[k], Math.pow(Math.abs(tdErrors[k]) + epsilon, alpha));
    }
  }

  @Override
  public int size() {
    return store.size();
  }

  @Override
  public int capacity() {
    return store.capacity();
  }

  public int obsSize() {
    return store.obsSize();
  }

  @Override
  public void writeTo(DataOutput out) throws IOException {
    ReplayCheckpointFormat.writeHeader(out, ReplayCheckpointFormat.KIND_PRIORITIZED);
    store.writeTo(out);
    tree.writeTo(out);
    out.writeDouble(alpha);
    out.writeDouble(beta);
    out.writeDouble(epsilon);
    out.writeLong(rng.state());
  }

  /** Reads a replay written by {@link #writeTo}; fails if the checkpoint holds another kind. */
  public static PrioritizedReplay readFrom(DataInput in) throws IOException {
    ReplayCheckpointFormat.expectKind(
        ReplayCheckpointFormat.readHeader(in), ReplayCheckpointFormat.KIND_PRIORITIZED);
    return readBody(in);
  }

  static PrioritizedReplay readBody(DataInput in) throws IOException {
    TransitionStore store = TransitionStore.readFrom(in);
    SumTree tree = SumTree.readFrom(in);
    if (tree.capacity() != store.capacity()) {
      throw new IOException(
          "corrupt replay checkpoint: sum tree capacity "
              + tree.capacity()
              + " != buffer capacity "
              + store.capacity());
    }
    double alpha = in.readDouble();
    double beta = in.readDouble();
    double epsilon = in.readDouble();
    SplitMix64 rng = SplitMix64.fromState(in.readLong());
    try {
      return new PrioritizedReplay(store, tree, alpha, beta, epsilon, rng);
    } catch (IllegalArgumentException e) {
      throw new IOException("corrupt replay checkpoint: " + e.getMessage(), e);
    }
  }
}
