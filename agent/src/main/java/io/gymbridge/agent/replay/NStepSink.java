package io.gymbridge.agent.replay;

import io.gymbridge.client.StepBatch;

/** A {@link TransitionReplay}'s sink: one n-step accumulator per env, vectors copied out. */
final class NStepSink implements StepSink {
  private final NStepAccumulator[] nSteps;
  private final int obsSize;
  private final float[] s;
  private final float[] s2;

  NStepSink(TransitionReplay replay, int numEnvs, int nStep, double gamma) {
    this.obsSize = replay.obsSize();
    this.s = new float[obsSize];
    this.s2 = new float[obsSize];
    this.nSteps = new NStepAccumulator[numEnvs];
    for (int i = 0; i < numEnvs; i++) {
      nSteps[i] = new NStepAccumulator(nStep, gamma, replay::add);
    }
  }

  @Override
  public void episodeStart(int env, StepBatch batch) {
    // Pending n-step transitions of a lost episode (a reconnect) must not join the new one.
    nSteps[env].clear();
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
    // The accumulator copies what it keeps, so these slices may be reused.
    System.arraycopy(prev.obs(), env * obsSize, s, 0, obsSize);
    System.arraycopy(next.obs(), env * obsSize, s2, 0, obsSize);
    nSteps[env].push(s, action, reward, s2, terminated, truncated);
  }
}
