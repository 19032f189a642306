package io.gymbridge.agent.cli;

import ai.djl.Device;
import io.gymbridge.agent.client.BatchedEnv;
import io.gymbridge.agent.dqn.DqnLearner;
import io.gymbridge.agent.dqn.LearnerConfig;
import io.gymbridge.agent.replay.PrioritizedReplay;
import io.gymbridge.agent.replay.Replay;
import io.gymbridge.agent.replay.UniformReplay;
import io.gymbridge.agent.train.TrainConfig;

/** Builds the learner and the replay that a {@link TrainConfig} describes. */
final class AgentParts {
  private AgentParts() {}

  static DqnLearner learner(TrainConfig c, BatchedEnv env, Device device) {
    LearnerConfig lc = c.learnerConfig();
    return new DqnLearner(lc, env.observationSize(), env.numActions(), device);
  }

  static Replay replay(TrainConfig c, int obsSize) {
    long seed = c.seed() * 31 + 7;
    return c.prioritized()
        ? new PrioritizedReplay(
            c.bufferSize(), obsSize, c.priorityAlpha(), c.priorityBetaStart(), seed)
        : new UniformReplay(c.bufferSize(), obsSize, seed);
  }
}
