package io.gymbridge.agent.train;

/**
 * The trainer's counters in a checkpoint (trainer.json); the learner and replay save their own.
 *
 * @param globalStep env steps taken
 * @param updates gradient steps taken
 * @param envResets times the envs were reset from the trainer (each reset uses a fresh seed)
 * @param explorationState the epsilon-greedy generator's state
 * @param lastLoss the last TD loss, for metrics
 * @param lastQ the last mean Q, for metrics
 * @param wallSeconds training wall time so far
 * @param solvedAtStep env step at which the 100-episode mean reached the threshold, or -1
 * @param solvedAtSeconds wall seconds at that moment, or -1
 */
public record TrainerState(
    long globalStep,
    long updates,
    long envResets,
    long explorationState,
    double lastLoss,
    double lastQ,
    double wallSeconds,
    long solvedAtStep,
    double solvedAtSeconds) {}
