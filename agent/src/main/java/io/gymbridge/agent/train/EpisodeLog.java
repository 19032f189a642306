package io.gymbridge.agent.train;

import java.util.ArrayList;
import java.util.List;

/**
 * Finished episodes in order: the learning curve's points, the mean of the last 100 returns, and
 * the first moment that mean reached the env's reward threshold ("solved").
 */
final class EpisodeLog {
  static final int WINDOW = 100;

  private final List<LearningCurve.Point> points = new ArrayList<>();
  private double windowSum;
  private long solvedAtStep = -1;
  private double solvedAtSeconds = -1;

  void add(long step, double episodeReturn, double wallSeconds, Double threshold) {
    points.add(new LearningCurve.Point(step, episodeReturn));
    windowSum += episodeReturn;
    if (points.size() > WINDOW) {
      windowSum -= points.get(points.size() - 1 - WINDOW).episodeReturn();
    }
    if (solvedAtStep < 0
        && threshold != null
        && points.size() >= WINDOW
        && meanReturn() >= threshold) {
      solvedAtStep = step;
      solvedAtSeconds = wallSeconds;
    }
  }

  /** Mean return of the last 100 episodes (fewer at the start); NaN before the first. */
  double meanReturn() {
    return points.isEmpty() ? Double.NaN : windowSum / Math.min(points.size(), WINDOW);
  }

  long episodes() {
    return points.size();
  }

  List<LearningCurve.Point> points() {
    return points;
  }

  /** Env step at which the 100-episode mean first reached the threshold, or -1. */
  long solvedAtStep() {
    return solvedAtStep;
  }

  double solvedAtSeconds() {
    return solvedAtSeconds;
  }

  void restoreSolved(long step, double seconds) {
    solvedAtStep = step;
    solvedAtSeconds = seconds;
  }
}
