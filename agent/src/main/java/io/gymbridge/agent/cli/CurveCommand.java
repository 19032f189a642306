package io.gymbridge.agent.cli;

import io.gymbridge.agent.train.LearningCurve;
import io.gymbridge.agent.train.RunDirectory;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bin/agent curve RUN_DIR}: redraws a run's learning_curve.png from its metrics.csv and
 * eval.csv.
 */
@Command(
    name = "curve",
    mixinStandardHelpOptions = true,
    header = "Redraw a run's learning_curve.png from its metrics.csv.",
    description =
        "Reads RUN_DIR/metrics.csv, RUN_DIR/eval.csv (if the run evaluated during training) and"
            + " RUN_DIR/config.json and writes RUN_DIR/learning_curve.png (train redraws it every"
            + " 10 s while it runs).")
public final class CurveCommand implements Callable<Integer> {
  @Parameters(paramLabel = "RUN_DIR", description = "A run directory (train's --out).")
  Path dir;

  @Option(
      names = "--threshold",
      paramLabel = "RETURN",
      description = "Draw this return as a dashed 'solved' line (default: none).")
  Double threshold;

  @Override
  public Integer call() throws Exception {
    RunDirectory run = new RunDirectory(dir);
    int episodes = LearningCurve.redraw(run, threshold);
    System.out.println(run.learningCurvePng() + ": " + episodes + " episodes");
    return 0;
  }
}
