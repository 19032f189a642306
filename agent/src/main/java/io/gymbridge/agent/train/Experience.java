package io.gymbridge.agent.train;

import io.gymbridge.agent.replay.FrameReplay;
import io.gymbridge.agent.replay.NStepAccumulator;
import io.gymbridge.agent.replay.Replay;
import io.gymbridge.agent.replay.TransitionReplay;
import io.gymbridge.client.StepBatch;

/**
 * Where the trainer puts each env's steps, by observation type: vector observations become n-step
 * transitions in a {@link TransitionReplay}; frame stacks go to a {@link FrameReplay}, which stores
 * each frame once and builds n-step returns when it samples.
 */
abstract sealed class Experience {

  /** Env {@code env}'s observation in {@code batch} is the first of a new episode. */
  abstract void episodeStart(int env, StepBatch batch);

  /** Env {@code env} stepped from its observation in {@code prev} to that in {@code next}. */
  abstract void step(
      int env,
      int action,
      float reward,
      StepBatch prev,
      StepBatch next,
      boolean terminated,
      boolean truncated);

  static Experience of(Replay replay, TrainConfig config, int numEnvs, int obsSize) {
    if (replay instanceof FrameReplay frames) {
      return new Frames(frames, obsSize);
    }
    return new Vectors((TransitionReplay) replay, config, numEnvs, obsSize);
  }

  static final class Vectors extends Experience {
    private final TransitionReplay replay;
    private final NStepAccumulator[] nSteps;
    private final int obsSize;
    private final float[] s;
    private final float[] s2;

    Vectors(TransitionReplay replay, TrainConfig config, int numEnvs, int obsSize) {
      this.replay = replay;
      this.obsSize = obsSize;
      this.s = new float[obsSize];
      this.s2 = new float[obsSize];
      this.nSteps = new NStepAccumulator[numEnvs];
      for (int i = 0; i < numEnvs; i++) {
        nSteps[i] = new NStepAccumulator(config.nStep(), config.gamma(), replay::add);
      }
    }

    @Override
    void episodeStart(int env, StepBatch batch) {
      // Pending n-step transitions of a lost episode (a reconnect) must not join the new one.
      nSteps[env].clear();
    }

    @Override
    void step(
        int env,
        int action,
        float reward,
        StepBatch prev,
        StepBatch next,
        boolean terminated,
        boolean truncated) {
      // The accumulator copies what it keeps, so these slices may be reused.
      System.arraycopy(prev.obs(), env * obsSize, s, 0, obsSize);
      System.arraycopy(next.obs(), env * obsSize, s2, 0, obsSize);
      nSteps[env].push(s, action, reward, s2, terminated, truncated);
    }
  }

  static final class Frames extends Experience {
    private final FrameReplay replay;
    private final int obsSize;

    Frames(FrameReplay replay, int obsSize) {
      this.replay = replay;
      this.obsSize = obsSize;
    }

    @Override
    void episodeStart(int env, StepBatch batch) {
      replay.startEpisode(env, batch.obsBytes(), env * obsSize);
    }

    @Override
    void step(
        int env,
        int action,
        float reward,
        StepBatch prev,
        StepBatch next,
        boolean terminated,
        boolean truncated) {
      replay.step(env, action, reward, next.obsBytes(), env * obsSize, terminated, truncated);
    }
  }
}
