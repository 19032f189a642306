package io.gymbridge.agent.cli;

import ai.djl.Device;
import io.gymbridge.agent.train.ConfigLoader;
import io.gymbridge.agent.train.Progress;
import io.gymbridge.agent.train.RunDirectory;
import io.gymbridge.agent.train.TrainConfig;
import io.gymbridge.agent.train.Trainer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bin/agent bench}: time to solve, over several seeds. "Solved" is the env's rule: the mean
 * return of the last 100 training episodes reaches its reward threshold (475 for CartPole-v1).
 * Prints one row per seed, then medians, and the process RSS before and after each run (native
 * memory must stay flat).
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    header = "Time to solve an env: seconds and env steps, per seed and median.",
    description =
        "A benchmark, not a test: trains the preset once per seed and prints, per seed, when"
            + " the mean return of the last 100 episodes reached the env's reward threshold, and"
            + " the process RSS before and after each run (native memory must stay flat).")
public final class BenchCommand implements Callable<Integer> {
  @Mixin ServerOptions servers;

  @Option(
      names = "--preset",
      paramLabel = "NAME",
      defaultValue = "default",
      description = "Preset, as train's --preset (default: ${DEFAULT-VALUE}).")
  String preset;

  @Option(
      names = "--seeds",
      paramLabel = "SEED",
      split = ",",
      defaultValue = "1,2,3",
      description = "Seeds, comma-separated (default: ${DEFAULT-VALUE}).")
  List<Long> seeds;

  @Option(
      names = "--total-steps",
      paramLabel = "STEPS",
      description = "Env steps per seed (default: the preset's).")
  Long totalSteps;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description = "Override one config key, repeatable (as train's --set).")
  List<String> sets = new ArrayList<>();

  @Option(
      names = "--out",
      paramLabel = "DIR",
      defaultValue = "runs/bench",
      description = "Parent of the run directories (default: ${DEFAULT-VALUE}).")
  Path out;

  @Override
  public Integer call() throws Exception {
    Device dev = DjlSetup.chooseDevice("auto");
    System.out.println(DjlSetup.describe(dev));
    printUpdateTiming(dev);
    System.out.printf(
        "%-6s %14s %14s %12s %10s %14s%n",
        "seed", "solved@step", "solved@sec", "mean100", "wall s", "RSS MiB a->b");
    List<Double> solveSeconds = new ArrayList<>();
    List<Double> solveSteps = new ArrayList<>();
    for (long seed : seeds) {
      TrainConfig config = loader(seed).build();
      RunDirectory run = RunDirectory.create(out.resolve(preset + "-seed" + seed));
      run.clearRun(); // the bench's own directory: the previous bench's run is replaced
      Files.writeString(run.configJson(), ConfigLoader.toJson(config));
      long rssBefore = rssMiB();
      Trainer.Summary s;
      try (AgentEnvs envs =
              AgentEnvs.open(
                  servers,
                  config.envId(),
                  Map.of(),
                  config.numEnvs(),
                  new PrintStream(new ByteArrayOutputStream()));
          var learner = AgentParts.learner(config, envs.env(), dev)) {
        Trainer trainer =
            new Trainer(
                config,
                envs.env(),
                learner,
                AgentParts.replay(config, envs.env()),
                run,
                envs.rewardThreshold());
        s = trainer.run(new Progress(new PrintStream(new ByteArrayOutputStream())));
      }
      long rssAfter = rssMiB();
      System.out.printf(
          Locale.ROOT,
          "%-6d %14s %14s %12.1f %10.1f %9d->%d%n",
          seed,
          s.solvedAtStep() < 0 ? "not solved" : String.format(Locale.ROOT, "%,d", s.solvedAtStep()),
          s.solvedAtStep() < 0 ? "-" : String.format(Locale.ROOT, "%.1f", s.solvedAtSeconds()),
          s.meanReturn100(),
          s.wallSeconds(),
          rssBefore,
          rssAfter);
      solveSeconds.add(s.solvedAtStep() < 0 ? Double.POSITIVE_INFINITY : s.solvedAtSeconds());
      solveSteps.add(s.solvedAtStep() < 0 ? Double.POSITIVE_INFINITY : (double) s.solvedAtStep());
    }
    System.out.printf(
        Locale.ROOT,
        "median: %s s, %s env steps to solve (%s, %d seeds)%n",
        fmt(median(solveSeconds), "%.1f"),
        fmt(median(solveSteps), "%,.0f"),
        preset,
        seeds.size());
    return 0;
  }

  /** What one update and one action pick cost with the first seed's network, on random data. */
  private void printUpdateTiming(Device dev) throws Exception {
    TrainConfig config = loader(seeds.get(0)).build();
    try (AgentEnvs envs =
            AgentEnvs.open(
                servers,
                config.envId(),
                Map.of(),
                config.numEnvs(),
                new PrintStream(new ByteArrayOutputStream()));
        var learner = AgentParts.learner(config, envs.env(), dev)) {
      UpdateTiming.Result t = UpdateTiming.measure(learner, config.batchSize(), config.numEnvs());
      System.out.printf(
          Locale.ROOT,
          "learner: %.3f ms per update (batch %d), %.3f ms per action pick (%d envs)%n",
          t.trainMs(),
          config.batchSize(),
          t.actMs(),
          config.numEnvs());
    }
  }

  private ConfigLoader loader(long seed) {
    ConfigLoader loader = new ConfigLoader().preset(preset).set("seed=" + seed);
    if (totalSteps != null) {
      loader.set("totalSteps=" + totalSteps);
    }
    sets.forEach(loader::set);
    return loader;
  }

  private static double median(List<Double> xs) {
    double[] a = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
  }

  private static String fmt(double v, String pattern) {
    return Double.isInfinite(v) ? "not solved" : String.format(Locale.ROOT, pattern, v);
  }

  /** Resident set size of this process (Linux /proc), or -1 elsewhere. */
  static long rssMiB() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
        }
      }
    } catch (Exception e) {
      // not Linux: report unknown
    }
    return -1;
  }
}
