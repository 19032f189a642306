package io.gymbridge.agent.train;

import java.io.IOException;

/**
 * Scores the learner's current policy during training (every evalInterval env steps), on envs of
 * its own so the training envs' episodes are not cut. Built by the command that knows the servers.
 */
@FunctionalInterface
public interface PolicyEvaluation {
  Score evaluate() throws IOException;

  /** The returns of one evaluation's episodes, summarised. */
  record Score(
      int episodes,
      double meanReturn,
      double stdReturn,
      double medianReturn,
      double minReturn,
      double maxReturn,
      double meanLength) {}
}
