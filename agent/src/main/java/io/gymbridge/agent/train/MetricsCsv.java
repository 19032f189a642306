package io.gymbridge.agent.train;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * metrics.csv: one row per finished episode, with CleanRL's metric names. Appends on resume, so a
 * resumed run keeps one continuous file. Flushed every row: a crash loses nothing written.
 */
final class MetricsCsv implements AutoCloseable {
  static final String HEADER =
      "global_step,episode,charts/episodic_return,charts/episodic_length,charts/epsilon,"
          + "losses/td_loss,losses/q_values,charts/SPS,wall_seconds";

  private final BufferedWriter out;

  MetricsCsv(Path file) throws IOException {
    boolean fresh = !Files.exists(file) || Files.size(file) == 0;
    out =
        Files.newBufferedWriter(
            file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    if (fresh) {
      out.write(HEADER);
      out.newLine();
      out.flush();
    }
  }

  void episode(
      long step,
      long episode,
      double ret,
      long length,
      double epsilon,
      double loss,
      double q,
      double sps,
      double wallSeconds) {
    try {
      out.write(
          String.format(
              Locale.ROOT,
              "%d,%d,%.4f,%d,%.5f,%.6g,%.6g,%.1f,%.3f",
              step,
              episode,
              ret,
              length,
              epsilon,
              loss,
              q,
              sps,
              wallSeconds));
      out.newLine();
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
