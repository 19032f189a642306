package io.gymbridge.agent.replay;

/**
 * A sampled minibatch in flat arrays, ready to become tensors. Observations are either float32
 * ({@code obs}, {@code nextObs}) or uint8 ({@code obsBytes}, {@code nextObsBytes}: frames stay
 * bytes until the network), never both; the other pair is null.
 *
 * @param size transitions in the batch
 * @param obsSize elements per observation
 * @param obs [size * obsSize], or null for uint8 observations
 * @param actions [size]
 * @param rewards [size] n-step discounted rewards
 * @param nextObs [size * obsSize], or null for uint8 observations
 * @param discounts [size] gamma^n, 0 where the episode terminated
 * @param weights [size] importance-sampling weights (all 1 for uniform replay)
 * @param indices [size] buffer slots, for {@link Replay#updatePriorities}
 * @param obsBytes [size * obsSize] uint8 observations, or null for float32 ones
 * @param nextObsBytes [size * obsSize] uint8 next observations, or null for float32 ones
 */
public record Batch(
    int size,
    int obsSize,
    float[] obs,
    int[] actions,
    float[] rewards,
    float[] nextObs,
    float[] discounts,
    float[] weights,
    int[] indices,
    byte[] obsBytes,
    byte[] nextObsBytes) {

  /** A batch of float32 observations. */
  public Batch(
      int size,
      int obsSize,
      float[] obs,
      int[] actions,
      float[] rewards,
      float[] nextObs,
      float[] discounts,
      float[] weights,
      int[] indices) {
    this(size, obsSize, obs, actions, rewards, nextObs, discounts, weights, indices, null, null);
  }

  /** A batch of uint8 observations (frames). */
  public static Batch ofBytes(
      int size,
      int obsSize,
      byte[] obs,
      int[] actions,
      float[] rewards,
      byte[] nextObs,
      float[] discounts,
      float[] weights,
      int[] indices) {
    return new Batch(
        size, obsSize, null, actions, rewards, null, discounts, weights, indices, obs, nextObs);
  }

  /** Whether the observations are uint8 ({@link #obsBytes()}) rather than float32. */
  public boolean isBytes() {
    return obsBytes != null;
  }
}
