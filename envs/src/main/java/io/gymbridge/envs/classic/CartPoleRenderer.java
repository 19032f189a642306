package io.gymbridge.envs.classic;

import io.gymbridge.envs.RgbFrame;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;

/**
 * Draws CartPole's 600x400 rgb_array frame with the geometry and colours of Gymnasium's pygame
 * renderer (cart, pole, axle, track). Pixels are close to Gymnasium's, not identical: pygame's
 * gfxdraw anti-aliasing is its own.
 */
final class CartPoleRenderer {
  static final int WIDTH = 600;
  static final int HEIGHT = 400;
  private static final Color POLE = new Color(202, 152, 101);
  private static final Color AXLE = new Color(129, 132, 203);

  private final double scale;
  private final double poleLength;

  CartPoleRenderer(double xThreshold, double halfPoleLength) {
    this.scale = WIDTH / (xThreshold * 2);
    this.poleLength = scale * (2 * halfPoleLength);
  }

  RgbFrame render(double x, double theta) {
    BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = img.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, WIDTH, HEIGHT);
      // pygame draws with y up and flips the surface at the end; Java2D's y is down, so flip here.
      g.translate(0, HEIGHT);
      g.scale(1, -1);

      double poleWidth = 10.0;
      double cartWidth = 50.0;
      double cartHeight = 30.0;
      double axleOffset = cartHeight / 4.0;
      double cartX = x * scale + WIDTH / 2.0;
      double cartY = 100;

      g.setColor(Color.BLACK);
      g.fill(rect(cartX - cartWidth / 2, cartY - cartHeight / 2, cartWidth, cartHeight));

      Path2D pole = new Path2D.Double();
      double[][] corners = {
        {-poleWidth / 2, -poleWidth / 2},
        {-poleWidth / 2, poleLength - poleWidth / 2},
        {poleWidth / 2, poleLength - poleWidth / 2},
        {poleWidth / 2, -poleWidth / 2}
      };
      for (int i = 0; i < corners.length; i++) {
        // Rotate by -theta, as pygame's Vector2.rotate_rad(-x[2]).
        double cx = corners[i][0] * Math.cos(-theta) - corners[i][1] * Math.sin(-theta);
        double cy = corners[i][0] * Math.sin(-theta) + corners[i][1] * Math.cos(-theta);
        if (i == 0) {
          pole.moveTo(cx + cartX, cy + cartY + axleOffset);
        } else {
          pole.lineTo(cx + cartX, cy + cartY + axleOffset);
        }
      }
      pole.closePath();
      g.setColor(POLE);
      g.fill(pole);

      g.setColor(AXLE);
      double r = poleWidth / 2;
      g.fill(new Ellipse2D.Double((int) cartX - r, (int) (cartY + axleOffset) - r, 2 * r, 2 * r));

      g.setColor(Color.BLACK);
      g.setStroke(new BasicStroke(1f));
      g.draw(new Line2D.Double(0, cartY, WIDTH, cartY));
    } finally {
      g.dispose();
    }
    byte[] bgr = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
    byte[] rgb = new byte[bgr.length];
    for (int i = 0; i < bgr.length; i += 3) {
      rgb[i] = bgr[i + 2];
      rgb[i + 1] = bgr[i + 1];
      rgb[i + 2] = bgr[i];
    }
    return new RgbFrame(HEIGHT, WIDTH, rgb);
  }

  private static java.awt.geom.Rectangle2D rect(double x, double y, double w, double h) {
    return new java.awt.geom.Rectangle2D.Double(x, y, w, h);
  }
}
