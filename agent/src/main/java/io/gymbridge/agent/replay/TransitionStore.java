package io.gymbridge.agent.replay;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * The circular buffer both replays share: one flat array per field, no object per transition, so a
 * million CartPole transitions are five arrays rather than a million records for the GC to walk.
 *
 * <p>Slot {@code i} holds {@code obs[i*obsSize .. (i+1)*obsSize)} and so on. Writes go to {@link
 * #cursor()} and wrap, overwriting the oldest slot once the buffer is full. While not yet full,
 * slots {@code [0, size)} are the filled ones.
 */
final class TransitionStore {
  private final int capacity;
  private final int obsSize;
  private final float[] obs;
  private final float[] nextObs;
  private final int[] actions;
  private final float[] rewards;
  private final float[] discounts;
  private int cursor;
  private int size;

  TransitionStore(int capacity, int obsSize) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("capacity must be positive, got " + capacity);
    }
    if (obsSize <= 0) {
      throw new IllegalArgumentException("obsSize must be positive, got " + obsSize);
    }
    long floats = (long) capacity * obsSize;
    if (floats > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          String.format(
              "capacity %d * obsSize %d = %d floats per observation array, over Java's array limit"
                  + " of 2^31 - 9; lower the capacity",
              capacity, obsSize, floats));
    }
    this.capacity = capacity;
    this.obsSize = obsSize;
    this.obs = new float[(int) floats];
    this.nextObs = new float[(int) floats];
    this.actions = new int[capacity];
    this.rewards = new float[capacity];
    this.discounts = new float[capacity];
  }

  int capacity() {
    return capacity;
  }

  int obsSize() {
    return obsSize;
  }

  int size() {
    return size;
  }

  /** The slot the next {@link #add} writes. */
  int cursor() {
    return cursor;
  }

  /** Copies {@code t} into the cursor slot, overwriting the oldest when full; returns that slot. */
  int add(NStepTransition t) {
    checkLength("obs", t.obs());
    checkLength("nextObs", t.nextObs());
    if (!(t.discount() >= 0f && t.discount() <= 1f)) {
      throw new IllegalArgumentException("discount must be in [0, 1], got " + t.discount());
    }
    if (!Float.isFinite(t.reward())) {
      throw new IllegalArgumentException("reward must be finite, got " + t.reward());
    }
    int slot = cursor;
    System.arraycopy(t.obs(), 0, obs, slot * obsSize, obsSize);
    System.arraycopy(t.nextObs(), 0, nextObs, slot * obsSize, obsSize);
    actions[slot] = t.action();
    rewards[slot] = t.reward();
    discounts[slot] = t.discount();
    cursor = (cursor + 1) % capacity;
    size = Math.min(size + 1, capacity);
    return slot;
  }

  private void checkLength(String field, float[] a) {
    if (a.length != obsSize) {
      throw new IllegalArgumentException(
          field + " has " + a.length + " floats, this replay stores obsSize " + obsSize);
    }
  }

  /** Copies the given slots into a new batch; {@code indices} and {@code weights} are kept. */
  Batch gather(int[] indices, float[] weights) {
    int n = indices.length;
    float[] bObs = new float[n * obsSize];
    float[] bNextObs = new float[n * obsSize];
    int[] bActions = new int[n];
    float[] bRewards = new float[n];
    float[] bDiscounts = new float[n];
    for (int i = 0; i < n; i++) {
      int slot = indices[i];
      System.arraycopy(obs, slot * obsSize, bObs, i * obsSize, obsSize);
      System.arraycopy(nextObs, slot * obsSize, bNextObs, i * obsSize, obsSize);
      bActions[i] = actions[slot];
      bRewards[i] = rewards[slot];
      bDiscounts[i] = discounts[slot];
    }
    return new Batch(n, obsSize, bObs, bActions, bRewards, bNextObs, bDiscounts, weights, indices);
  }

  static float[] ones(int n) {
    float[] a = new float[n];
    Arrays.fill(a, 1f);
    return a;
  }

  /** Writes capacity, obsSize, size, cursor, then the filled slots {@code [0, size)} only. */
  void writeTo(DataOutput out) throws IOException {
    out.writeInt(capacity);
    out.writeInt(obsSize);
    out.writeInt(size);
    out.writeInt(cursor);
    ReplayCheckpointFormat.writeFloats(out, obs, size * obsSize);
    ReplayCheckpointFormat.writeFloats(out, nextObs, size * obsSize);
    ReplayCheckpointFormat.writeInts(out, actions, size);
    ReplayCheckpointFormat.writeFloats(out, rewards, size);
    ReplayCheckpointFormat.writeFloats(out, discounts, size);
  }

  static TransitionStore readFrom(DataInput in) throws IOException {
    int capacity = in.readInt();
    int obsSize = in.readInt();
    int size = in.readInt();
    int cursor = in.readInt();
    boolean consistent =
        capacity > 0
            && obsSize > 0
            && size >= 0
            && size <= capacity
            && (size < capacity ? cursor == size : cursor >= 0 && cursor < capacity);
    if (!consistent) {
      throw new IOException(
          String.format(
              "corrupt replay checkpoint: capacity %d, obsSize %d, size %d, cursor %d",
              capacity, obsSize, size, cursor));
    }
    TransitionStore s = new TransitionStore(capacity, obsSize);
    ReplayCheckpointFormat.readFloats(in, s.obs, size * obsSize);
    ReplayCheckpointFormat.readFloats(in, s.nextObs, size * obsSize);
    ReplayCheckpointFormat.readInts(in, s.actions, size);
    ReplayCheckpointFormat.readFloats(in, s.rewards, size);
    ReplayCheckpointFormat.readFloats(in, s.discounts, size);
    s.size = size;
    s.cursor = cursor;
    return s;
  }
}
