package io.gymbridge.agent.cli;

import ai.djl.Device;
import io.gymbridge.agent.dqn.DqnLearner;
import io.gymbridge.agent.replay.Batch;
import io.gymbridge.agent.replay.FrameReplay;
import io.gymbridge.agent.replay.Replay;
import io.gymbridge.agent.train.ConfigLoader;
import io.gymbridge.agent.train.Progress;
import io.gymbridge.agent.train.RunDirectory;
import io.gymbridge.agent.train.TrainConfig;
import io.gymbridge.agent.train.Trainer;
import io.gymbridge.client.BatchedEnv;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bin/agent bench-pipeline}: does a training run's env stepping, acting and learning
 * overlap, or queue? In one process, one after the other: the env-only rate (random actions through
 * the same client, no learning), the learner-only rate (updates per second on replay samples, times
 * the env steps each update stands for), then a real training's env steps per second once learning
 * has started. Overlap is perfect when training runs at the slower of the two.
 */
@Command(
    name = "bench-pipeline",
    mixinStandardHelpOptions = true,
    header = "Measure whether env stepping and learning overlap in training.",
    description =
        "Prints a preset's env-only, learner-only and training rates, measured in one process"
            + " one after the other, and training's rate over the slower of the other two (1.0:"
            + " stepping and learning overlap perfectly).")
public final class PipelineBenchCommand implements Callable<Integer> {
  @Mixin ServerOptions servers;

  @Option(
      names = "--env",
      paramLabel = "ENV_ID",
      defaultValue = "ALE/Breakout-v5",
      description = "A pixel env (default: ${DEFAULT-VALUE}).")
  String envId;

  @Option(
      names = "--preset",
      paramLabel = "NAME",
      defaultValue = "atari-fast",
      description = "Preset, as train's --preset (default: ${DEFAULT-VALUE}).")
  String preset;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description = "Override one config key, repeatable (as train's --set).")
  List<String> sets = new ArrayList<>();

  @Option(
      names = "--seconds",
      paramLabel = "S",
      defaultValue = "30",
      description = "Measuring time of each part (default: ${DEFAULT-VALUE}).")
  double seconds;

  @Override
  public Integer call() throws Exception {
    ConfigLoader loader = new ConfigLoader().preset(preset).set("envId=\"" + envId + "\"");
    sets.forEach(loader::set);
    TrainConfig base = loader.build();
    Device dev = DjlSetup.chooseDevice("auto");
    try (AgentEnvs envs =
        AgentEnvs.open(
            servers,
            envId,
            base.envKwargs(),
            base.numEnvs(),
            new PrintStream(new ByteArrayOutputStream()))) {
      BatchedEnv env = envs.env();
      double envRate = envOnly(env, base.seed());
      System.out.printf(Locale.ROOT, "env only:     %,8.0f env steps/s%n", envRate);
      double learnerRate;
      try (DqnLearner learner = AgentParts.learner(base, env, dev)) {
        System.out.println(DjlSetup.describe(learner));
        learnerRate =
            learnerOnly(learner, base, env) * base.trainFrequency() / base.gradientSteps();
      }
      System.out.printf(
          Locale.ROOT,
          "learner only: %,8.0f env steps/s (updates/s x %d env steps per update)%n",
          learnerRate,
          base.trainFrequency() / base.gradientSteps());
      double bound = Math.min(envRate, learnerRate);
      long start = Math.min(base.learningStarts(), 5_000);
      long total = start + (long) (bound * seconds);
      TrainConfig c =
          loader
              .set("learningStarts=" + start)
              .set("totalSteps=" + total)
              .set("checkpointInterval=0")
              .set("epsilonFraction=0.001")
              .build();
      Path out = Files.createTempDirectory("bench-pipeline");
      Progress progress = new Progress(new PrintStream(new ByteArrayOutputStream()));
      progress.markAt(start + c.numEnvs() * 50L);
      try (DqnLearner learner = AgentParts.learner(c, env, dev)) {
        Replay replay = AgentParts.replay(c, env);
        new Trainer(c, env, learner, replay, RunDirectory.create(out), null).run(progress);
      }
      double training = progress.rateSinceMark();
      System.out.printf(
          Locale.ROOT,
          "training:     %,8.0f env steps/s once learning (%,d steps measured)%n",
          training,
          total - start);
      System.out.printf(
          Locale.ROOT,
          "overlap: training / min(env, learner) = %.2f%n"
              + "{\"env_sps\": %.1f, \"learner_sps\": %.1f, \"training_sps\": %.1f,"
              + " \"ratio\": %.3f}%n",
          training / bound,
          envRate,
          learnerRate,
          training,
          training / bound);
    }
    return 0;
  }

  private double envOnly(BatchedEnv env, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    int[] actions = new int[env.numEnvs()];
    env.reset(seed);
    long end = System.nanoTime() + (long) (seconds * 1e9 / 3); // a third: warm-up
    long steps = 0;
    long t0 = 0;
    boolean warm = false;
    while (true) {
      long now = System.nanoTime();
      if (!warm && now >= end) {
        warm = true;
        t0 = now;
        steps = 0;
        end = now + (long) (seconds * 1e9);
      } else if (warm && now >= end) {
        return steps / ((now - t0) / 1e9);
      }
      for (int i = 0; i < actions.length; i++) {
        actions[i] = rng.nextInt(env.numActions());
      }
      env.step(actions);
      steps += actions.length;
    }
  }

  /** Updates per second on batches sampled from a replay filled with the env's frames. */
  private double learnerOnly(DqnLearner learner, TrainConfig c, BatchedEnv env) {
    Replay replay = AgentParts.replay(c, env);
    SplittableRandom rng = new SplittableRandom(c.seed());
    int[] actions = new int[env.numEnvs()];
    var batch = env.reset(c.seed());
    FrameReplay frames = replay instanceof FrameReplay f ? f : null;
    if (frames == null) {
      throw new IllegalArgumentException("bench-pipeline measures pixel envs (a frames replay)");
    }
    boolean[] ended = new boolean[env.numEnvs()];
    for (int i = 0; i < env.numEnvs(); i++) {
      frames.startEpisode(i, batch.obsBytes(), i * env.observationSize());
    }
    while (replay.size() < 4 * c.batchSize()) {
      for (int i = 0; i < actions.length; i++) {
        actions[i] = rng.nextInt(env.numActions());
      }
      var next = env.step(actions);
      for (int i = 0; i < actions.length; i++) {
        int at = i * env.observationSize();
        if (ended[i] || next.restarted()[i]) {
          frames.startEpisode(i, next.obsBytes(), at);
          ended[i] = false;
          continue;
        }
        boolean terminated = next.terminated()[i];
        boolean truncated = next.truncated()[i];
        frames.step(
            i, actions[i], (float) next.rewards()[i], next.obsBytes(), at, terminated, truncated);
        ended[i] = terminated || truncated;
      }
    }
    long warmEnd = System.nanoTime() + (long) (seconds * 1e9 / 3);
    while (System.nanoTime() < warmEnd) {
      Batch b = replay.sample(c.batchSize());
      learner.train(b);
    }
    long t0 = System.nanoTime();
    long end = t0 + (long) (seconds * 1e9);
    long updates = 0;
    while (System.nanoTime() < end) {
      Batch b = replay.sample(c.batchSize());
      learner.train(b);
      updates++;
    }
    return updates / ((System.nanoTime() - t0) / 1e9);
  }
}
