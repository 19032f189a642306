package io.gymbridge.agent.cli;

import io.gymbridge.agent.train.LearningCurve;
import io.gymbridge.agent.train.RunDirectory;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bin/agent curve RUN_DIR}: redraws a run's learning_curve.png from its metrics.csv. */
@Command(
    name = "curve",
    mixinStandardHelpOptions = true,
    description = "Redraw RUN_DIR/learning_curve.png from RUN_DIR/metrics.csv and config.json.")
public final class CurveCommand implements Callable<Integer> {
  @Parameters(paramLabel = "RUN_DIR", description = "A run directory.")
  Path dir;

  @Option(names = "--threshold", description = "Draw this return as the 'solved' line.")
  Double threshold;

  @Override
  public Integer call() throws Exception {
    RunDirectory run = new RunDirectory(dir);
    int episodes = LearningCurve.redraw(run, threshold);
    System.out.println(run.learningCurvePng() + ": " + episodes + " episodes");
    return 0;
  }
}
