package io.gymbridge.agent.train;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gymbridge.agent.dqn.DqnLearner;
import io.gymbridge.agent.replay.Replay;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
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
 * checkpoint) and refills it after a resume, except from the checkpoint of a stop (replayOnStop).
 *
 * <p>Each checkpoint carries the SHA-256 of its files ({@link CheckpointChecksums}), so a file
 * damaged later (a full disk, a copy cut short) is found before it is loaded: resume and eval take
 * the newest intact checkpoint and say which one they skipped and why.
 */
public final class Checkpoints {
  static final int KEEP = 3;
  static final String REPLAY_FILE = "replay.bin";
  static final String BEST = "best";
  static final String BEST_SCORE = "eval.json";

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
    CheckpointChecksums.write(tmp);
    deleteRecursively(dir);
    Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
    RunDirectory.writeAtomically(run.checkpoints().resolve("latest"), name + "\n");
    prune(run);
  }

  /**
   * Replaces checkpoints/best with the learner as it is now and its evaluation ({@value
   * #BEST_SCORE}): written complete beside the old one, then swapped in by renames.
   */
  static void saveBest(
      RunDirectory run, long step, DqnLearner learner, PolicyEvaluation.Score score)
      throws IOException {
    Path best = run.checkpoints().resolve(BEST);
    Path tmp = run.checkpoints().resolve(".tmp-" + BEST);
    Path old = run.checkpoints().resolve(".old-" + BEST);
    deleteRecursively(tmp);
    Files.createDirectories(tmp);
    learner.save(tmp.resolve("learner"));
    ObjectNode json = ConfigLoader.JSON.valueToTree(score);
    json.put("global_step", step);
    Files.writeString(tmp.resolve(BEST_SCORE), ConfigLoader.JSON.writeValueAsString(json));
    CheckpointChecksums.write(tmp);
    deleteRecursively(old);
    if (Files.exists(best)) {
      Files.move(best, old, StandardCopyOption.ATOMIC_MOVE);
    }
    Files.move(tmp, best, StandardCopyOption.ATOMIC_MOVE);
    deleteRecursively(old);
  }

  /** The mean return of checkpoints/best, if the run has one: the bar a new best must pass. */
  static Optional<Double> bestScore(RunDirectory run) throws IOException {
    Path file = run.checkpoints().resolve(BEST).resolve(BEST_SCORE);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    return Optional.of(ConfigLoader.JSON.readTree(file.toFile()).get("meanReturn").asDouble());
  }

  /**
   * The newest intact checkpoint of a run directory, if it has any checkpoint: the one
   * checkpoints/latest names, or, when that one is damaged, the newest older one whose files match
   * their checksums, with a warning on {@code warnings} naming the damaged file. A run whose
   * checkpoints are all damaged is an error that lists them.
   */
  public static Optional<Path> latestIntact(RunDirectory run, PrintStream warnings)
      throws IOException {
    List<Path> candidates = newestFirst(run);
    List<String> damaged = new ArrayList<>();
    for (Path c : candidates) {
      Optional<String> problem = CheckpointChecksums.verify(c);
      if (problem.isEmpty()) {
        if (!damaged.isEmpty()) {
          warnings.println(
              "warning: skipped damaged checkpoint(s) "
                  + String.join("; ", damaged)
                  + "; using "
                  + c
                  + ", the newest intact one");
        }
        return Optional.of(c);
      }
      damaged.add(c.getFileName() + " (" + problem.get() + ")");
    }
    if (!damaged.isEmpty()) {
      throw new IllegalArgumentException(
          "every checkpoint of " + run.root() + " is damaged: " + String.join("; ", damaged));
    }
    return Optional.empty();
  }

  /** How many step checkpoints a run directory holds. */
  static long count(RunDirectory run) throws IOException {
    return stepCheckpoints(run).size();
  }

  /**
   * The run's checkpoints, newest first: the one checkpoints/latest names, then the step-N
   * directories by step.
   */
  private static List<Path> newestFirst(RunDirectory run) throws IOException {
    List<Path> all = stepCheckpoints(run);
    all.sort(Comparator.comparing(Path::toString).reversed());
    Path pointer = run.checkpoints().resolve("latest");
    if (Files.exists(pointer)) {
      Path named = run.checkpoints().resolve(Files.readString(pointer).trim());
      if (Files.isDirectory(named)) {
        all.remove(named);
        all.add(0, named);
      }
    }
    return all;
  }

  private static List<Path> stepCheckpoints(RunDirectory run) throws IOException {
    List<Path> all = new ArrayList<>();
    if (!Files.isDirectory(run.checkpoints())) {
      return all;
    }
    try (Stream<Path> s = Files.list(run.checkpoints())) {
      s.filter(p -> p.getFileName().toString().startsWith("step-") && Files.isDirectory(p))
          .forEach(all::add);
    }
    return all;
  }

  /**
   * Resolves what a user passes to eval: a checkpoint directory itself (which must be intact), or a
   * run directory (its newest intact checkpoint, with a warning on {@code warnings} for each
   * damaged one skipped).
   */
  public static Path resolve(Path dirOrRun, PrintStream warnings) throws IOException {
    if (!Files.exists(dirOrRun)) {
      throw new IllegalArgumentException(
          dirOrRun
              + " does not exist: pass a run directory (the --out of bin/agent train) or one of its"
              + " checkpoints/step-N directories");
    }
    if (Files.isDirectory(dirOrRun.resolve("learner"))) {
      Optional<String> problem = CheckpointChecksums.verify(dirOrRun);
      if (problem.isPresent()) {
        throw new IllegalArgumentException(
            "checkpoint " + dirOrRun + " is damaged: " + problem.get() + intactHint(dirOrRun));
      }
      return dirOrRun;
    }
    return latestIntact(new RunDirectory(dirOrRun), warnings)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    dirOrRun
                        + " holds no checkpoint: pass a run directory that has"
                        + " checkpoints/step-N (written every checkpointInterval steps and at the"
                        + " end of a run) or one of those directories"));
  }

  /** For a damaged checkpoint inside a run: where the newest intact one of that run is. */
  private static String intactHint(Path checkpoint) {
    Path parent = checkpoint.toAbsolutePath().getParent();
    if (parent == null || !parent.getFileName().toString().equals("checkpoints")) {
      return "";
    }
    try {
      for (Path c : newestFirst(new RunDirectory(parent.getParent()))) {
        if (CheckpointChecksums.verify(c).isEmpty()) {
          return "; the run's newest intact checkpoint is " + c + " (--checkpoint " + c + ")";
        }
      }
    } catch (IOException e) {
      // no hint then; the damage itself is reported
    }
    return "; the run has no intact checkpoint";
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
    keepRowsUpTo(run.evalCsv(), state.globalStep());
    trainer.restore(state, history);
  }

  /** Drops a CSV's rows logged after {@code step}: they belong to the lost tail of a run. */
  private static void keepRowsUpTo(Path csv, long step) throws IOException {
    if (!Files.exists(csv)) {
      return;
    }
    List<String> lines = Files.readAllLines(csv);
    List<String> kept = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (i == 0 || Long.parseLong(lines.get(i).split(",", 2)[0]) <= step) {
        kept.add(lines.get(i));
      }
    }
    RunDirectory.writeAtomically(csv, String.join("\n", kept) + "\n");
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
    List<Path> all = stepCheckpoints(run);
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
