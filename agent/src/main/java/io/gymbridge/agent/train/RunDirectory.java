package io.gymbridge.agent.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The layout of a run directory:
 *
 * <pre>
 * config.json           the full TrainConfig of the run
 * metrics.csv           one row per episode (CleanRL metric names)
 * learning_curve.png    returns and their 100-episode mean, redrawn as training goes
 * checkpoints/step-N/   learner/ (model, target, optimizer), replay.bin, trainer.json
 * checkpoints/latest    the name of the newest complete checkpoint
 * </pre>
 */
public record RunDirectory(Path root) {
  public static RunDirectory create(Path root) throws IOException {
    Files.createDirectories(root.resolve("checkpoints"));
    return new RunDirectory(root);
  }

  public Path configJson() {
    return root.resolve("config.json");
  }

  public Path metricsCsv() {
    return root.resolve("metrics.csv");
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
