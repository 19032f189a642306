package io.gymbridge.agent.cli;

import io.gymbridge.agent.dqn.DqnLearner;
import io.gymbridge.agent.eval.Evaluator;
import io.gymbridge.agent.train.PolicyEvaluation;
import io.gymbridge.agent.train.TrainConfig;
import io.gymbridge.client.ClientConfig;
import io.gymbridge.client.Kwargs;
import io.gymbridge.client.RemoteBatchedEnv;
import java.util.List;
import java.util.Map;

/**
 * Evaluation during training, as {@code bin/agent eval} does it: evalEpisodes episodes at
 * evalEpsilon on envs made with envKwargs and evalEnvKwargs over them (the Atari presets: full
 * games, raw scores). The envs are made for each evaluation on the training's servers and closed
 * after, so no session sits idle between evaluations; every evaluation starts from the same seeds,
 * so its scores compare policies, not starts.
 */
final class TrainingEvaluation implements PolicyEvaluation {
  /** Eval envs are seeded apart from the training envs (seed + i). */
  static final long SEED_OFFSET = 1_000_000;

  /** Envs played at once: evalEpisodes up to this many. */
  static final int MAX_ENVS = 16;

  private final List<String> addresses;
  private final ClientConfig client;
  private final TrainConfig config;
  private final DqnLearner learner;

  TrainingEvaluation(
      List<String> addresses, ClientConfig client, TrainConfig config, DqnLearner learner) {
    this.addresses = List.copyOf(addresses);
    this.client = client;
    this.config = config;
    this.learner = learner;
  }

  @Override
  public Score evaluate() {
    Map<String, Object> kwargs = Kwargs.merge(config.envKwargs(), config.evalEnvKwargs());
    int envs = Math.min(config.evalEpisodes(), MAX_ENVS);
    RemoteBatchedEnv env =
        RemoteBatchedEnv.connect(addresses, config.envId(), Kwargs.toValues(kwargs), envs, client);
    try {
      return Evaluator.run(
              env,
              learner,
              config.evalEpisodes(),
              config.evalEpsilon(),
              config.seed() + SEED_OFFSET)
          .score();
    } finally {
      env.close();
    }
  }
}
