package io.gymbridge.agent.replay;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * The replay of Mnih et al. (2015) and CleanRL: a fixed-capacity circular buffer that overwrites
 * its oldest transition when full, sampled uniformly with replacement, all weights 1.
 *
 * <p>Draws come from a {@link SplitMix64} (the same stream {@code new SplittableRandom(seed)}
 * gives) so that {@link #writeTo} can save the generator with the contents and a resumed run
 * samples exactly what the uninterrupted one would have.
 */
public final class UniformReplay implements TransitionReplay {
  private final TransitionStore store;
  private final SplitMix64 rng;

  /**
   * @param capacity transitions kept; the oldest is overwritten beyond this
   * @param obsSize floats per (flattened) observation
   * @param seed sampling seed
   */
  public UniformReplay(int capacity, int obsSize, long seed) {
    this(new TransitionStore(capacity, obsSize), new SplitMix64(seed));
  }

  private UniformReplay(TransitionStore store, SplitMix64 rng) {
    this.store = store;
    this.rng = rng;
  }

  @Override
  public void add(NStepTransition t) {
    store.add(t);
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
    for (int i = 0; i < batchSize; i++) {
      indices[i] = rng.nextInt(store.size());
    }
    return store.gather(indices, TransitionStore.ones(batchSize));
  }

  /** Does nothing: uniform replay has no priorities. */
  @Override
  public void updatePriorities(int[] indices, float[] tdErrors) {}

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
    ReplayCheckpointFormat.writeHeader(out, ReplayCheckpointFormat.KIND_UNIFORM);
    writeBody(out);
  }

  /** Reads a replay written by {@link #writeTo}; fails if the checkpoint holds another kind. */
  public static UniformReplay readFrom(DataInput in) throws IOException {
    ReplayCheckpointFormat.expectKind(
        ReplayCheckpointFormat.readHeader(in), ReplayCheckpointFormat.KIND_UNIFORM);
    return readBody(in);
  }

  private void writeBody(DataOutput out) throws IOException {
    store.writeTo(out);
    out.writeLong(rng.state());
  }

  static UniformReplay readBody(DataInput in) throws IOException {
    TransitionStore store = TransitionStore.readFrom(in);
    return new UniformReplay(store, SplitMix64.fromState(in.readLong()));
  }
}
