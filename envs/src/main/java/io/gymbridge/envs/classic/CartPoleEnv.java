package io.gymbridge.envs.classic;

import io.gymbridge.codec.InvalidValueException;
import io.gymbridge.codec.Spaces;
import io.gymbridge.envs.Args;
import io.gymbridge.envs.Env;
import io.gymbridge.envs.EnvRandom;
import io.gymbridge.envs.ResetNeededException;
import io.gymbridge.envs.RgbFrame;
import io.gymbridge.envs.Transition;
import io.gymbridge.random.NumpyGenerator;
import io.gymbridge.v1.Space;
import io.gymbridge.v1.Value;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Set;

/**
 * The cart-pole of Barto, Sutton and Anderson (1983), bit for bit as Gymnasium 1.3.0's CartPoleEnv.
 *
 * <h2>Description</h2>
 *
 * A pole is attached by an un-actuated joint to a cart that moves along a frictionless track. The
 * pole starts upright; the goal is to keep it upright by pushing the cart left or right.
 *
 * <h2>Action space</h2>
 *
 * {@code Discrete(2)}: 0 pushes the cart to the left, 1 to the right, with a force of 10 N.
 *
 * <h2>Observation space</h2>
 *
 * {@code Box(float32, [4])}:
 *
 * <pre>
 * | Num | Observation           | Min                  | Max                |
 * |-----|-----------------------|----------------------|--------------------|
 * | 0   | Cart position         | -4.8                 | 4.8                |
 * | 1   | Cart velocity         | -inf                 | inf                |
 * | 2   | Pole angle            | ~ -0.418 rad (-24°)  | ~ 0.418 rad (24°)  |
 * | 3   | Pole angular velocity | -inf                 | inf                |
 * </pre>
 *
 * The state is kept in float64 and rounded to float32 only for the observation.
 *
 * <h2>Rewards</h2>
 *
 * +1 for every step, including the terminating one. With {@code sutton_barto_reward=True}: 0 per
 * non-terminating step and -1 for the terminating one.
 *
 * <h2>Starting state</h2>
 *
 * Four uniforms in [-0.05, 0.05) drawn from the env's PCG64 generator (the same numbers Gymnasium
 * draws for the same seed). Reset options {@code low} and {@code high} change the bounds.
 *
 * <h2>Episode end</h2>
 *
 * Terminated when |pole angle| > 12° or |cart position| > 2.4 (strict). Truncation at 500 steps
 * (200 for v0) is the TimeLimit wrapper's job, never this class's. Stepping after termination keeps
 * integrating and pays 0 (-1 with sutton_barto_reward), as Gymnasium does.
 *
 * <h2>Arguments</h2>
 *
 * {@code sutton_barto_reward} (bool, default false); render_mode "rgb_array" (600x400 frames).
 *
 * <h2>Version history</h2>
 *
 * v1: time limit 500, reward threshold 475. v0: time limit 200, reward threshold 195.
 */
public final class CartPoleEnv implements Env {
  /** Kwargs this env takes. */
  public static final Set<String> KWARGS = Set.of("sutton_barto_reward");

  // Physical constants, named and computed in Gymnasium's order so the doubles are identical.
  static final double GRAVITY = 9.8;
  static final double MASS_CART = 1.0;
  static final double MASS_POLE = 0.1;
  static final double TOTAL_MASS = MASS_POLE + MASS_CART;
  static final double LENGTH = 0.5; // half the pole's length
  static final double POLE_MASS_LENGTH = MASS_POLE * LENGTH;
  static final double FORCE_MAG = 10.0;
  static final double TAU = 0.02; // seconds between state updates
  static final double THETA_THRESHOLD_RADIANS = 12 * 2 * Math.PI / 360;
  static final double X_THRESHOLD = 2.4;

  private static final Space OBSERVATION_SPACE =
      observationSpace(X_THRESHOLD, THETA_THRESHOLD_RADIANS);
  private static final Space ACTION_SPACE = Spaces.discrete(2);

  private final boolean suttonBartoReward;
  private final EnvRandom random = new EnvRandom();
  private final CartPoleRenderer renderer = new CartPoleRenderer(X_THRESHOLD, LENGTH);

  // State (x, x_dot, theta, theta_dot), float64 as Gymnasium keeps it.
  private double x;
  private double xDot;
  private double theta;
  private double thetaDot;
  private boolean hasState;

  /** Gymnasium's steps_beyond_terminated: -1 stands for None. */
  private int stepsBeyondTerminated = -1;

  public CartPoleEnv(boolean suttonBartoReward) {
    this.suttonBartoReward = suttonBartoReward;
  }

  /** Builds the env from make kwargs. */
  public static CartPoleEnv fromKwargs(Args kwargs) {
    return new CartPoleEnv(kwargs.getBool("sutton_barto_reward", false));
  }

  private static Space observationSpace(double xThreshold, double thetaThreshold) {
    float[] high = {
      (float) (xThreshold * 2),
      Float.POSITIVE_INFINITY,
      (float) (thetaThreshold * 2),
      Float.POSITIVE_INFINITY
    };
    float[] low = new float[4];
    for (int i = 0; i < 4; i++) {
      low[i] = -high[i];
    }
    return Spaces.boxFloat32(low, high, 4);
  }

  @Override
  public Space observationSpace() {
    return OBSERVATION_SPACE;
  }

  @Override
  public Space actionSpace() {
    return ACTION_SPACE;
  }

  @Override
  public void reset(Long seed, Map<String, Value> options, Transition out) {
    Args opts = new Args("options of CartPole", options, Set.of("low", "high"));
    double low = opts.getDouble("low", -0.05);
    double high = opts.getDouble("high", 0.05);
    if (!(low <= high) || !Double.isFinite(high - low)) {
      throw new InvalidValueException(
          "options", "finite low <= high, got low=" + low + " and high=" + high);
    }
    NumpyGenerator rng = random.onReset(seed);
    x = rng.uniform(low, high);
    xDot = rng.uniform(low, high);
    theta = rng.uniform(low, high);
    thetaDot = rng.uniform(low, high);
    hasState = true;
    stepsBeyondTerminated = -1;
    writeObservation(out.obs());
  }

  @Override
  public void step(ByteBuffer action, Transition out) {
    if (!hasState) {
      throw new ResetNeededException("Call reset before using step method.");
    }
    double force = action.getLong(0) == 1 ? FORCE_MAG : -FORCE_MAG;
    double costheta = NumpyMath.cos(theta);
    double sintheta = NumpyMath.sin(theta);

    // Same operation order as Gymnasium: (a * b * c) groups left to right, as numpy evaluates it.
    double temp = (force + POLE_MASS_LENGTH * (thetaDot * thetaDot) * sintheta) / TOTAL_MASS;
    double thetaAcc =
        (GRAVITY * sintheta - costheta * temp)
            / (LENGTH * (4.0 / 3.0 - MASS_POLE * (costheta * costheta) / TOTAL_MASS));
    double xAcc = temp - POLE_MASS_LENGTH * thetaAcc * costheta / TOTAL_MASS;

    // Explicit Euler: positions move with the old velocities.
    x = x + TAU * xDot;
    xDot = xDot + TAU * xAcc;
    theta = theta + TAU * thetaDot;
    thetaDot = thetaDot + TAU * thetaAcc;

    boolean terminated =
        x < -X_THRESHOLD
            || x > X_THRESHOLD
            || theta < -THETA_THRESHOLD_RADIANS
            || theta > THETA_THRESHOLD_RADIANS;
    double reward;
    if (!terminated) {
      reward = suttonBartoReward ? 0.0 : 1.0;
    } else if (stepsBeyondTerminated < 0) {
      stepsBeyondTerminated = 0; // the pole just fell
      reward = suttonBartoReward ? -1.0 : 1.0;
    } else {
      stepsBeyondTerminated++;
      reward = suttonBartoReward ? -1.0 : 0.0;
    }
    writeObservation(out.obs());
    out.setReward(reward);
    out.setTerminated(terminated);
  }

  private void writeObservation(ByteBuffer obs) {
    obs.putFloat(0, (float) x);
    obs.putFloat(4, (float) xDot);
    obs.putFloat(8, (float) theta);
    obs.putFloat(12, (float) thetaDot);
  }

  @Override
  public RgbFrame render() {
    if (!hasState) {
      throw new ResetNeededException("Cannot call render before reset.");
    }
    return renderer.render(x, theta);
  }

  /** The float64 state, for tests: {x, x_dot, theta, theta_dot}. */
  double[] state() {
    return new double[] {x, xDot, theta, thetaDot};
  }

  /** Sets the float64 state, for tests that compare dynamics from identical states. */
  void setState(double[] s) {
    x = s[0];
    xDot = s[1];
    theta = s[2];
    thetaDot = s[3];
    hasState = true;
    stepsBeyondTerminated = -1;
  }
}
