package io.gymbridge.agent.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.IntPredicate;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LearningCurveTest {
  @Test
  void returnTicksAreRoundNumbers() {
    assertEquals(5, LearningCurve.niceStep(2.6)); // Breakout's 0..13: 0, 5, 10, 15
    assertEquals(10, LearningCurve.niceStep(8.4)); // Pong's -21..21
    assertEquals(100, LearningCurve.niceStep(100)); // CartPole's 0..550
    assertEquals(0.5, LearningCurve.niceStep(0.22), 1e-12);
    assertEquals(2, LearningCurve.niceStep(1.3));
    assertEquals(1, LearningCurve.niceStep(0));
  }

  @Test
  void drawsNegativeAndPositiveScoresIntoAPng(@TempDir Path dir) throws Exception {
    List<LearningCurve.Point> points = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      points.add(new LearningCurve.Point(1000L * i, -21 + (i % 43)));
    }
    Path png = dir.resolve("curve.png");
    LearningCurve.write(png, "ALE/Pong-v5", points, List.of(), 300_000, null);
    BufferedImage img = ImageIO.read(png.toFile());
    assertEquals(900, img.getWidth());
    assertEquals(500, img.getHeight());
  }

  // The plot's frame: x 70..880, y 40..450 (return 0 at the bottom); the legend's two lines sit in
  // its top 36 rows. With threshold 20 the return axis runs 0..25, so y(v) = 450 - 410 * v / 25.
  private static final int PLOT_TOP = 40 + 36;

  private static BufferedImage draw(Path dir, List<LearningCurve.Point> points) throws Exception {
    return draw(dir, points, List.of());
  }

  private static BufferedImage draw(
      Path dir, List<LearningCurve.Point> points, List<LearningCurve.Evaluation> evaluations)
      throws Exception {
    Path png = dir.resolve("c" + System.nanoTime() + ".png");
    LearningCurve.write(png, "CartPole-v1", points, evaluations, 300_000, 20.0);
    return ImageIO.read(png.toFile());
  }

  /** The rows inside the plot, below its legend, holding a pixel that {@code colour} accepts. */
  private static SortedSet<Integer> rows(BufferedImage img, IntPredicate colour) {
    SortedSet<Integer> rows = new TreeSet<>();
    for (int y = PLOT_TOP; y < 449; y++) {
      for (int x = 72; x < 879; x++) {
        if (colour.test(img.getRGB(x, y) & 0xFFFFFF)) {
          rows.add(y);
        }
      }
    }
    return rows;
  }

  /** The mean curve's blue (30, 90, 200), also where antialiasing blends it with white. */
  private static boolean blue(int rgb) {
    int r = rgb >> 16 & 0xFF;
    int b = rgb & 0xFF;
    return b > 150 && b - r > 60;
  }

  /** An episode's dot: grey (160, 160, 160). */
  private static boolean dot(int rgb) {
    return rgb == 0xA0A0A0;
  }

  /** An evaluation's orange (230, 120, 0), not where antialiasing blends it with white. */
  private static boolean orange(int rgb) {
    int r = rgb >> 16 & 0xFF;
    int g = rgb >> 8 & 0xFF;
    int b = rgb & 0xFF;
    return r > 200 && g > 90 && g < 160 && b < 60;
  }

  /** The columns of one row inside the plot holding a pixel that {@code colour} accepts. */
  private static SortedSet<Integer> columns(BufferedImage img, int y, IntPredicate colour) {
    SortedSet<Integer> columns = new TreeSet<>();
    for (int x = 72; x < 879; x++) {
      if (colour.test(img.getRGB(x, y) & 0xFFFFFF)) {
        columns.add(x);
      }
    }
    return columns;
  }

  private static List<LearningCurve.Point> returns(double... cycle) {
    List<LearningCurve.Point> points = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      points.add(new LearningCurve.Point(1000L * i, cycle[i % cycle.length]));
    }
    return points;
  }

  @Test
  void theMeanCurveAndTheDotsAreDrawnAtTheirReturns(@TempDir Path dir) throws Exception {
    SortedSet<Integer> five = rows(draw(dir, returns(5)), LearningCurveTest::blue);
    SortedSet<Integer> fifteen = rows(draw(dir, returns(15)), LearningCurveTest::blue);
    // A flat mean: a band of a few rows around y(5) = 368, and around y(15) = 204.
    assertTrue(!five.isEmpty() && five.first() >= 364 && five.last() <= 372, five::toString);
    assertTrue(
        !fifteen.isEmpty() && fifteen.first() >= 200 && fifteen.last() <= 208, fifteen::toString);
    // Returns alternating 2 and 8: a dot for each episode, at y(2) = 417 and y(8) = 318.
    BufferedImage alternating = draw(dir, returns(2, 8));
    SortedSet<Integer> dots = rows(alternating, LearningCurveTest::dot);
    assertTrue(dots.contains(417) && dots.contains(318), dots::toString);
  }

  @Test
  void anEvaluationIsABarFromItsLowestToItsHighestReturnWithADiscAtItsMean(@TempDir Path dir)
      throws Exception {
    // At step 150,000 (x = 70 + 810 / 2 = 475): min 5, mean 10, max 15, so y 368, 286 and 204.
    BufferedImage img =
        draw(dir, returns(2), List.of(new LearningCurve.Evaluation(150_000, 10, 5, 15)));
    SortedSet<Integer> bar = rows(img, LearningCurveTest::orange);
    assertTrue(bar.first() >= 202 && bar.first() <= 206, bar::toString);
    assertTrue(bar.last() >= 366 && bar.last() <= 370, bar::toString);
    for (int y : bar) {
      SortedSet<Integer> at = columns(img, y, LearningCurveTest::orange);
      assertTrue(at.first() >= 470 && at.last() <= 480, () -> "row " + y + ": " + at);
    }
    // The disc is wider than the bar; the caps as wide as the disc.
    int disc = columns(img, 286, LearningCurveTest::orange).size();
    int barOnly = columns(img, 250, LearningCurveTest::orange).size();
    assertTrue(disc >= 7 && barOnly <= 3, () -> "disc " + disc + ", bar " + barOnly);
    // No evaluations: nothing orange anywhere, legend included.
    assertEquals(Set.of(), rows(draw(dir, returns(2)), LearningCurveTest::orange));
  }

  @Test
  void theReturnAxisMakesRoomForAnEvaluationsHighestGame(@TempDir Path dir) throws Exception {
    // Episodes up to 8 and threshold 20 would give an axis of 0..25; a game of 45 widens it to
    // 0..50, so the mean curve at 8 moves from y(8) = 319 on 0..25 to 450 - 410 * 8 / 50 = 384.
    BufferedImage img =
        draw(dir, returns(8), List.of(new LearningCurve.Evaluation(200_000, 30, 12, 45)));
    SortedSet<Integer> mean = rows(img, LearningCurveTest::blue);
    assertTrue(mean.first() >= 380 && mean.last() <= 388, mean::toString);
    SortedSet<Integer> bar = rows(img, LearningCurveTest::orange);
    // y(45) = 81 and y(12) = 352.
    assertTrue(bar.first() >= 79 && bar.last() <= 354 && bar.last() >= 350, bar::toString);
  }

  @Test
  void anEmptyHistoryDrawsNoCurveAndNoDots(@TempDir Path dir) throws Exception {
    BufferedImage empty = draw(dir, List.of());
    assertEquals(Set.of(), rows(empty, LearningCurveTest::blue));
    assertEquals(Set.of(), rows(empty, LearningCurveTest::dot));
  }

  @Test
  void redrawsARunsCurveFromItsMetrics(@TempDir Path dir) throws Exception {
    RunDirectory run = RunDirectory.create(dir);
    java.nio.file.Files.writeString(
        run.configJson(), ConfigLoader.toJson(new ConfigLoader().build()));
    StringBuilder csv = new StringBuilder(MetricsCsv.HEADER).append("\n");
    for (int i = 1; i <= 120; i++) {
      csv.append(i * 100)
          .append(',')
          .append(i)
          .append(',')
          .append(i % 30)
          .append(".0,")
          .append(i % 30)
          .append(",0.5,0.1,1.0,100.0,1.0\n");
    }
    java.nio.file.Files.writeString(run.metricsCsv(), csv.toString());
    assertEquals(120, LearningCurve.redraw(run, 475.0));
    BufferedImage withoutEval = ImageIO.read(run.learningCurvePng().toFile());
    assertEquals(900, withoutEval.getWidth());
    assertEquals(Set.of(), rows(withoutEval, LearningCurveTest::orange));
    // eval.csv's rows, as training appends them, come onto the redrawn curve.
    EvalCsv.append(
        run.evalCsv(), 6_000, new PolicyEvaluation.Score(10, 20, 4, 21, 12, 28, 300), 1.5, 60);
    EvalCsv.append(
        run.evalCsv(), 12_000, new PolicyEvaluation.Score(10, 25, 2, 25, 20, 29, 320), 1.5, 120);
    assertEquals(
        List.of(
            new LearningCurve.Evaluation(6_000, 20, 12, 28),
            new LearningCurve.Evaluation(12_000, 25, 20, 29)),
        EvalCsv.read(run.evalCsv()));
    LearningCurve.redraw(run, 475.0);
    BufferedImage withEval = ImageIO.read(run.learningCurvePng().toFile());
    assertTrue(!rows(withEval, LearningCurveTest::orange).isEmpty());
  }
}
