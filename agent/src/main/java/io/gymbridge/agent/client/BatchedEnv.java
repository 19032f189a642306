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

  /** Steps every env with its action. */
  StepBatch step(int[] actions);

  @Override
  void close();
}
