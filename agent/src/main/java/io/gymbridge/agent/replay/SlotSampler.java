package io.gymbridge.agent.replay;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.function.IntPredicate;

/**
 * Which slots of a replay a batch draws and with what importance weights, told which slots hold a
 * sampleable transition and, after each update, their TD errors. {@link ProportionalSampler} is
 * prioritized replay, for both {@link PrioritizedReplay} and {@link FrameReplay}; {@link
 * FrameReplay} has its own uniform one, since where its transitions lie is its business.
 */
interface SlotSampler {
  /** {@code slot} now holds a sampleable transition. */
  void add(int slot);

  /** {@code slot} no longer does (overwritten, or its stack is gone). */
  void remove(int slot);

  /**
   * Fills {@code slots} with a batch and returns their importance weights.
   *
   * @param sampleable how many transitions can be drawn (N in {@code (N P(i))^-beta})
   */
  float[] draw(int[] slots, int sampleable, SplitMix64 rng);

  /**
   * Learns from the TD errors of a batch drawn from {@code slots}; slots no longer {@code live}
   * (removed since the draw) are left alone.
   */
  void learn(int[] slots, float[] tdErrors, IntPredicate live);

  /** The importance-sampling exponent the next draws use, in [0, 1]. */
  void setBeta(double beta);

  /** A slot's priority, the sum of all and the largest ever set; 0 where nothing is prioritized. */
  double priority(int slot);

  double total();

  /** Writes what it learned (the priorities); {@link #readFrom} reads it back. */
  void writeTo(DataOutput out) throws IOException;

  void readFrom(DataInput in) throws IOException;
}
