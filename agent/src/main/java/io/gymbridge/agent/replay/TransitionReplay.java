package io.gymbridge.agent.replay;

/**
 * A replay that stores whole transitions (observation, action, n-step reward, next observation).
 */
public interface TransitionReplay extends Replay {
  void add(NStepTransition t);

  /** Floats per (flattened) observation. */
  int obsSize();

  /** Steps become n-step transitions per env, each {@link #add}ed once its n steps are known. */
  @Override
  default StepSink sink(int numEnvs, int nStep, double gamma) {
    return new NStepSink(this, numEnvs, nStep, gamma);
  }
}
