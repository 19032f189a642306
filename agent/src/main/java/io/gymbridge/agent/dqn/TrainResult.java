package io.gymbridge.agent.dqn;

/**
 * What one {@link DqnLearner#train} step reports.
 *
 * @param loss the minimized loss: mean over the batch of weight * elementwise loss (before the
 *     step)
 * @param meanQ mean of Q(s, a) over the batch (before the step), CleanRL's losses/q_values
 * @param tdErrors per transition {@code Q(s, a) - target} (before the step), for prioritized replay
 */
public record TrainResult(float loss, float meanQ, float[] tdErrors) {}
