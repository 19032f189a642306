package io.gymbridge.agent.cli;

import ai.djl.Device;
import io.gymbridge.agent.dqn.DqnLearner;
import io.gymbridge.agent.dqn.LearnerConfig;
import io.gymbridge.agent.dqn.Precision;
import io.gymbridge.agent.replay.Batch;
import io.gymbridge.agent.train.TrainConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/agent bench-learner}: milliseconds per DQN update of the Nature CNN, the same work as
 * python/bench/bench_learner.py does in PyTorch (bin/bench-learner runs both in one go): gather a
 * batch of uint8 [B, 4, 84, 84] stacks from a pool (as replay sampling does), Double DQN targets,
 * the TD loss, backward, gradient clipping and Adam.
 */
@Command(
    name = "bench-learner",
    mixinStandardHelpOptions = true,
    header = "Time one DQN update and one forward pass of the Nature CNN.",
    description =
        "The update: a batch of uint8 4x84x84 stacks, Double DQN targets, the TD loss, backward,"
            + " gradient clipping and Adam, as python/bench/bench_learner.py does in PyTorch"
            + " (bin/bench-learner runs both).")
public final class LearnerBenchCommand implements Callable<Integer> {
  private static final int POOL = 2048;
  private static final long[] SHAPE = {4, 84, 84};
  private static final int INFERENCE_BATCH = 8;

  @Option(
      names = "--batch",
      paramLabel = "N",
      defaultValue = "32",
      description = "Batch size (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(
      names = "--actions",
      paramLabel = "N",
      defaultValue = "4",
      description = "Actions of the Q-network (default: ${DEFAULT-VALUE}).")
  int actions;

  @Option(names = "--dueling", description = "Dueling heads (two 512 streams).")
  boolean dueling;

  @Option(names = "--huber", description = "Huber loss instead of MSE.")
  boolean huber;

  @Option(
      names = "--max-grad-norm",
      paramLabel = "NORM",
      defaultValue = "10",
      description = "Global gradient-norm clip, 0: off (default: ${DEFAULT-VALUE}).")
  double maxGradNorm;

  @Option(
      names = "--warmup-seconds",
      paramLabel = "S",
      defaultValue = "5",
      description = "Updates run this long, untimed, first (default: ${DEFAULT-VALUE}).")
  double warmupSeconds;

  @Option(
      names = "--seconds",
      paramLabel = "S",
      defaultValue = "10",
      description = "Updates are timed for this long (default: ${DEFAULT-VALUE}).")
  double seconds;

  @Option(names = "--json", description = "End with one JSON line.")
  boolean json;

  @Option(
      names = "--device",
      paramLabel = "DEVICE",
      defaultValue = "cpu",
      description = "cpu or gpu (default: ${DEFAULT-VALUE}).")
  String device;

  @Option(
      names = "--precision",
      paramLabel = "PRECISION",
      defaultValue = "auto",
      description = "auto, fp32, bf16 or fp16 (default: ${DEFAULT-VALUE}).")
  String precision;

  @Option(
      names = "--fork-target",
      description = "Compute the TD target on the inter-op thread beside the backward pass.")
  boolean forkTarget;

  @Override
  public Integer call() {
    Device dev = DjlSetup.chooseDevice(device);
    LearnerConfig config =
        TrainConfig.builder()
            .set(TrainConfig.NETWORK, LearnerConfig.Network.NATURE_CNN)
            .set(TrainConfig.DUELING, dueling)
            .set(TrainConfig.DOUBLE_DQN, true)
            .set(TrainConfig.HUBER_LOSS, huber)
            .set(TrainConfig.LEARNING_RATE, 1e-4)
            .set(TrainConfig.MAX_GRAD_NORM, maxGradNorm)
            .set(TrainConfig.TARGET_UPDATE_INTERVAL, 250)
            .set(TrainConfig.TAU, 1.0)
            .set(TrainConfig.PRECISION, Precision.parse(precision))
            .set(TrainConfig.FORK_TARGET, forkTarget)
            .build()
            .learnerConfig(true);
    int obsBytes = 4 * 84 * 84;
    SplittableRandom rng = new SplittableRandom(1);
    byte[] pool = new byte[POOL * obsBytes];
    for (int i = 0; i < pool.length; i++) {
      pool[i] = (byte) rng.nextInt(256);
    }
    try (DqnLearner learner = new DqnLearner(config, SHAPE, true, actions, dev)) {
      System.out.println(DjlSetup.describe(learner));
      timeUpdates(learner, rng, pool, obsBytes, warmupSeconds);
      List<Double> updates = timeUpdates(learner, rng, pool, obsBytes, seconds);
      List<Double> inference = new ArrayList<>();
      byte[] act = Arrays.copyOf(pool, INFERENCE_BATCH * obsBytes);
      for (int i = 0; i < 200; i++) {
        long t0 = System.nanoTime();
        learner.greedyActions(act, INFERENCE_BATCH);
        inference.add((System.nanoTime() - t0) / 1e6);
      }
      double median = median(updates);
      double mean = updates.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
      double gflop = learner.flopsPerUpdate(batch) / 1e9;
      System.out.printf(
          Locale.ROOT,
          "java/DJL: %.2f ms per update (median of %d; mean %.2f), batch %d, dueling %s:"
              + " %.2f GFLOP each, %.1f GFLOP/s; greedy forward for %d observations %.2f ms%n",
          median,
          updates.size(),
          mean,
          batch,
          dueling,
          gflop,
          gflop / (median / 1e3),
          INFERENCE_BATCH,
          median(inference));
      if (json) {
        System.out.printf(
            Locale.ROOT,
            "{\"framework\": \"djl\", \"threads\": %d, \"batch\": %d, \"dueling\": %s,"
                + " \"precision\": \"%s\", \"fork_target\": %s,"
                + " \"ms_per_update_median\": %.3f, \"ms_per_update_mean\": %.3f, \"updates\": %d,"
                + " \"gflop_per_update\": %.4f, \"gflops\": %.2f, \"ms_inference_median\": %.3f}%n",
            Integer.parseInt(System.getProperty("ai.djl.pytorch.num_threads", "1")),
            batch,
            dueling,
            learner.precision().name().toLowerCase(Locale.ROOT),
            forkTarget,
            median,
            mean,
            updates.size(),
            gflop,
            gflop / (median / 1e3),
            median(inference));
      }
    }
    return 0;
  }

  private List<Double> timeUpdates(
      DqnLearner learner, SplittableRandom rng, byte[] pool, int obsBytes, double forSeconds) {
    List<Double> times = new ArrayList<>();
    long end = System.nanoTime() + (long) (forSeconds * 1e9);
    while (System.nanoTime() < end) {
      long t0 = System.nanoTime();
      learner.train(randomBatch(rng, pool, obsBytes));
      times.add((System.nanoTime() - t0) / 1e6);
    }
    return times;
  }

  /** A batch gathered from the pool: obs i is stack k, its next obs stack k + 1 (as replay). */
  private Batch randomBatch(SplittableRandom rng, byte[] pool, int obsBytes) {
    byte[] obs = new byte[batch * obsBytes];
    byte[] next = new byte[batch * obsBytes];
    int[] acts = new int[batch];
    float[] rewards = new float[batch];
    float[] discounts = new float[batch];
    float[] weights = new float[batch];
    for (int i = 0; i < batch; i++) {
      int k = rng.nextInt(POOL - 1);
      System.arraycopy(pool, k * obsBytes, obs, i * obsBytes, obsBytes);
      System.arraycopy(pool, (k + 1) * obsBytes, next, i * obsBytes, obsBytes);
      acts[i] = rng.nextInt(actions);
      rewards[i] = rng.nextInt(2);
      discounts[i] = rng.nextInt(10) == 0 ? 0f : 0.99f;
      weights[i] = 1f;
    }
    return Batch.ofBytes(
        batch, obsBytes, obs, acts, rewards, next, discounts, weights, new int[batch]);
  }

  private static double median(List<Double> xs) {
    double[] s = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return (s[(s.length - 1) / 2] + s[s.length / 2]) / 2;
  }
}
