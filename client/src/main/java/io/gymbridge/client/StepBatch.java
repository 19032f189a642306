package io.gymbridge.client;

import java.util.Arrays;

/**
 * What one batched reset or step returned, for every env of a {@link BatchedEnv}.
 *
 * <p>Autoreset is Gymnasium's NEXT_STEP: the step after env i ended returns env i's reset
 * observation with reward 0 and both flags false; that step is not a transition to learn from.
 *
 * <p>Observations keep the env's dtype: float32 Box envs fill {@code obs}, uint8 Box envs (pixels)
 * fill {@code obsBytes}; the other is null ({@link BatchedEnv#observationType()} says which).
 *
 * @param obs [numEnvs * obsSize] float32 observations, or null for a uint8 env
 * @param obsBytes [numEnvs * obsSize] uint8 observations, or null for a float32 env
 * @param rewards [numEnvs]
 * @param terminated [numEnvs]
 * @param truncated [numEnvs]
 * @param restarted [numEnvs] true where the env was restarted by a reconnect (its server or session
 *     was lost and a fresh one made): obs is a new episode's first observation, and reward and
 *     flags carry no transition
 * @param episodeReturns [numEnvs] the env's own episode record, Gymnasium's RecordEpisodeStatistics
 *     {@code info["episode"]["r"]}, on the step where the env reports one; NaN elsewhere. Under
 *     life-loss termination and reward clipping this is the full game's raw score.
 * @param episodeLengths [numEnvs] {@code info["episode"]["l"]} where reported; 0 elsewhere
 */
public record StepBatch(
    float[] obs,
    byte[] obsBytes,
    double[] rewards,
    boolean[] terminated,
    boolean[] truncated,
    boolean[] restarted,
    double[] episodeReturns,
    long[] episodeLengths) {

  /** An empty batch for {@code numEnvs} envs of {@code obsSize} elements of the given type. */
  static StepBatch empty(int numEnvs, int obsSize, ObsType type) {
    double[] returns = new double[numEnvs];
    Arrays.fill(returns, Double.NaN);
    return new StepBatch(
        type == ObsType.FLOAT32 ? new float[numEnvs * obsSize] : null,
        type == ObsType.UINT8 ? new byte[numEnvs * obsSize] : null,
        new double[numEnvs],
        new boolean[numEnvs],
        new boolean[numEnvs],
        new boolean[numEnvs],
        returns,
        new long[numEnvs]);
  }
}
