package io.gymbridge.agent.cli;

import ai.djl.Device;
import io.gymbridge.agent.dqn.DqnLearner;
import io.gymbridge.agent.replay.Replay;
import io.gymbridge.agent.train.Checkpoints;
import io.gymbridge.agent.train.ConfigKeys;
import io.gymbridge.agent.train.ConfigLoader;
import io.gymbridge.agent.train.Progress;
import io.gymbridge.agent.train.RunDirectory;
import io.gymbridge.agent.train.TrainConfig;
import io.gymbridge.agent.train.Trainer;
import io.gymbridge.client.BatchedEnv;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bin/agent train}: one DQN training run into a run directory. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    header = "Train DQN on an env, into a run directory.",
    description =
        "Without --server it starts an env-server in-process and still talks to it through the"
            + " gRPC contract. Settings are layered: the preset, then --config, then the flags,"
            + " then --set; the full config is written to DIR/config.json. Ctrl-C (or SIGTERM)"
            + " stops it with a checkpoint at the step reached, which --resume continues.",
    footer = {
      "",
      "Keys for --set and --config: --list-keys prints each with its default and meaning"
          + " (docs/agent.md has the same table); an unknown key is refused with the list of"
          + " valid ones; --print-config shows what a command line resolves to. Values are JSON;"
          + " in single quotes, bash leaves them alone:",
      "  --set 'envKwargs={\"frameskip\":4}'",
      "",
      "Presets: default (tuned for CartPole), cleanrl, sb3-zoo, tutorial (CartPole); atari"
          + " (CleanRL dqn_atari.py), nature (Mnih et al. 2015), atari-fast (tuned for a CPU),"
          + " e.g. --env ALE/Pong-v5 --preset atari-fast."
    })
public final class TrainCommand implements Callable<Integer> {
  @Mixin ServerOptions servers;

  @Option(
      names = "--env",
      paramLabel = "ENV_ID",
      description =
          "Env id (default: the preset's: CartPole-v1, or ALE/Breakout-v5 for atari, nature and"
              + " atari-fast; bin/agent envs lists the ids).")
  String envId;

  @Option(
      names = "--num-envs",
      paramLabel = "N",
      description =
          "Envs stepped as one batch, spread over the servers (default: the preset's: 16 for"
              + " default, 8 for atari-fast, 1 for the others).")
  Integer numEnvs;

  @Option(
      names = "--total-steps",
      paramLabel = "STEPS",
      description =
          "Env steps to train for, all envs together (default: the preset's: 150000 for default,"
              + " 1000000 for atari-fast).")
  Long totalSteps;

  @Option(
      names = "--seed",
      paramLabel = "SEED",
      description =
          "Seed for envs, network, exploration and replay (default: 1, unless --config sets"
              + " one).")
  Long seed;

  @Option(
      names = "--preset",
      paramLabel = "NAME",
      defaultValue = "default",
      description =
          "Named hyperparameters: default, cleanrl, sb3-zoo, tutorial, atari, nature, atari-fast"
              + " (default: ${DEFAULT-VALUE}).")
  String preset;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "JSON file with any subset of the config keys.")
  Path configFile;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description =
          "Override one config key, repeatable, e.g. --set doubleDqn=false --set"
              + " 'hiddenSizes=[64,64]'.")
  List<String> sets = new ArrayList<>();

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "Run directory (default: runs/<env>-<time>).")
  Path out;

  @Option(
      names = "--resume",
      paramLabel = "WHEN",
      arity = "0..1",
      fallbackValue = "always",
      defaultValue = "never",
      description =
          "Continue the run in --out from its latest checkpoint: --resume (or =always) fails when"
              + " there is none; =if-present starts the run from the flags then, for jobs that may"
              + " be restarted (a Kubernetes Job); never (default).")
  String resume;

  @Option(
      names = "--device",
      paramLabel = "DEVICE",
      defaultValue = "auto",
      description = "auto (GPU if PyTorch sees one), cpu or gpu (default: ${DEFAULT-VALUE}).")
  String device;

  @Option(
      names = "--print-config",
      description =
          "Print the resolved configuration (defaults, preset, --config, flags, --set) as JSON"
              + " and exit without training.")
  boolean printConfig;

  @Option(
      names = "--list-keys",
      description = "List every key of --set and --config with its default and meaning, and exit.")
  boolean listKeys;

  @Override
  public Integer call() throws Exception {
    if (listKeys) {
      System.out.print(ConfigKeys.text(80));
      return 0;
    }
    boolean resume = resumes();
    TrainConfig config = resume ? resumedConfig() : newConfig();
    if (printConfig) {
      System.out.println(ConfigLoader.toJson(config));
      return 0;
    }
    Path root = out != null ? out : RunDirectory.firstFree(defaultOut(config));
    Path checkpoint = resume ? checkpointToResume(root) : null;
    if (!resume && !"if-present".equals(this.resume)) {
      // Checked before anything is built: a run that cannot write its directory does not start.
      RunDirectory.requireNoRun(root);
    }
    Device dev = DjlSetup.chooseDevice(device);
    try (AgentEnvs envs =
            AgentEnvs.open(
                servers, config.envId(), config.envKwargs(), config.numEnvs(), System.out);
        DqnLearner learner = AgentParts.learner(config, envs.env(), dev)) {
      System.out.println(DjlSetup.describe(learner));
      BatchedEnv env = envs.env();
      ReplayMemoryCheck.Need replayNeed =
          ReplayMemoryCheck.need(
              config, env.observationShape(), AgentParts.images(env), env.numEnvs());
      ReplayMemoryCheck.Budget budget = ReplayMemoryCheck.thisProcess();
      ReplayMemoryCheck.require(replayNeed, budget, config);
      System.out.println(ReplayMemoryCheck.describe(replayNeed, budget, config));
      // The directory is made only now that the envs and the learner exist, so a run that fails
      // to start (unknown env, unreachable server, no GPU) leaves no directory behind.
      boolean existed = Files.exists(root);
      RunDirectory run = resume ? new RunDirectory(root) : startRun(root, config);
      System.out.println("run directory: " + run.root().toAbsolutePath());
      Replay replay =
          checkpoint != null
              ? Checkpoints.readReplay(checkpoint).orElseGet(() -> AgentParts.replay(config, env))
              : AgentParts.replay(config, env);
      Trainer trainer = new Trainer(config, env, learner, replay, run, envs.rewardThreshold());
      if (config.evalInterval() > 0) {
        trainer.evaluateWith(
            new TrainingEvaluation(envs.env().addresses(), envs.clientConfig(), config, learner));
      }
      if (checkpoint != null) {
        Checkpoints.restore(checkpoint, trainer, learner, run);
        System.out.println("resumed from " + checkpoint);
      }
      // From here a Ctrl-C or SIGTERM ends the run with a checkpoint at the step reached.
      try (GracefulStop stop = GracefulStop.install(System.out)) {
        trainer.stopWhen(stop::requested);
        Trainer.Summary s;
        try {
          s = trainer.run(new Progress(System.out));
        } catch (Exception e) {
          if (!resume && trainer.globalStep() == 0) {
            run.discard(!existed);
          }
          throw e;
        }
        System.out.printf(
            Locale.ROOT,
            "{\"steps\": %d, \"episodes\": %d, \"mean_return_100\": %.2f, \"solved_at_step\": %d,"
                + " \"solved_at_seconds\": %.2f, \"wall_seconds\": %.2f, \"stopped\": %b,"
                + " \"run_dir\": \"%s\"}%n",
            s.steps(),
            s.episodes(),
            s.meanReturn100(),
            s.solvedAtStep(),
            s.solvedAtSeconds(),
            s.wallSeconds(),
            s.stopped(),
            run.root().toAbsolutePath());
      }
    }
    return 0;
  }

  /** The checkpoint a resumed run continues from: the newest intact one of its directory. */
  private static Path checkpointToResume(Path root) throws IOException {
    return Checkpoints.latestIntact(new RunDirectory(root), System.out)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "--resume: "
                        + root
                        + " has no checkpoint yet (one is written every checkpointInterval steps"
                        + " and at the end); start the run over with --resume=if-present, which"
                        + " replaces a run that has none"));
  }

  /**
   * The directory of a new run, with its config.json. Under --resume=if-present a directory whose
   * earlier attempt died before its first checkpoint is cleared first: that attempt cannot be
   * continued, and its rows would mix with this run's.
   */
  private RunDirectory startRun(Path root, TrainConfig config) throws IOException {
    RunDirectory run = RunDirectory.create(root);
    if ("if-present".equals(resume) && run.holdsRun()) {
      System.out.println(
          "--resume=if-present: replacing the earlier attempt in " + root + " (no checkpoint)");
      run.clearRun();
    }
    Files.writeString(run.configJson(), ConfigLoader.toJson(config));
    return run;
  }

  /** Whether this run continues a checkpointed one, as --resume asks. */
  private boolean resumes() throws IOException {
    switch (resume) {
      case "never":
        return false;
      case "always":
        return true;
      case "if-present":
        if (out == null) {
          throw new IllegalArgumentException("--resume needs --out: the run directory to continue");
        }
        boolean present = Checkpoints.latestIntact(new RunDirectory(out), System.out).isPresent();
        System.out.println(
            present
                ? "--resume=if-present: " + out + " has a checkpoint, continuing it"
                : "--resume=if-present: no checkpoint in " + out + " yet, starting the run");
        return present;
      default:
        throw new IllegalArgumentException(
            "--resume: expected always, if-present or never, got '" + resume + "'");
    }
  }

  private TrainConfig newConfig() {
    ConfigLoader loader = new ConfigLoader().preset(preset);
    if (configFile != null) {
      loader.file(configFile);
    }
    if (envId != null) {
      loader.set("envId=\"" + envId + "\"");
    }
    if (numEnvs != null) {
      loader.set("numEnvs=" + numEnvs);
    }
    if (totalSteps != null) {
      loader.set("totalSteps=" + totalSteps);
    }
    if (seed != null) {
      loader.set("seed=" + seed);
    }
    sets.forEach(loader::set);
    return loader.build();
  }

  private TrainConfig resumedConfig() throws Exception {
    if (out == null) {
      throw new IllegalArgumentException("--resume needs --out: the run directory to continue");
    }
    if (!Files.exists(new RunDirectory(out).configJson())) {
      throw new IllegalArgumentException(
          "--resume: "
              + out
              + " holds no run (no config.json): leave out --resume to start one there");
    }
    TrainConfig saved = ConfigLoader.read(new RunDirectory(out).configJson());
    if (totalSteps == null && sets.isEmpty()) {
      return saved;
    }
    // Only the budget may change on resume; anything else would make a different run.
    ConfigLoader loader = new ConfigLoader();
    loader.file(new RunDirectory(out).configJson());
    if (totalSteps != null) {
      loader.set("totalSteps=" + totalSteps);
    }
    TrainConfig changed = loader.build();
    if (!sets.isEmpty()) {
      throw new IllegalArgumentException(
          "--resume keeps the run's config; only --total-steps may change");
    }
    return changed;
  }

  private static Path defaultOut(TrainConfig config) {
    String time = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    return Path.of("runs", config.envId().replace('/', '_') + "-" + time);
  }
}
