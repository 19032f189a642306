package io.gymbridge.agent.cli;

import ai.djl.Device;
import io.gymbridge.agent.dqn.DqnLearner;
import io.gymbridge.agent.eval.Evaluator;
import io.gymbridge.agent.eval.GameRecorder;
import io.gymbridge.agent.train.Checkpoints;
import io.gymbridge.agent.train.ConfigLoader;
import io.gymbridge.agent.train.TrainConfig;
import io.gymbridge.client.Kwargs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bin/agent eval}: plays a trained agent greedily and summarises its returns. */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    header = "Evaluate a checkpoint: play N episodes and summarise the returns.",
    description =
        "Plays with the run's evaluation epsilon (0 for CartPole, 0.05 for the Atari presets, as"
            + " Nature) unless --epsilon is given. Envs are made with the run's envKwargs and"
            + " evalEnvKwargs over them: the Atari presets play full games with raw rewards (no"
            + " life-loss termination, no clipping; noop starts and the frame limit stay).")
public final class EvalCommand implements Callable<Integer> {
  @Mixin ServerOptions servers;

  @Option(
      names = "--checkpoint",
      paramLabel = "DIR",
      required = true,
      description = "A run directory (its latest checkpoint) or one checkpoint directory.")
  Path checkpoint;

  @Option(
      names = "--episodes",
      paramLabel = "N",
      defaultValue = "100",
      description = "Episodes to play (default: ${DEFAULT-VALUE}).")
  int episodes;

  @Option(
      names = "--num-envs",
      paramLabel = "N",
      defaultValue = "8",
      description = "Envs played at once (default: ${DEFAULT-VALUE}).")
  int numEnvs;

  @Option(
      names = "--epsilon",
      paramLabel = "P",
      description = "Random-action probability (default: the run's evalEpsilon).")
  Double epsilon;

  @Option(
      names = "--seed",
      paramLabel = "SEED",
      defaultValue = "100000",
      description = "Env seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--json",
      description = "End with one JSON line: episodes, mean_return, std_return, ...")
  boolean json;

  @Option(
      names = "--record",
      paramLabel = "FILE.gif",
      description = "Also play one game and write it as an animated GIF (plays in any browser).")
  Path record;

  @Option(
      names = "--record-max-steps",
      paramLabel = "STEPS",
      defaultValue = "4500",
      description =
          "Longest recording, in agent steps (default: ${DEFAULT-VALUE}, 5 min of Atari).")
  int recordMaxSteps;

  @Option(
      names = "--device",
      paramLabel = "DEVICE",
      defaultValue = "auto",
      description = "auto, cpu or gpu (default: ${DEFAULT-VALUE}).")
  String device;

  @Override
  public Integer call() throws Exception {
    if (episodes <= 0) {
      throw new IllegalArgumentException("--episodes must be > 0");
    }
    Path dir = checkpointDir();
    System.out.println("checkpoint: " + dir);
    // A checkpoint lives in RUN/checkpoints/step-N; the run's config.json says what was trained.
    Path configJson = dir.getParent().getParent().resolve("config.json");
    if (!Files.exists(configJson)) {
      throw new IllegalArgumentException(
          "--checkpoint "
              + checkpoint
              + ": the run's config.json is missing (looked for "
              + configJson
              + "): evaluate a checkpoint inside the run directory that bin/agent train wrote");
    }
    TrainConfig config = ConfigLoader.read(configJson);
    Device dev = DjlSetup.chooseDevice(device);
    int envs = Math.min(numEnvs, episodes);
    double eps = epsilon != null ? epsilon : config.evalEpsilon();
    if (!(eps >= 0 && eps <= 1)) {
      throw new IllegalArgumentException("--epsilon must be in [0, 1], got " + eps);
    }
    Map<String, Object> kwargs = Kwargs.merge(config.envKwargs(), config.evalEnvKwargs());
    System.out.println("eval env: " + config.envId() + " " + kwargs + ", epsilon " + eps);
    try (AgentEnvs agentEnvs = AgentEnvs.open(servers, config.envId(), kwargs, envs, System.out);
        DqnLearner learner = AgentParts.learner(config, agentEnvs.env(), dev)) {
      System.out.println(DjlSetup.describe(learner));
      learner.load(dir.resolve("learner"));
      Evaluator.Result r = Evaluator.run(agentEnvs.env(), learner, episodes, eps, seed);
      System.out.printf(
          Locale.ROOT,
          "%s: %d episodes of %s (epsilon %.3f), return %.2f +- %.2f (median %.1f, min %.1f, max"
              + " %.1f), length %.1f%n",
          dir,
          episodes,
          config.envId(),
          eps,
          r.meanReturn(),
          r.stdReturn(),
          r.medianReturn(),
          r.minReturn(),
          r.maxReturn(),
          r.meanLength());
      if (record != null) {
        GameRecorder.Recording rec =
            GameRecorder.record(
                agentEnvs.address(),
                agentEnvs.clientConfig(),
                config.envId(),
                Kwargs.toValues(kwargs),
                learner,
                eps,
                seed,
                record,
                recordMaxSteps,
                70);
        System.out.printf(
            Locale.ROOT,
            "recorded %s: %d steps, score %.1f%s%n",
            record,
            rec.steps(),
            rec.score(),
            rec.complete() ? "" : " (stopped at --record-max-steps before the game ended)");
      }
      if (json) {
        System.out.printf(
            Locale.ROOT,
            "{\"episodes\": %d, \"mean_return\": %.4f, \"std_return\": %.4f, \"median_return\":"
                + " %.4f, \"min_return\": %.4f, \"max_return\": %.4f, \"mean_length\": %.2f,"
                + " \"epsilon\": %.4f, \"env_id\": \"%s\", \"checkpoint\": \"%s\"}%n",
            episodes,
            r.meanReturn(),
            r.stdReturn(),
            r.medianReturn(),
            r.minReturn(),
            r.maxReturn(),
            r.meanLength(),
            eps,
            config.envId(),
            dir);
      }
    }
    return 0;
  }

  /** The checkpoint --checkpoint names, or a usage error that says what to give instead. */
  private Path checkpointDir() {
    String give =
        ": give the --out directory of a bin/agent train run (its latest checkpoint) or one of"
            + " its checkpoints/step-N folders";
    if (!Files.exists(checkpoint)) {
      throw new IllegalArgumentException(
          "--checkpoint " + checkpoint + ": no such file or directory" + give);
    }
    try {
      return Checkpoints.resolve(checkpoint, System.out);
    } catch (IOException e) {
      throw new IllegalArgumentException("--checkpoint " + e.getMessage() + give, e);
    }
  }
}
