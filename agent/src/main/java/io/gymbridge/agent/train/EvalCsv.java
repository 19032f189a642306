package io.gymbridge.agent.train;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** eval.csv: one row per evaluation during training. Appends on resume, like metrics.csv. */
final class EvalCsv {
  static final String HEADER =
      "global_step,episodes,eval/episodic_return,std_return,median_return,min_return,max_return,"
          + "eval/episodic_length,eval_seconds,wall_seconds";

  private EvalCsv() {}

  static void append(
      Path file, long step, PolicyEvaluation.Score s, double evalSeconds, double wallSeconds)
      throws IOException {
    StringBuilder text = new StringBuilder();
    if (!Files.exists(file) || Files.size(file) == 0) {
      text.append(HEADER).append('\n');
    }
    text.append(
        String.format(
            Locale.ROOT,
            "%d,%d,%.4f,%.4f,%.4f,%.4f,%.4f,%.2f,%.2f,%.3f%n",
            step,
            s.episodes(),
            s.meanReturn(),
            s.stdReturn(),
            s.medianReturn(),
            s.minReturn(),
            s.maxReturn(),
            s.meanLength(),
            evalSeconds,
            wallSeconds));
    Files.writeString(
        file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  /**
   * The evaluations a run's eval.csv holds, for its learning curve; none when there is no file (a
   * run without evaluation during training).
   */
  static List<LearningCurve.Evaluation> read(Path file) throws IOException {
    List<LearningCurve.Evaluation> rows = new ArrayList<>();
    if (!Files.exists(file)) {
      return rows;
    }
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.split(",");
      rows.add(
          new LearningCurve.Evaluation(
              Long.parseLong(f[0]),
              Double.parseDouble(f[2]),
              Double.parseDouble(f[5]),
              Double.parseDouble(f[6])));
    }
    return rows;
  }
}
