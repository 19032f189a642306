package io.gymbridge.agent.replay;

/**
 * A sampled minibatch in flat arrays, ready to become tensors.
 *
 * @param size transitions in the batch
 * @param obsSize floats per observation
 * @param obs [size * obsSize]
 * @param actions [size]
 * @param rewards [size] n-step discounted rewards
 * @param nextObs [size * obsSize]
 * @param discounts [size] gamma^n, 0 where the episode terminated
 * @param weights [size] importance-sampling weights (all 1 for uniform replay)
 * @param indices [size] buffer slots, for {@link Replay#updatePriorities}
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
    int[] indices) {}
