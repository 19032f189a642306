package io.gymbridge.agent.replay;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Experience replay, the sampling side: {@link TransitionReplay}s take whole transitions (vector
 * observations), {@link FrameReplay} takes frame stacks a step at a time. Not thread-safe.
 */
public interface Replay {
  /**
   * Where a training's steps go into this replay, for {@code numEnvs} envs and n-step returns of
   * {@code nStep} steps discounted by {@code gamma}.
   *
   * @throws IllegalArgumentException this replay was built for other envs or returns
   */
  StepSink sink(int numEnvs, int nStep, double gamma);

  /** Samples {@code batchSize} transitions; needs {@code size() > 0}. */
  Batch sample(int batchSize);

  /** Prioritized replay: new priorities from |TD error|; uniform replay ignores this. */
  void updatePriorities(int[] indices, float[] tdErrors);

  /**
   * The importance-sampling exponent the next {@link #sample} uses, in [0, 1]; uniform replays
   * ignore it.
   */
  default void setBeta(double beta) {}

  /** Transitions that can be sampled. */
  int size();

  int capacity();

  /**
   * Writes the full state (contents, write cursor, priorities, sampling RNG) so that {@link
   * #readFrom} gives a replay whose later samples are identical to this one's. Wrap streams in a
   * buffered stream: the body is written in 64 KiB chunks but the header field by field.
   */
  void writeTo(DataOutput out) throws IOException;

  /** Reads whichever kind of replay {@link #writeTo} wrote. */
  static Replay readFrom(DataInput in) throws IOException {
    byte kind = ReplayCheckpointFormat.readHeader(in);
    return switch (kind) {
      case ReplayCheckpointFormat.KIND_UNIFORM -> UniformReplay.readBody(in);
      case ReplayCheckpointFormat.KIND_PRIORITIZED -> PrioritizedReplay.readBody(in);
      case ReplayCheckpointFormat.KIND_FRAMES -> FrameReplay.readBody(in);
      default -> throw new IOException("unknown replay kind " + kind + " in checkpoint");
    };
  }
}
