package io.gymbridge.agent.client;

/**
 * The agent's view of its envs: numEnvs copies of one env, possibly spread over several servers,
 * reset and stepped as one batch (central inference picks all actions in one forward pass).
 * Observations are flattened float32; actions are Discrete indices.
 */
public interface BatchedEnv extends AutoCloseable {
  int numEnvs();

  /** Floats per observation. */
  int observationSize();

  /** Size of the Discrete action space. */
  int numActions();

  /** Resets every env; env i gets {@code seed + i} (Gymnasium's vector seeding). */
  StepBatch reset(long seed);

  /** Steps every env with its action: {@link #sendStep} then {@link #awaitStep}. */
  default StepBatch step(int[] actions) {
    sendStep(actions);
    return awaitStep();
  }

  /**
   * Sends every env its action and returns at once, so the caller can compute (a gradient step)
   * while the envs step on their servers. One step may be in flight at a time.
   */
  void sendStep(int[] actions);

  /** Waits for the step {@link #sendStep} sent and returns its results. */
  StepBatch awaitStep();

  @Override
  void close();
}
