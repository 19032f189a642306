package io.gymbridge.agent.replay;

import io.gymbridge.client.StepBatch;

/** A {@link FrameReplay}'s sink: the frame stacks go in as the env sent them, as bytes. */
final class FrameSink implements StepSink {
  private final FrameReplay replay;
  private final int obsBytes;

  FrameSink(FrameReplay replay, int obsBytes) {
    this.replay = replay;
    this.obsBytes = obsBytes;
  }

  @Override
  public void episodeStart(int env, StepBatch batch) {
    replay.startEpisode(env, batch.obsBytes(), env * obsBytes);
  }

  @Override
  public void step(
      int env,
      int action,
      float reward,
      StepBatch prev,
      StepBatch next,
      boolean terminated,
      boolean truncated) {
    replay.step(env, action, reward, next.obsBytes(), env * obsBytes, terminated, truncated);
  }
}
