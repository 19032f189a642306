package io.gymbridge.agent.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
    LearningCurve.write(png, "ALE/Pong-v5", points, 300_000, null);
    BufferedImage img = ImageIO.read(png.toFile());
    assertEquals(900, img.getWidth());
    assertEquals(500, img.getHeight());
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
    assertEquals(900, ImageIO.read(run.learningCurvePng().toFile()).getWidth());
  }
}
