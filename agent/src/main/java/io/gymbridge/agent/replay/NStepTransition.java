package io.gymbridge.agent.replay;

/**
 * One n-step transition (n = 1: the plain one-step transition) as replay stores it, made by {@link
 * NStepAccumulator}.
 *
 * @param obs the observation the action was taken in (flattened float32)
 * @param action the action taken
 * @param reward the discounted sum of the next n rewards (n = 1: the reward)
 * @param nextObs the observation n steps later (the final observation if the episode ended)
 * @param discount gamma^n to bootstrap from nextObs, or 0 when the episode terminated in between (a
 *     truncated episode still bootstraps: the state was not terminal)
 */
public record NStepTransition(
    float[] obs, int action, float reward, float[] nextObs, float discount) {}
