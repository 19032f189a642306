package io.gymbridge.agent.train;

import com.google.protobuf.CodedOutputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;

/**
 * A TensorBoard event file in the run directory, {@code events.out.tfevents.<unix-seconds>.<host>},
 * with CleanRL's scalar tags so that {@code tensorboard --logdir runs} shows an agent run's curves
 * beside a CleanRL run's: per finished episode {@code charts/episodic_return} and {@code
 * charts/episodic_length}; every 100 env steps (CleanRL's {@code global_step % 100}) {@code
 * charts/SPS}, {@code charts/epsilon} and, once learning has begun, {@code losses/td_loss} and
 * {@code losses/q_values}. {@link #scalar} adds any other tag.
 *
 * <p>The file is TFRecord-framed ({@link TfRecords}) serialized {@code tensorboard.Event} protos,
 * encoded here field by field: an Event with {@code file_version "brain.Event:2"}, a {@code
 * SessionLog START} at the first step this process will write, then one Event per step written.
 * Buffered, and flushed when a write finds {@value #FLUSH_MILLIS} ms passed since the last flush
 * and on close, so a live TensorBoard follows a running training.
 *
 * <p>Every open writes a new file (TensorBoard merges a directory's event files, read in name
 * order; a name is never older than the directory's newest). On a resume the START at {@code
 * startStep + 1} tells TensorBoard that events an earlier process wrote after the checkpoint are
 * orphans: its Python loader drops every tag's points at or after that step, its fast loader
 * (tensorboard-data-server) drops a tag's points at or after each newly read step of that tag.
 */
public final class TensorBoardLog implements AutoCloseable {
  /** Env steps between rows of the training scalars: CleanRL logs at {@code global_step % 100}. */
  static final long STATS_EVERY_STEPS = 100;

  /** Longest time a written event waits in the buffer, in ms, while writes keep coming. */
  static final long FLUSH_MILLIS = 2_000;

  static final String FILE_PREFIX = "events.out.tfevents.";

  // Field numbers of tensorboard/compat/proto/event.proto and summary.proto (the same as
  // tensorflow/core/util/event.proto and tensorflow/core/framework/summary.proto).
  private static final int EVENT_WALL_TIME = 1; // double
  private static final int EVENT_STEP = 2; // int64
  private static final int EVENT_FILE_VERSION = 3; // string
  private static final int EVENT_SUMMARY = 5; // Summary
  private static final int EVENT_SESSION_LOG = 7; // SessionLog
  private static final int SUMMARY_VALUE = 1; // repeated Summary.Value
  private static final int VALUE_TAG = 1; // string
  private static final int VALUE_SIMPLE_VALUE = 2; // float
  private static final int SESSION_LOG_STATUS = 1; // enum SessionStatus
  private static final int SESSION_STATUS_START = 1;

  private final Path file;
  private final OutputStream out;
  private final Clock clock;
  private final int stepsPerBatch;
  private long lastFlushMillis;
  private long lastEpisodeStep = Long.MIN_VALUE;
  private long lastStatsStep;

  private TensorBoardLog(Path file, OutputStream out, Clock clock, int stepsPerBatch, long start) {
    this.file = file;
    this.out = out;
    this.clock = clock;
    this.stepsPerBatch = stepsPerBatch;
    this.lastStatsStep = start;
    this.lastFlushMillis = clock.millis();
  }

  /**
   * Starts a new event file in {@code dir} for a training that continues after env step {@code
   * startStep} (0 for a fresh one) and takes {@code stepsPerBatch} env steps per batch (its number
   * of envs).
   */
  public static TensorBoardLog open(Path dir, long startStep, int stepsPerBatch)
      throws IOException {
    return open(dir, startStep, stepsPerBatch, Clock.systemUTC(), hostname());
  }

  static TensorBoardLog open(Path dir, long startStep, int stepsPerBatch, Clock clock, String host)
      throws IOException {
    if (stepsPerBatch < 1) {
      throw new IllegalArgumentException("stepsPerBatch must be >= 1, got " + stepsPerBatch);
    }
    long seconds = Math.max(clock.millis() / 1000, newestFileSeconds(dir) + 1);
    Path file = dir.resolve(String.format("%s%010d.%s", FILE_PREFIX, seconds, host));
    OutputStream out =
        new BufferedOutputStream(
            Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
            1 << 16);
    TensorBoardLog log = new TensorBoardLog(file, out, clock, stepsPerBatch, startStep);
    try {
      log.writeEvent(0, c -> c.writeString(EVENT_FILE_VERSION, "brain.Event:2"));
      log.writeEvent(
          startStep + 1,
          c ->
              c.writeByteArray(
                  EVENT_SESSION_LOG,
                  message(s -> s.writeEnum(SESSION_LOG_STATUS, SESSION_STATUS_START))));
      out.flush();
    } catch (IOException | RuntimeException e) {
      out.close();
      throw e;
    }
    return log;
  }

  /** The file this log writes. */
  public Path file() {
    return file;
  }

  /**
   * One finished episode, from the batch of env steps that ended at {@code batchEndStep}. The
   * episodes that end in one batch go to consecutive steps from the batch's first, so each has a
   * step of its own (TensorBoard's fast loader keeps only the last value a tag gets at one step);
   * metrics.csv gives them all the batch's last step.
   */
  synchronized void episode(long batchEndStep, double episodeReturn, long length) {
    long step = Math.max(batchEndStep - stepsPerBatch + 1, lastEpisodeStep + 1);
    lastEpisodeStep = step;
    write(
        step,
        new String[] {"charts/episodic_return", "charts/episodic_length"},
        new double[] {episodeReturn, length});
  }

  /**
   * The training scalars after a batch of env steps, written when {@code step} has passed a
   * multiple of {@value #STATS_EVERY_STEPS} since the last row; the losses only after the first of
   * {@code updates}. Also flushes when due, so call it after every batch.
   */
  synchronized void trainingStats(
      long step, long updates, double epsilon, double loss, double meanQ, double stepsPerSecond) {
    if (step / STATS_EVERY_STEPS > lastStatsStep / STATS_EVERY_STEPS) {
      lastStatsStep = step;
      if (updates > 0) {
        write(
            step,
            new String[] {"losses/td_loss", "losses/q_values", "charts/SPS", "charts/epsilon"},
            new double[] {loss, meanQ, stepsPerSecond, epsilon});
      } else {
        write(
            step,
            new String[] {"charts/SPS", "charts/epsilon"},
            new double[] {stepsPerSecond, epsilon});
      }
    }
    flushIfDue();
  }

  /**
   * Writes {@code value} (stored as a float, TensorBoard's {@code simple_value}) under {@code tag}
   * at env step {@code step}, e.g. {@code eval/episodic_return}. A tag's steps should increase: a
   * step at or before one the tag already has replaces those points in TensorBoard's fast loader.
   */
  public synchronized void scalar(String tag, long step, double value) {
    write(step, new String[] {tag}, new double[] {value});
  }

  /** Writes out what is buffered. */
  public synchronized void flush() {
    try {
      out.flush();
      lastFlushMillis = clock.millis();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public synchronized void close() throws IOException {
    out.close();
  }

  private void write(long step, String[] tags, double[] values) {
    try {
      writeEvent(
          step,
          c -> {
            byte[] summary =
                message(
                    s -> {
                      for (int i = 0; i < tags.length; i++) {
                        String tag = tags[i];
                        float value = (float) values[i];
                        s.writeByteArray(
                            SUMMARY_VALUE,
                            message(
                                v -> {
                                  v.writeString(VALUE_TAG, tag);
                                  v.writeFloat(VALUE_SIMPLE_VALUE, value);
                                }));
                      }
                    });
            c.writeByteArray(EVENT_SUMMARY, summary);
          });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    flushIfDue();
  }

  private void flushIfDue() {
    if (clock.millis() - lastFlushMillis >= FLUSH_MILLIS) {
      flush();
    }
  }

  /** An Event: wall time, step, then {@code what} (one field of its oneof). */
  private void writeEvent(long step, Fields what) throws IOException {
    double wallTime = clock.millis() / 1000.0;
    TfRecords.write(
        out,
        message(
            c -> {
              c.writeDouble(EVENT_WALL_TIME, wallTime);
              c.writeInt64(EVENT_STEP, step);
              what.writeTo(c);
            }));
  }

  /** Fields written to a protobuf message. */
  private interface Fields {
    void writeTo(CodedOutputStream out) throws IOException;
  }

  /** The serialized bytes of a message; nested in another as a length-delimited field. */
  private static byte[] message(Fields fields) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream coded = CodedOutputStream.newInstance(bytes);
    fields.writeTo(coded);
    coded.flush();
    return bytes.toByteArray();
  }

  /** The seconds in the name of the directory's newest event file; -1 when there is none. */
  private static long newestFileSeconds(Path dir) throws IOException {
    long newest = -1;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, FILE_PREFIX + "*")) {
      for (Path f : files) {
        String rest = f.getFileName().toString().substring(FILE_PREFIX.length());
        int dot = rest.indexOf('.');
        try {
          newest = Math.max(newest, Long.parseLong(dot < 0 ? rest : rest.substring(0, dot)));
        } catch (NumberFormatException e) {
          // Not a name this class writes; TensorBoard orders it by name all the same.
        }
      }
    }
    return newest;
  }

  /** This machine's name, as TensorFlow puts it in event file names, reduced to safe characters. */
  static String hostname() {
    String host = System.getenv("HOSTNAME");
    if (host == null || host.isBlank()) {
      try {
        host = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
      } catch (IOException | RuntimeException e) {
        host = null;
      }
    }
    if (host == null || host.isBlank()) {
      try {
        host = InetAddress.getLocalHost().getHostName();
      } catch (IOException e) {
        host = "localhost";
      }
    }
    return host.replaceAll("[^A-Za-z0-9._-]", "_");
  }
}
