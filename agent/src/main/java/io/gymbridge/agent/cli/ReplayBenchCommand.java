package io.gymbridge.agent.cli;

import io.gymbridge.agent.replay.FrameReplay;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/agent bench-replay}: fills a frames-once Atari replay to capacity with synthetic 84x84
 * frames (episodes of random length, several envs) and prints the process RSS beside what the
 * frames alone take, then the time to sample a batch of stacks and n-step returns.
 */
@Command(
    name = "bench-replay",
    mixinStandardHelpOptions = true,
    header = "Fill an Atari replay to capacity; print its memory and sampling cost.",
    description =
        "The replay is the frames-once one train uses for Atari (84x84 frames, stacks of 4),"
            + " filled twice over with synthetic frames. Its frames live off the Java heap, in"
            + " direct memory, which bin/agent allows up to 80%% of the machine's memory.")
public final class ReplayBenchCommand implements Callable<Integer> {
  private static final int FRAME = 84 * 84;
  private static final int STACK = 4;

  @Option(
      names = "--capacity",
      paramLabel = "FRAMES",
      defaultValue = "1000000",
      description = "Frame slots (default: ${DEFAULT-VALUE}).")
  int capacity;

  @Option(
      names = "--envs",
      paramLabel = "N",
      defaultValue = "8",
      description = "Envs whose episodes interleave in the replay (default: ${DEFAULT-VALUE}).")
  int envs;

  @Option(
      names = "--n-step",
      paramLabel = "N",
      defaultValue = "3",
      description = "Steps per return sampled (default: ${DEFAULT-VALUE}).")
  int nStep;

  @Option(names = "--prioritized", description = "With a sum tree (alpha 0.6).")
  boolean prioritized;

  @Option(
      names = "--batch",
      paramLabel = "N",
      defaultValue = "32",
      description = "Transitions per sampled batch (default: ${DEFAULT-VALUE}).")
  int batch;

  @Override
  public Integer call() {
    long rssStart = BenchCommand.rssMiB();
    FrameReplay replay =
        new FrameReplay(capacity, envs, STACK, FRAME, nStep, 0.99, prioritized ? 0.6 : 0, 1e-6, 1);
    SplittableRandom rng = new SplittableRandom(7);
    byte[][] stacks = new byte[envs][STACK * FRAME];
    byte[] frame = new byte[FRAME];
    long t0 = System.nanoTime();
    for (int e = 0; e < envs; e++) {
      replay.startEpisode(e, stacks[e], 0);
    }
    long steps = 0;
    // Two passes over the ring: the buffer is full and has wrapped, as after hours of training.
    long target = 2L * capacity;
    while (steps < target) {
      for (int e = 0; e < envs; e++) {
        byte[] s = stacks[e];
        System.arraycopy(s, FRAME, s, 0, (STACK - 1) * FRAME);
        rng.nextBytes(frame);
        System.arraycopy(frame, 0, s, (STACK - 1) * FRAME, FRAME);
        boolean end = rng.nextInt(500) == 0;
        replay.step(e, rng.nextInt(4), rng.nextInt(2), s, 0, end, false);
        if (end) {
          replay.startEpisode(e, s, 0);
        }
        steps++;
      }
    }
    double fillSeconds = (System.nanoTime() - t0) / 1e9;
    System.gc();
    long rss = BenchCommand.rssMiB();
    long frameMiB = replay.frameBytesAllocated() >> 20;
    System.out.printf(
        Locale.ROOT,
        "replay: %,d frame slots (%d envs), %,d sampleable transitions; frames %,d MiB;"
            + " process RSS %,d MiB (%,d MiB at start); filled %,d steps in %.1f s%n",
        replay.capacity(),
        envs,
        replay.size(),
        frameMiB,
        rss,
        rssStart,
        steps,
        fillSeconds);
    int rounds = 2000;
    long s0 = System.nanoTime();
    for (int i = 0; i < rounds; i++) {
      replay.sample(batch);
    }
    double ms = (System.nanoTime() - s0) / 1e6 / rounds;
    System.out.printf(
        Locale.ROOT,
        "sample: %.3f ms per batch of %d (stacks and %d-step returns rebuilt)%n",
        ms,
        batch,
        nStep);
    System.out.printf(
        Locale.ROOT,
        "{\"capacity\": %d, \"frames_mib\": %d, \"rss_mib\": %d, \"sample_ms\": %.4f}%n",
        replay.capacity(),
        frameMiB,
        rss,
        ms);
    return 0;
  }
}
