package io.gymbridge.envs.classic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gymbridge.codec.InvalidValueException;
import io.gymbridge.envs.ResetNeededException;
import io.gymbridge.envs.Transition;
import io.gymbridge.v1.Value;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * CartPole's dynamics, rewards and episode ends against Gymnasium 1.3.0 (numpy 2.4). Expected
 * values come from /tmp/scratch/venv:
 *
 * <pre>
 * import numpy as np, gymnasium as gym
 * env = gym.make("CartPole-v1").unwrapped
 * env.reset(seed=0)
 * def run(state, actions):
 *     env.state = np.array(state, dtype=np.float64)
 *     env.steps_beyond_terminated = None
 *     for a in actions:
 *         obs, r, term, trunc, _ = env.step(a)
 *         print([repr(float(v)) for v in env.state], obs.tolist(), r, term)
 * run((0.01, -0.02, 0.03, 0.04), [1])      # ONE_STEP_RIGHT
 * run((0.01, -0.02, 0.03, 0.04), [0])      # ONE_STEP_LEFT
 * run((0.1, 0.5, -0.1, -0.3), [1, 1, 0])   # THREE_STEPS
 * T = env.theta_threshold_radians           # 0.20943951023931953
 * run((2.4, 0.0, 0.0, 0.0), [1])           # not terminated: x == 2.4
 * run((2.4, 1e-9, 0.0, 0.0), [1])          # terminated: x == 2.40000000002
 * run((0.0, 0.0, T, 0.0), [1])             # not terminated: theta == T
 * run((0.0, 0.0, T, 1e-9), [1])            # terminated
 * for s in (0, 42): print(gym.make("CartPole-v1").reset(seed=s)[0])   # SEED_0, SEED_42
 * </pre>
 */
class CartPoleEnvTest {
  private static final double[] START = {0.01, -0.02, 0.03, 0.04};
  private static final double[] ONE_STEP_RIGHT = {
    0.009600000000000001, 0.17467919574755525, 0.030799999999999998, -0.2430687179600081
  };
  private static final double[] ONE_STEP_LEFT = {
    0.009600000000000001, -0.21553901710278936, 0.030799999999999998, 0.34199522377603914
  };
  private static final double[][] THREE_STEPS = {
    {0.11, 0.696394564860908, -0.10600000000000001, -0.6224711396060209},
    {0.12392789129721817, 0.8928244642048171, -0.11844942279212042, -0.9465678961998762},
    {0.1417843805813145, 0.6994796694430694, -0.13738078071611795, -0.6933255910247029},
  };
  private static final float[] SEED_0 = {0.013696169f, -0.02302133f, -0.045902647f, -0.048347235f};
  private static final float[] SEED_42 = {0.027395604f, -0.006112156f, 0.035859793f, 0.019736802f};
  private static final double THETA_THRESHOLD = 0.20943951023931953;

  private final CartPoleEnv env = new CartPoleEnv(false);
  private final Transition out = Transition.ofSize(16);

  private static ByteBuffer action(long a) {
    return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, a);
  }

  private Transition step(long a) {
    out.clear();
    env.step(action(a), out);
    return out;
  }

  private float[] observation() {
    float[] o = new float[4];
    for (int i = 0; i < 4; i++) {
      o[i] = out.obs().getFloat(4 * i);
    }
    return o;
  }

  private static float[] asFloats(double[] state) {
    float[] f = new float[state.length];
    for (int i = 0; i < state.length; i++) {
      f[i] = (float) state[i];
    }
    return f;
  }

  @Test
  void oneStepRightFromAFixedStateGivesGymnasiumsExactDoubles() {
    env.setState(START);
    step(1);
    assertArrayEquals(ONE_STEP_RIGHT, env.state());
    assertArrayEquals(asFloats(ONE_STEP_RIGHT), observation(), "observation is the float32 state");
    assertEquals(1.0, out.reward());
    assertFalse(out.terminated());
    assertFalse(out.truncated(), "CartPole itself never truncates");
  }

  @Test
  void oneStepLeftFromAFixedStateGivesGymnasiumsExactDoubles() {
    env.setState(START);
    step(0);
    assertArrayEquals(ONE_STEP_LEFT, env.state());
  }

  @Test
  void severalStepsStayBitForBitWithGymnasium() {
    env.setState(new double[] {0.1, 0.5, -0.1, -0.3});
    long[] actions = {1, 1, 0};
    for (int t = 0; t < actions.length; t++) {
      step(actions[t]);
      assertArrayEquals(THREE_STEPS[t], env.state(), "step " + (t + 1));
    }
  }

  @Test
  void seededResetDrawsGymnasiumsStartingState() {
    env.reset(0L, Map.of(), out);
    assertArrayEquals(SEED_0, observation());
    env.reset(42L, Map.of(), out);
    assertArrayEquals(SEED_42, observation());
  }

  @Test
  void cartPositionTerminatesOnlyStrictlyBeyondTwoPointFour() {
    assertFalse(terminatesFrom(2.4, 0.0, 0.0, 0.0, 1), "x == 2.4 is still in bounds");
    assertTrue(terminatesFrom(2.4, 1e-9, 0.0, 0.0, 1));
    assertFalse(terminatesFrom(-2.4, 0.0, 0.0, 0.0, 0), "x == -2.4 is still in bounds");
    assertTrue(terminatesFrom(-2.4, -1e-9, 0.0, 0.0, 0));
  }

  @Test
  void poleAngleTerminatesOnlyStrictlyBeyondTwelveDegrees() {
    assertEquals(12 * 2 * Math.PI / 360, THETA_THRESHOLD);
    assertEquals(THETA_THRESHOLD, CartPoleEnv.THETA_THRESHOLD_RADIANS);
    assertFalse(terminatesFrom(0.0, 0.0, THETA_THRESHOLD, 0.0, 1), "12 degrees is still in bounds");
    assertTrue(terminatesFrom(0.0, 0.0, THETA_THRESHOLD, 1e-9, 1));
    assertFalse(terminatesFrom(0.0, 0.0, -THETA_THRESHOLD, 0.0, 1));
    assertTrue(terminatesFrom(0.0, 0.0, -THETA_THRESHOLD, -1e-9, 1));
  }

  private boolean terminatesFrom(double x, double xDot, double theta, double thetaDot, long a) {
    env.setState(new double[] {x, xDot, theta, thetaDot});
    return step(a).terminated();
  }

  @Test
  void terminatingStepPaysOneAndLaterStepsPayZero() {
    env.setState(new double[] {0.0, 0.0, THETA_THRESHOLD, 1.0});
    assertEquals(1.0, step(1).reward());
    assertTrue(out.terminated());
    for (int i = 0; i < 2; i++) {
      assertEquals(0.0, step(1).reward());
      assertTrue(out.terminated());
    }
  }

  @Test
  void suttonBartoRewardPaysZeroPerStepAndMinusOneFromTermination() {
    CartPoleEnv sb = new CartPoleEnv(true);
    sb.setState(new double[] {0.0, 0.0, 0.1, 0.0});
    out.clear();
    sb.step(action(1), out);
    assertEquals(0.0, out.reward());
    sb.setState(new double[] {0.0, 0.0, THETA_THRESHOLD, 1.0});
    for (int i = 0; i < 3; i++) {
      out.clear();
      sb.step(action(1), out);
      assertEquals(-1.0, out.reward(), "step " + i + " at or after termination");
      assertTrue(out.terminated());
    }
  }

  @Test
  void resetOptionsBoundTheStartingState() {
    Map<String, Value> options =
        Map.of(
            "low",
            Value.newBuilder().setFloatValue(0.2).build(),
            "high",
            Value.newBuilder().setIntValue(1).build());
    for (long seed = 0; seed < 20; seed++) {
      env.reset(seed, options, out);
      for (double v : env.state()) {
        assertTrue(v >= 0.2 && v < 1.0, "state " + v + " outside [0.2, 1)");
      }
    }
  }

  @Test
  void invalidResetOptionsAreRejectedBeforeAnythingChanges() {
    env.reset(3L, Map.of(), out);
    double[] before = env.state();
    Value f = Value.newBuilder().setFloatValue(0.1).build();
    assertThrows(InvalidValueException.class, () -> env.reset(1L, Map.of("lo", f), out));
    assertThrows(
        InvalidValueException.class,
        () ->
            env.reset(
                1L, Map.of("low", f, "high", Value.newBuilder().setFloatValue(-0.1).build()), out));
    assertThrows(
        InvalidValueException.class,
        () -> env.reset(1L, Map.of("low", Value.newBuilder().setStringValue("0").build()), out));
    assertThrows(InvalidValueException.class, () -> env.reset(-1L, Map.of(), out));
    assertArrayEquals(before, env.state());
  }

  @Test
  void stepAndRenderBeforeResetThrowResetNeeded() {
    assertThrows(ResetNeededException.class, () -> step(0));
    assertThrows(ResetNeededException.class, env::render);
  }

  @Test
  void renderGivesA600By400Frame() {
    env.reset(0L, Map.of(), out);
    var frame = env.render();
    assertEquals(400, frame.height());
    assertEquals(600, frame.width());
  }
}
