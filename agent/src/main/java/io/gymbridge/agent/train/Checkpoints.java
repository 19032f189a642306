package io.gymbridge.agent.train;

import io.gymbridge.agent.dqn.DqnLearner;
import io.gymbridge.agent.replay.Replay;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Checkpoints: each is written complete into a hidden temp directory and then renamed into place,
 * and only then does checkpoints/latest point at it, so a crash mid-write never leaves a checkpoint
 * that looks whole but is not. The newest {@value #KEEP} are kept. A checkpoint holds the learner
 * (networks, Adam), the trainer's counters and exploration RNG, and, when the config's saveReplay
 * is on, the replay; an Atari run leaves the replay out (its ~7 GB would be written at every
 * checkpoint) and refills it after a resume.
 */
public final class Checkpoints {
  static final int KEEP = 3;
  static final String REPLAY_FILE = "replay.bin";

  private Checkpoints() {}

  static void save(
      RunDirectory run, long step, DqnLearner learner, Replay replay, TrainerState state)
      throws IOException {
    String name = String.format("step-%012d", step);
    Path dir = run.checkpoints().resolve(name);
    Path tmp = run.checkpoints().resolve(".tmp-" + name);
    deleteRecursively(tmp);
    Files.createDirectories(tmp);
    learner.save(tmp.resolve("learner"));
    if (replay != null) {
      try (DataOutputStream out =
          new DataOutputStream(
              new BufferedOutputStream(Files.newOutputStream(tmp.resolve(REPLAY_FILE)), 1 << 20))) {
        replay.writeTo(out);
      }
    }
    Files.writeString(tmp.resolve("trainer.json"), ConfigLoader.JSON.writeValueAsString(state));
    deleteRecursively(dir);
    Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
    RunDirectory.writeAtomically(run.checkpoints().resolve("latest"), name + "\n");
    prune(run);
  }

  /** The newest complete checkpoint of a run directory, if any. */
  public static Optional<Path> latest(RunDirectory run) throws IOException {
    Path pointer = run.checkpoints().resolve("latest");
    if (!Files.exists(pointer)) {
      return Optional.empty();
    }
    Path dir = run.checkpoints().resolve(Files.readString(pointer).trim());
    return Files.isDirectory(dir) ? Optional.of(dir) : Optional.empty();
  }

  /**
   * Resolves what a user passes to eval or resume: a checkpoint directory itself, or a run
   * directory (its latest checkpoint).
   */
  public static Path resolve(Path dirOrRun) throws IOException {
    if (Files.isDirectory(dirOrRun.resolve("learner"))) {
      return dirOrRun;
    }
    return latest(new RunDirectory(dirOrRun))
        .orElseThrow(
            () ->
                new IOException(
                    dirOrRun
                        + " is neither a checkpoint (no learner/) nor a "
                        + "run directory with checkpoints/latest"));
  }

  /**
   * Loads a checkpoint into a freshly built trainer and learner (the replay was read from the same
   * checkpoint before the trainer was built). metrics.csv keeps only the episodes up to the
   * checkpoint: rows written after it belong to the lost tail of the interrupted run.
   */
  public static void restore(Path checkpoint, Trainer trainer, DqnLearner learner, RunDirectory run)
      throws IOException {
    learner.load(checkpoint.resolve("learner"));
    TrainerState state = readState(checkpoint);
    List<LearningCurve.Point> history = new ArrayList<>();
    List<String> kept = new ArrayList<>();
    if (Files.exists(run.metricsCsv())) {
      List<String> lines = Files.readAllLines(run.metricsCsv());
      for (int i = 0; i < lines.size(); i++) {
        String[] f = lines.get(i).split(",");
        if (i == 0) {
          kept.add(lines.get(i));
        } else if (Long.parseLong(f[0]) <= state.globalStep()) {
          kept.add(lines.get(i));
          history.add(new LearningCurve.Point(Long.parseLong(f[0]), Double.parseDouble(f[2])));
        }
      }
      RunDirectory.writeAtomically(run.metricsCsv(), String.join("\n", kept) + "\n");
    }
    trainer.restore(state, history);
  }

  /** The replay saved in a checkpoint, or empty when it was saved without one (saveReplay). */
  public static Optional<Replay> readReplay(Path checkpoint) throws IOException {
    Path file = checkpoint.resolve(REPLAY_FILE);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try (DataInputStream in =
        new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 20))) {
      return Optional.of(Replay.readFrom(in));
    }
  }

  static TrainerState readState(Path checkpoint) throws IOException {
    return ConfigLoader.JSON.readValue(
        Files.readString(checkpoint.resolve("trainer.json")), TrainerState.class);
  }

  private static void prune(RunDirectory run) throws IOException {
    List<Path> all = new ArrayList<>();
    try (Stream<Path> s = Files.list(run.checkpoints())) {
      s.filter(p -> p.getFileName().toString().startsWith("step-")).forEach(all::add);
    }
    all.sort(Comparator.comparing(Path::toString));
    for (int i = 0; i < all.size() - KEEP; i++) {
      deleteRecursively(all.get(i));
    }
  }

  static void deleteRecursively(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(q);
      }
    }
  }
}
