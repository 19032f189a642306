package io.gymbridge.agent.train;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
}
