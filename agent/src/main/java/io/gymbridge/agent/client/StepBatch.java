package io.gymbridge.agent.client;

/**
 * What one batched reset or step returned, for every env of a {@link BatchedEnv}.
 *
 * <p>Autoreset is Gymnasium's NEXT_STEP: the step after env i ended returns env i's reset
 * observation with reward 0 and both flags false; that step is not a transition to learn from.
 *
 * @param obs [numEnvs * obsSize] float32 observations
 * @param rewards [numEnvs]
 * @param terminated [numEnvs]
 * @param truncated [numEnvs]
 * @param restarted [numEnvs] true where the env was restarted by a reconnect (its server or session
 *     was lost and a fresh one made): obs is a new episode's first observation, and reward and
 *     flags carry no transition
 */
public record StepBatch(
    float[] obs,
    double[] rewards,
    boolean[] terminated,
    boolean[] truncated,
    boolean[] restarted) {}
