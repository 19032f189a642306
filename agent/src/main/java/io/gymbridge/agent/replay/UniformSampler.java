package io.gymbridge.agent.replay;

import java.io.DataInput;
import java.io.DataOutput;
import java.util.Arrays;
import java.util.function.IntPredicate;
import java.util.function.IntSupplier;

/**
 * Uniform sampling with weights 1: each slot of a batch is what {@code draw} gives, a replay's own
 * uniform draw over its sampleable transitions. Nothing to learn, nothing to save.
 */
final class UniformSampler implements SlotSampler {
  private final IntSupplier draw;

  /** {@code draw}: one sampleable slot, uniformly; it may use the replay's rng. */
  UniformSampler(IntSupplier draw) {
    this.draw = draw;
  }

  @Override
  public void add(int slot) {}

  @Override
  public void remove(int slot) {}

  @Override
  public float[] draw(int[] slots, int sampleable, SplitMix64 rng) {
    for (int b = 0; b < slots.length; b++) {
      slots[b] = draw.getAsInt();
    }
    float[] weights = new float[slots.length];
    Arrays.fill(weights, 1f);
    return weights;
  }

  @Override
  public void learn(int[] slots, float[] tdErrors, IntPredicate live) {}

  @Override
  public void setBeta(double beta) {}

  @Override
  public double priority(int slot) {
    return 0;
  }

  @Override
  public double total() {
    return 0;
  }

  @Override
  public void writeTo(DataOutput out) {}

  @Override
  public void readFrom(DataInput in) {}
}
