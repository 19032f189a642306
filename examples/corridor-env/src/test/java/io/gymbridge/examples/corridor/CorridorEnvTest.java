package io.gymbridge.examples.corridor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gymbridge.codec.InvalidValueException;
import io.gymbridge.envs.Args;
import io.gymbridge.envs.ResetNeededException;
import io.gymbridge.envs.Transition;
import io.gymbridge.v1.Value;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CorridorEnvTest {
  private static final Set<String> KWARGS = Set.of("length", "slip");

  private static CorridorEnv make(Map<String, Value> kwargs) {
    return CorridorEnv.fromKwargs(new Args("kwargs of Corridor-v0", kwargs, KWARGS));
  }

  private static ByteBuffer action(long a) {
    return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, a);
  }

  private static int cell(Transition t, int length) {
    int at = -1;
    for (int i = 0; i < length; i++) {
      float v = t.obs().getFloat(4 * i);
      if (v == 1f) {
        assertEquals(-1, at, "one-hot");
        at = i;
      } else {
        assertEquals(0f, v);
      }
    }
    return at;
  }

  @Test
  void walkingRightReachesTheEndWithTheBestReturn() {
    CorridorEnv env = make(Map.of());
    Transition t = Transition.ofSize(4 * 8);
    env.reset(1L, Map.of(), t);
    assertEquals(0, cell(t, 8));
    double ret = 0;
    for (int step = 1; step <= 7; step++) {
      t.clear();
      env.step(action(1), t);
      ret += t.reward();
      assertEquals(step, cell(t, 8));
      assertEquals(step == 7, t.terminated());
    }
    assertEquals(1 - 0.01 * 6, ret, 1e-12);
  }

  @Test
  void theLeftWallHoldsTheAgent() {
    CorridorEnv env = make(Map.of());
    Transition t = Transition.ofSize(4 * 8);
    env.reset(1L, Map.of(), t);
    env.step(action(0), t);
    assertEquals(0, cell(t, 8));
    assertEquals(-0.01, t.reward());
    assertFalse(t.terminated());
  }

  @Test
  void slipsFollowTheSeed() {
    Map<String, Value> slippery = Map.of("slip", Value.newBuilder().setFloatValue(0.4).build());
    int[] a = cells(make(slippery), 3L);
    assertArrayEquals(a, cells(make(slippery), 3L));
    assertNotEquals(
        java.util.Arrays.toString(a), java.util.Arrays.toString(cells(make(slippery), 4L)));
  }

  private static int[] cells(CorridorEnv env, long seed) {
    Transition t = Transition.ofSize(4 * 8);
    env.reset(seed, Map.of(), t);
    int[] cells = new int[20];
    for (int i = 0; i < cells.length && !t.terminated(); i++) {
      t.clear();
      env.step(action(1), t);
      cells[i] = cell(t, 8);
    }
    return cells;
  }

  @Test
  void badKwargsAndAStepBeforeResetAreRefused() {
    Value tooShort = Value.newBuilder().setIntValue(1).build();
    InvalidValueException e =
        assertThrows(InvalidValueException.class, () -> make(Map.of("length", tooShort)));
    assertTrue(e.getMessage().contains("2..1000"), e.getMessage());
    Value badSlip = Value.newBuilder().setFloatValue(1.5).build();
    assertThrows(InvalidValueException.class, () -> make(Map.of("slip", badSlip)));
    assertThrows(
        ResetNeededException.class, () -> make(Map.of()).step(action(1), Transition.ofSize(32)));
  }
}
