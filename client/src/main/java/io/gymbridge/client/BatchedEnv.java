package io.gymbridge.client;

/**
 * The agent's view of its envs: numEnvs copies of one env, possibly spread over several servers,
 * reset and stepped as one batch (central inference picks all actions in one forward pass).
 * Observations are flattened, float32 or uint8 as the env's Box says ({@link #observationType});
 * actions are Discrete indices.
 */
public interface BatchedEnv extends AutoCloseable {
  int numEnvs();

  /** Elements per observation (the Box's element count). */
  int observationSize();

  /** The Box's shape, of one env (e.g. [4] for CartPole, [4, 84, 84] for an Atari stack). */
  long[] observationShape();

  /** Whether observations arrive as float32 ({@link StepBatch#obs}) or uint8 (obsBytes). */
  ObsType observationType();

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
