package io.gymbridge.agent.replay;

/**
 * A replay that stores whole transitions (observation, action, n-step reward, next observation).
 */
public interface TransitionReplay extends Replay {
  void add(NStepTransition t);
}
