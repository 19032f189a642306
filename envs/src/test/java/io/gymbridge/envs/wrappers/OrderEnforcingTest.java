package io.gymbridge.envs.wrappers;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gymbridge.codec.InvalidValueException;
import io.gymbridge.envs.ResetNeededException;
import io.gymbridge.envs.ScriptedEnv;
import io.gymbridge.envs.Transition;
import io.gymbridge.v1.Value;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OrderEnforcingTest {
  private final ScriptedEnv inner = new ScriptedEnv(0);
  private final OrderEnforcing env = new OrderEnforcing(inner);
  private final Transition out = Transition.ofSize(ScriptedEnv.observationBytes());
  private final ByteBuffer action = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);

  @Test
  void stepBeforeResetThrowsResetNeededWithoutReachingTheEnv() {
    ResetNeededException e = assertThrows(ResetNeededException.class, () -> env.step(action, out));
    assertTrue(e.getMessage().contains("reset"), e.getMessage());
    assertTrue(inner.actions().isEmpty());
  }

  @Test
  void renderBeforeResetThrowsResetNeeded() {
    assertThrows(ResetNeededException.class, env::render);
  }

  @Test
  void afterResetStepAndRenderPassThrough() {
    env.reset(1L, Map.of(), out);
    assertDoesNotThrow(() -> env.step(action, out));
    assertEquals(1, inner.actions().size());
    assertEquals(1, env.render().height());
  }

  @Test
  void aFailedResetDoesNotCountAsAReset() {
    Map<String, Value> bad = Map.of("nope", Value.newBuilder().setBoolValue(true).build());
    assertThrows(InvalidValueException.class, () -> env.reset(1L, bad, out));
    assertThrows(ResetNeededException.class, () -> env.step(action, out));
  }

  @Test
  void closeReachesTheWrappedEnv() {
    env.close();
    assertEquals(1, inner.closes());
  }
}
