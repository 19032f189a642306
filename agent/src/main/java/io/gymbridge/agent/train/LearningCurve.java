package io.gymbridge.agent.train;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Draws learning_curve.png: every episode's return against the env step it ended at (grey dots),
 * the mean of the last 100 episodes (blue line), the evaluations during training (orange: the mean
 * return, a bar from the lowest to the highest), and the env's reward threshold dashed. Plain
 * Java2D, so the agent needs no plotting library; written atomically so a viewer never reads half a
 * file.
 */
public final class LearningCurve {
  private static final int W = 900;
  private static final int H = 500;
  private static final int LEFT = 70;
  private static final int RIGHT = 20;
  private static final int TOP = 40;
  private static final int BOTTOM = 50;
  private static final Color EVALUATION = new Color(230, 120, 0);

  private LearningCurve() {}

  /** One finished episode. */
  record Point(long step, double episodeReturn) {}

  /** One evaluation during training (a row of eval.csv): its mean, lowest and highest return. */
  record Evaluation(long step, double meanReturn, double minReturn, double maxReturn) {}

  /**
   * Redraws a run's learning_curve.png from its metrics.csv, eval.csv and config.json, e.g. for a
   * run copied off a server or one written by an older version; returns the number of episodes
   * drawn.
   */
  public static int redraw(RunDirectory run, Double threshold) throws IOException {
    TrainConfig config = ConfigLoader.read(run.configJson());
    List<Point> points = new ArrayList<>();
    List<String> lines = Files.readAllLines(run.metricsCsv());
    for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
      String[] f = line.split(",");
      points.add(new Point(Long.parseLong(f[0]), Double.parseDouble(f[2])));
    }
    write(
        run.learningCurvePng(),
        config.envId() + " DQN, seed " + config.seed(),
        points,
        EvalCsv.read(run.evalCsv()),
        config.totalSteps(),
        threshold);
    return points.size();
  }

  static void write(
      Path png,
      String title,
      List<Point> points,
      List<Evaluation> evaluations,
      long totalSteps,
      Double threshold)
      throws IOException {
    BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, W, H);
      double minY = 0;
      double maxY = threshold != null ? threshold * 1.1 : 1;
      for (Point p : points) {
        minY = Math.min(minY, p.episodeReturn());
        maxY = Math.max(maxY, p.episodeReturn());
      }
      for (Evaluation e : evaluations) {
        minY = Math.min(minY, e.minReturn());
        maxY = Math.max(maxY, e.maxReturn());
      }
      double maxX =
          Math.max(totalSteps, points.isEmpty() ? 1 : points.get(points.size() - 1).step());
      for (Evaluation e : evaluations) {
        maxX = Math.max(maxX, e.step());
      }
      // Round numbers on the return axis (Atari scores are integers: ticks at 2.6 or 5.2 would
      // put the score-1 row under no label), the range widened to whole ticks.
      double yStep = niceStep((maxY - minY) / 5);
      minY = Math.floor(minY / yStep) * yStep;
      maxY = Math.ceil(maxY / yStep) * yStep;
      Axes axes = new Axes(maxX, minY, maxY);

      g.setColor(Color.BLACK);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
      g.drawString(title, LEFT, 25);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
      g.drawRect(LEFT, TOP, W - LEFT - RIGHT, H - TOP - BOTTOM);
      for (int i = 0; i <= 5; i++) {
        double x = maxX * i / 5;
        g.drawString(String.format(Locale.ROOT, "%,.0f", x), (int) axes.x(x) - 15, H - BOTTOM + 18);
      }
      String yFormat = yStep >= 1 ? "%.0f" : yStep >= 0.1 ? "%.1f" : "%.2f";
      for (double y = minY; y <= maxY + yStep / 2; y += yStep) {
        g.drawString(String.format(Locale.ROOT, yFormat, y), 10, (int) axes.y(y) + 4);
      }
      g.drawString("env steps", W / 2 - 25, H - 12);
      g.drawString("episodic return", LEFT + 5, TOP + 15);

      if (threshold != null) {
        g.setColor(new Color(200, 60, 60));
        g.setStroke(
            new BasicStroke(
                1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 6f}, 0f));
        g.drawLine(LEFT, (int) axes.y(threshold), W - RIGHT, (int) axes.y(threshold));
        g.drawString("threshold " + threshold, W - RIGHT - 110, (int) axes.y(threshold) - 5);
      }
      g.setStroke(new BasicStroke(1f));
      g.setColor(new Color(160, 160, 160));
      for (Point p : points) {
        g.fillOval((int) axes.x(p.step()) - 1, (int) axes.y(p.episodeReturn()) - 1, 3, 3);
      }
      g.setColor(new Color(30, 90, 200));
      g.setStroke(new BasicStroke(2f));
      Path2D line = new Path2D.Double();
      double sum = 0;
      for (int i = 0; i < points.size(); i++) {
        sum += points.get(i).episodeReturn();
        if (i >= 100) {
          sum -= points.get(i - 100).episodeReturn();
        }
        double mean = sum / Math.min(i + 1, 100);
        double x = axes.x(points.get(i).step());
        if (i == 0) {
          line.moveTo(x, axes.y(mean));
        } else {
          line.lineTo(x, axes.y(mean));
        }
      }
      g.draw(line);
      g.drawString("mean of last 100", W - RIGHT - 110, TOP + 15);
      drawEvaluations(g, axes, evaluations);
    } finally {
      g.dispose();
    }
    Path tmp = png.resolveSibling(png.getFileName() + ".tmp");
    ImageIO.write(img, "png", tmp.toFile());
    Files.move(tmp, png, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Each evaluation as a bar from its lowest to its highest return and a disc at its mean. */
  private static void drawEvaluations(Graphics2D g, Axes axes, List<Evaluation> evaluations) {
    if (evaluations.isEmpty()) {
      return;
    }
    g.setColor(EVALUATION);
    g.setStroke(new BasicStroke(1.5f));
    for (Evaluation e : evaluations) {
      int x = (int) Math.round(axes.x(e.step()));
      int low = (int) Math.round(axes.y(e.minReturn()));
      int high = (int) Math.round(axes.y(e.maxReturn()));
      g.drawLine(x, low, x, high);
      g.drawLine(x - 4, low, x + 4, low);
      g.drawLine(x - 4, high, x + 4, high);
      int mean = (int) Math.round(axes.y(e.meanReturn()));
      g.fillOval(x - 4, mean - 4, 9, 9);
    }
    g.drawString("evaluation: mean, min to max", W - RIGHT - 170, TOP + 30);
  }

  /** The 1, 2 or 5 times a power of ten nearest above {@code raw} (a tick spacing). */
  static double niceStep(double raw) {
    if (!(raw > 0)) {
      return 1;
    }
    double power = Math.pow(10, Math.floor(Math.log10(raw)));
    double m = raw / power;
    return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * power;
  }

  private record Axes(double maxX, double minY, double maxY) {
    double x(double v) {
      return LEFT + (W - LEFT - RIGHT) * v / maxX;
    }

    double y(double v) {
      double span = maxY - minY == 0 ? 1 : maxY - minY;
      return H - BOTTOM - (H - TOP - BOTTOM) * (v - minY) / span;
    }
  }
}
