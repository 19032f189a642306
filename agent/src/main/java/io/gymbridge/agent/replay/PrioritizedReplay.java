package io.gymbridge.agent.replay;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Proportional prioritized replay (Schaul et al. 2016, "Prioritized Experience Replay") of whole
 * transitions: a {@link TransitionStore} sampled by a {@link ProportionalSampler} (priorities,
 * stratified draws and importance weights are described there). beta is the caller's: {@link
 * #setBeta} before each {@link #sample} as the trainer anneals it to 1 by the end of training.
 *
 * <p>{@link Batch#indices()} are buffer slots. A slot overwritten by {@link #add} between {@link
 * #sample} and {@link #updatePriorities} gets the priority meant for its old transition (as in
 * Baselines and Dopamine); when a batch holds a slot twice, its last TD error wins.
 */
public final class PrioritizedReplay implements TransitionReplay {
  /** Added to |TD error| before the exponent; Baselines uses the same 1e-6. */
  public static final double DEFAULT_EPSILON = 1e-6;

  private final TransitionStore store;
  private final ProportionalSampler sampler;
  private final SplitMix64 rng;

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
        new ProportionalSampler(capacity, alpha, epsilon, beta),
        new SplitMix64(seed));
  }

  private PrioritizedReplay(TransitionStore store, ProportionalSampler sampler, SplitMix64 rng) {
    this.store = store;
    this.sampler = sampler;
    this.rng = rng;
  }

  /** The importance-sampling exponent the next {@link #sample} uses, in [0, 1]. */
  @Override
  public void setBeta(double beta) {
    sampler.setBeta(beta);
  }

  public double beta() {
    return sampler.beta();
  }

  public double alpha() {
    return sampler.alpha();
  }

  public double epsilon() {
    return sampler.epsilon();
  }

  /** The stored priority {@code (|delta| + epsilon)^alpha} of a slot, 0 for an empty slot. */
  public double priority(int index) {
    return sampler.priority(index);
  }

  /** What {@link #add} gives a new transition: the largest priority ever set, at least 1. */
  public double maxPriority() {
    return sampler.maxPriority();
  }

  @Override
  public void add(NStepTransition t) {
    sampler.add(store.add(t));
  }

  @Override
  public Batch sample(int batchSize) {
    if (batchSize <= 0) {
      throw new IllegalArgumentException("batchSize must be positive, got " + batchSize);
    }
    if (store.size() == 0) {
      throw new IllegalStateException("cannot sample an empty replay");
    }
    int[] indices = new int[batchSize];
    float[] weights = sampler.draw(indices, store.size(), rng);
    return store.gather(indices, weights);
  }

  /** Sets {@code p_i = (|tdErrors[k]| + epsilon)^alpha} for {@code i = indices[k]}. */
  @Override
  public void updatePriorities(int[] indices, float[] tdErrors) {
    for (int index : indices) {
      if (index < 0 || index >= store.size()) {
        throw new IndexOutOfBoundsException(
            "slot " + index + " is not a filled slot (size " + store.size() + ")");
      }
    }
    sampler.learn(indices, tdErrors, slot -> true);
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
    sampler.writeTo(out);
    out.writeDouble(sampler.alpha());
    out.writeDouble(sampler.beta());
    out.writeDouble(sampler.epsilon());
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
    SumTree tree = ProportionalSampler.readTree(in, store.capacity());
    double alpha = in.readDouble();
    double beta = in.readDouble();
    double epsilon = in.readDouble();
    SplitMix64 rng = SplitMix64.fromState(in.readLong());
    try {
      return new PrioritizedReplay(store, new ProportionalSampler(tree, alpha, epsilon, beta), rng);
    } catch (IllegalArgumentException e) {
      throw new IOException("corrupt replay checkpoint: " + e.getMessage(), e);
    }
  }
}
