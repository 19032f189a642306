package io.gymbridge.agent.train;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The console progress line (every ~2 s): steps, episodes, the 100-episode mean return, epsilon,
 * loss, throughput and ETA. Also paces learning-curve redraws (every ~10 s).
 */
public final class Progress {
  private final PrintStream out;
  private final long startNanos = System.nanoTime();
  private long lastPrintNanos = startNanos;
  private long lastCurveNanos = startNanos;
  private long stepsAtStart = -1;
  private double stepsPerSecond;
  // The rate over the last print interval, smoothed: what the ETA and the line use, since the
  // average since the start overstates it once learning begins.
  private long lastPrintStep = -1;
  private double recentStepsPerSecond = Double.NaN;
  private long markStep = Long.MAX_VALUE;
  private long markNanos;
  private long markedAt = -1;
  private long lastStep;
  private long lastNanos;

  public Progress(PrintStream out) {
    this.out = out;
  }

  void update(long step, long total, EpisodeLog episodes, double epsilon, double loss) {
    long now = System.nanoTime();
    if (stepsAtStart < 0) {
      stepsAtStart = step;
    }
    if (lastPrintStep < 0) {
      lastPrintStep = step;
    }
    if (markedAt < 0 && step >= markStep) {
      markedAt = step;
      markNanos = now;
    }
    lastStep = step;
    lastNanos = now;
    double elapsed = (now - startNanos) / 1e9;
    stepsPerSecond = elapsed > 0 ? (step - stepsAtStart) / elapsed : 0;
    if (now - lastPrintNanos < 2_000_000_000L) {
      return;
    }
    double window = (step - lastPrintStep) / ((now - lastPrintNanos) / 1e9);
    recentStepsPerSecond =
        Double.isNaN(recentStepsPerSecond) ? window : 0.8 * recentStepsPerSecond + 0.2 * window;
    lastPrintNanos = now;
    lastPrintStep = step;
    double eta = recentStepsPerSecond > 0 ? (total - step) / recentStepsPerSecond : 0;
    out.printf(
        Locale.ROOT,
        "step %,d/%,d (%.0f%%) | episodes %,d | return(100) %.1f | eps %.3f | loss %.4g | %,.0f steps/s | ETA %s%n",
        step,
        total,
        100.0 * step / total,
        episodes.episodes(),
        episodes.meanReturn(),
        epsilon,
        loss,
        recentStepsPerSecond,
        formatSeconds(eta));
  }

  /** Starts timing at the first update at or past {@code step}, for {@link #rateSinceMark()}. */
  public void markAt(long step) {
    markStep = step;
  }

  /** Env steps per second from the marked step to the last update; NaN before the mark. */
  public double rateSinceMark() {
    return markedAt < 0 || lastNanos == markNanos
        ? Double.NaN
        : (lastStep - markedAt) / ((lastNanos - markNanos) / 1e9);
  }

  boolean curveDue() {
    long now = System.nanoTime();
    if (now - lastCurveNanos >= 10_000_000_000L) {
      lastCurveNanos = now;
      return true;
    }
    return false;
  }

  double stepsPerSecond() {
    return stepsPerSecond;
  }

  void evaluation(long step, PolicyEvaluation.Score score, double seconds, boolean best) {
    out.printf(
        Locale.ROOT,
        "eval at step %,d: return %.1f +- %.1f over %d episodes (median %.1f, min %.1f, max %.1f),"
            + " %.1f s%s%n",
        step,
        score.meanReturn(),
        score.stdReturn(),
        score.episodes(),
        score.medianReturn(),
        score.minReturn(),
        score.maxReturn(),
        seconds,
        best ? ", best so far: saved as checkpoints/best" : "");
  }

  void finish(long step, EpisodeLog episodes) {
    out.printf(
        Locale.ROOT,
        "done: %,d steps, %,d episodes, return(100) %.1f, %s%n",
        step,
        episodes.episodes(),
        episodes.meanReturn(),
        formatSeconds((System.nanoTime() - startNanos) / 1e9));
  }

  /** The line of a training stopped before its end, with how to continue it. */
  void stopped(long step, long totalSteps, boolean withReplay, EpisodeLog episodes) {
    out.printf(
        Locale.ROOT,
        "stopped at step %,d of %,d (checkpoint written%s): %,d episodes, return(100) %.1f, %s;"
            + " continue with --resume%n",
        step,
        totalSteps,
        withReplay ? ", replay included" : "",
        episodes.episodes(),
        episodes.meanReturn(),
        formatSeconds((System.nanoTime() - startNanos) / 1e9));
  }

  static String formatSeconds(double s) {
    long t = Math.round(s);
    return t >= 3600
        ? String.format(Locale.ROOT, "%d:%02d:%02d", t / 3600, (t / 60) % 60, t % 60)
        : String.format(Locale.ROOT, "%d:%02d", t / 60, t % 60);
  }
}
