package io.gymbridge.agent.replay;

import io.gymbridge.client.StepBatch;

/**
 * The writing side of a replay, fed by the trainer: each env's first observation of an episode,
 * then each of its steps. Made by {@link Replay#sink}, so the replay a run holds, new or read back
 * from a checkpoint, is the one thing that decides how its steps are stored: a {@link
 * TransitionReplay} keeps n-step transitions of vectors, a {@link FrameReplay} keeps each frame
 * once and builds the n-step returns when it samples.
 */
public interface StepSink {

  /** Env {@code env}'s observation in {@code batch} is the first of a new episode. */
  void episodeStart(int env, StepBatch batch);

  /** Env {@code env} stepped from its observation in {@code prev} to that in {@code next}. */
  void step(
      int env,
      int action,
      float reward,
      StepBatch prev,
      StepBatch next,
      boolean terminated,
      boolean truncated);
}
