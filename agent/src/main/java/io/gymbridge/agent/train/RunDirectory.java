package io.gymbridge.agent.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * The layout of a run directory:
 *
 * <pre>
 * config.json           the full TrainConfig of the run
 * metrics.csv           one row per episode (CleanRL metric names)
 * eval.csv              one row per evaluation during training (evalInterval)
 * learning_curve.png    returns and their 100-episode mean, redrawn as training goes
 * checkpoints/step-N/   learner/ (model, target, optimizer), replay.bin, trainer.json, SHA256SUMS
 * checkpoints/latest    the name of the newest complete checkpoint
 * checkpoints/best/     the checkpoint with the best evaluation score so far, and its eval.json
 * events.out.tfevents.* TensorBoard event files, one per process that trained here (CleanRL tags)
 * </pre>
 *
 * <p>One directory holds one run: a new run refuses a directory that holds another ({@link
 * #createForNewRun}), so two runs' metrics, configs and checkpoints never mix.
 */
public record RunDirectory(Path root) {
  /** The files by which a directory is recognised as holding a run. */
  private static final List<String> RUN_FILES = List.of("config.json", "metrics.csv", "eval.csv");

  /** Creates the layout under an existing run directory or a new one (no checks). */
  public static RunDirectory create(Path root) throws IOException {
    Files.createDirectories(root.resolve("checkpoints"));
    return new RunDirectory(root);
  }

  /**
   * Creates the directory for a new run, refusing one that already holds a run: its metrics would
   * mix with this run's and its checkpoints/latest would move to a model of another run.
   */
  public static RunDirectory createForNewRun(Path root) throws IOException {
    requireNoRun(root);
    return create(root);
  }

  /** Refuses a directory that holds a run, with what to do instead. */
  public static void requireNoRun(Path root) throws IOException {
    RunDirectory dir = new RunDirectory(root);
    if (dir.holdsRun()) {
      throw new IllegalArgumentException(
          root
              + " already holds a run ("
              + dir.describeContents()
              + "): continue it with --resume, or choose another --out");
    }
  }

  /**
   * {@code root}, or the first of {@code root-2}, {@code root-3}, ... that holds no run: for names
   * chosen by the agent (a time of day), where two runs started in the same second must not share.
   */
  public static Path firstFree(Path root) throws IOException {
    Path candidate = root;
    for (int i = 2; new RunDirectory(candidate).holdsRun(); i++) {
      candidate = root.resolveSibling(root.getFileName() + "-" + i);
    }
    return candidate;
  }

  /** Whether the directory holds (part of) a run: a config, metrics or any checkpoint. */
  public boolean holdsRun() throws IOException {
    for (String f : RUN_FILES) {
      if (Files.exists(root.resolve(f))) {
        return true;
      }
    }
    return Files.isDirectory(checkpoints()) && !isEmpty(checkpoints());
  }

  /**
   * Deletes what a run wrote here (config, metrics, curve, checkpoints, TensorBoard events), for a
   * run that starts over in a directory whose earlier attempt died before its first checkpoint.
   * Other files are left alone.
   */
  public void clearRun() throws IOException {
    for (String f : List.of("config.json", "metrics.csv", "eval.csv", "learning_curve.png")) {
      Files.deleteIfExists(root.resolve(f));
    }
    Checkpoints.deleteRecursively(checkpoints());
    if (Files.isDirectory(root)) {
      try (Stream<Path> s = Files.list(root)) {
        for (Path p : s.toList()) {
          if (p.getFileName().toString().startsWith("events.out.tfevents.")) {
            Files.delete(p);
          }
        }
      }
    }
    Files.createDirectories(checkpoints());
  }

  /**
   * Removes what a run that failed before its first step wrote: the whole directory when the run
   * created it, else only the run's files.
   */
  public void discard(boolean createdByThisRun) throws IOException {
    if (createdByThisRun) {
      Checkpoints.deleteRecursively(root);
    } else {
      clearRun();
      Files.deleteIfExists(checkpoints());
    }
  }

  private String describeContents() throws IOException {
    StringBuilder s = new StringBuilder();
    for (String f : RUN_FILES) {
      if (Files.exists(root.resolve(f))) {
        s.append(s.length() > 0 ? ", " : "").append(f);
      }
    }
    long checkpoints = Checkpoints.count(this);
    if (checkpoints > 0) {
      s.append(s.length() > 0 ? ", " : "")
          .append(checkpoints)
          .append(checkpoints == 1 ? " checkpoint" : " checkpoints");
    }
    return s.toString();
  }

  private static boolean isEmpty(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isEmpty();
    }
  }

  public Path configJson() {
    return root.resolve("config.json");
  }

  public Path metricsCsv() {
    return root.resolve("metrics.csv");
  }

  public Path evalCsv() {
    return root.resolve("eval.csv");
  }

  public Path learningCurvePng() {
    return root.resolve("learning_curve.png");
  }

  public Path checkpoints() {
    return root.resolve("checkpoints");
  }

  /** Writes text through a temp file and an atomic rename: readers see old or new, never half. */
  static void writeAtomically(Path file, String text) throws IOException {
    Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
    Files.writeString(tmp, text);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
