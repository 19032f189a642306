package io.gymbridge.agent.train;

import static io.gymbridge.agent.train.EpisodeTracker.Step.EPISODE_END;
import static io.gymbridge.agent.train.EpisodeTracker.Step.EPISODE_START;
import static io.gymbridge.agent.train.EpisodeTracker.Step.TRANSITION;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gymbridge.client.StepBatch;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class EpisodeTrackerTest {
  /** One env's entry: its reward and flags ("" none, "term", "trunc", "restart"). */
  private static StepBatch one(double reward, String flag) {
    double[] noRecord = {Double.NaN};
    return new StepBatch(
        new float[1],
        null,
        new double[] {reward},
        new boolean[] {flag.equals("term")},
        new boolean[] {flag.equals("trunc")},
        new boolean[] {flag.equals("restart")},
        noRecord,
        new long[1]);
  }

  @Test
  void sumsAnEpisodeAndSkipsTheAutoresetStepAfterIt() {
    EpisodeTracker t = new EpisodeTracker(1);
    assertEquals(TRANSITION, t.observe(one(1, ""), 0));
    assertEquals(TRANSITION, t.observe(one(2, ""), 0));
    assertEquals(EPISODE_END, t.observe(one(0.5, "term"), 0));
    assertEquals(3.5, t.episodeReturn(0));
    assertEquals(3, t.episodeLength(0));
    // NEXT_STEP autoreset: the reset observation, whatever reward it carries, is no transition.
    assertEquals(EPISODE_START, t.observe(one(7, ""), 0));
    assertEquals(0, t.episodeReturn(0));
    assertEquals(0, t.episodeLength(0));
    assertEquals(TRANSITION, t.observe(one(1, ""), 0));
    assertEquals(EPISODE_END, t.observe(one(1, "trunc"), 0));
    assertEquals(2, t.episodeReturn(0));
    assertEquals(2, t.episodeLength(0));
  }

  @Test
  void aRestartDropsThePartialEpisode() {
    EpisodeTracker t = new EpisodeTracker(1);
    t.observe(one(1, ""), 0);
    t.observe(one(1, ""), 0);
    assertEquals(EPISODE_START, t.observe(one(5, "restart"), 0));
    assertEquals(0, t.episodeReturn(0));
    assertEquals(TRANSITION, t.observe(one(1, ""), 0));
    assertEquals(EPISODE_END, t.observe(one(1, "term"), 0));
    assertEquals(2, t.episodeReturn(0));
    assertEquals(2, t.episodeLength(0));
  }

  @Test
  void aRestartRightAfterAnEndIsOneEpisodeStart() {
    EpisodeTracker t = new EpisodeTracker(1);
    assertEquals(EPISODE_END, t.observe(one(1, "term"), 0));
    assertEquals(EPISODE_START, t.observe(one(0, "restart"), 0));
    assertEquals(TRANSITION, t.observe(one(1, ""), 0));
  }

  @Test
  void envsAreTrackedApart() {
    EpisodeTracker t = new EpisodeTracker(2);
    StepBatch b =
        new StepBatch(
            new float[2],
            null,
            new double[] {1, 10},
            new boolean[] {true, false},
            new boolean[2],
            new boolean[2],
            new double[] {Double.NaN, Double.NaN},
            new long[2]);
    assertEquals(EPISODE_END, t.observe(b, 0));
    assertEquals(TRANSITION, t.observe(b, 1));
    boolean[] none = new boolean[2];
    StepBatch c =
        new StepBatch(
            new float[2], null, new double[] {0, 10}, none, none, none, new double[2], new long[2]);
    assertEquals(EPISODE_START, t.observe(c, 0));
    assertEquals(TRANSITION, t.observe(c, 1));
    assertEquals(
        "[0.0, 20.0]", Arrays.toString(new double[] {t.episodeReturn(0), t.episodeReturn(1)}));
    assertEquals(2, t.episodeLength(1));
  }
}
