package io.gymbridge.agent.cli;

import ai.djl.Device;
import io.gymbridge.agent.dqn.DqnLearner;
import io.gymbridge.agent.eval.Evaluator;
import io.gymbridge.agent.train.Checkpoints;
import io.gymbridge.agent.train.ConfigLoader;
import io.gymbridge.agent.train.TrainConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bin/agent eval}: plays a trained agent greedily and summarises its returns. */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    description = "Evaluate a checkpoint: N episodes, greedy unless --epsilon is given.")
public final class EvalCommand implements Callable<Integer> {
  @Mixin ServerOptions servers;

  @Option(
      names = "--checkpoint",
      required = true,
      description = "A run directory (its latest checkpoint) or one checkpoint directory.")
  Path checkpoint;

  @Option(
      names = "--episodes",
      defaultValue = "100",
      description = "Episodes to play (default: ${DEFAULT-VALUE}).")
  int episodes;

  @Option(
      names = "--num-envs",
      defaultValue = "8",
      description = "Envs played at once (default: ${DEFAULT-VALUE}).")
  int numEnvs;

  @Option(
      names = "--epsilon",
      defaultValue = "0",
      description = "Random-action probability (default: ${DEFAULT-VALUE}).")
  double epsilon;

  @Option(
      names = "--seed",
      defaultValue = "100000",
      description = "Env seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--json",
      description = "End with one JSON line: episodes, mean_return, std_return, ...")
  boolean json;

  @Option(
      names = "--device",
      defaultValue = "auto",
      description = "auto, cpu or gpu (default: ${DEFAULT-VALUE}).")
  String device;

  @Override
  public Integer call() throws Exception {
    if (episodes <= 0) {
      throw new IllegalArgumentException("--episodes must be > 0");
    }
    Path dir = Checkpoints.resolve(checkpoint);
    // A checkpoint lives in RUN/checkpoints/step-N; the run's config.json says what was trained.
    Path configJson = dir.getParent().getParent().resolve("config.json");
    if (!Files.exists(configJson)) {
      throw new IllegalArgumentException("no config.json found at " + configJson);
    }
    TrainConfig config = ConfigLoader.read(configJson);
    Device dev = DjlSetup.chooseDevice(device);
    System.out.println(DjlSetup.describe(dev));
    int envs = Math.min(numEnvs, episodes);
    try (AgentEnvs agentEnvs =
            AgentEnvs.open(servers.addresses(), config.envId(), envs, System.out);
        DqnLearner learner = AgentParts.learner(config, agentEnvs.env(), dev)) {
      learner.load(dir.resolve("learner"));
      Evaluator.Result r = Evaluator.run(agentEnvs.env(), learner, episodes, epsilon, seed);
      System.out.printf(
          Locale.ROOT,
          "%s: %d episodes of %s, return %.2f +- %.2f (min %.1f, max %.1f), length %.1f%n",
          dir,
          episodes,
          config.envId(),
          r.meanReturn(),
          r.stdReturn(),
          r.returns().stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN),
          r.returns().stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN),
          r.meanLength());
      if (json) {
        System.out.printf(
            Locale.ROOT,
            "{\"episodes\": %d, \"mean_return\": %.4f, \"std_return\": %.4f, \"mean_length\": %.2f, "
                + "\"env_id\": \"%s\", \"checkpoint\": \"%s\"}%n",
            episodes,
            r.meanReturn(),
            r.stdReturn(),
            r.meanLength(),
            config.envId(),
            dir);
      }
    }
    return 0;
  }
}
