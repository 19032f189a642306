package io.gymbridge.envs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gymbridge.codec.InvalidValueException;
import io.gymbridge.v1.Value;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** gymnasium.make's composition: TimeLimit(OrderEnforcing(env)), with the spec's limit. */
class EnvRegistryTest {
  private final EnvRegistry registry = EnvRegistry.builtin();
  private final Transition out = Transition.ofSize(16);
  private final ByteBuffer action = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);

  private int stepsUntilTruncated(Env env) {
    env.reset(0L, Map.of(), out);
    for (int t = 1; t <= 1000; t++) {
      out.clear();
      // Alternate pushes so the pole stays up long enough.
      action.putLong(0, t % 2);
      env.step(action, out);
      if (out.truncated()) {
        return t;
      }
      assertFalse(out.terminated(), "the pole fell at step " + t);
    }
    return -1;
  }

  @Test
  void builtinIdsAreSortedAndCartPoleLimitsAreGymnasiums() {
    assertEquals(
        List.of("CartPole-v0", "CartPole-v1"),
        registry.all().stream().map(EnvRegistration::id).toList());
    assertEquals(200, registry.find("CartPole-v0").orElseThrow().maxEpisodeSteps());
    assertEquals(500, registry.find("CartPole-v1").orElseThrow().maxEpisodeSteps());
  }

  @Test
  void makeAppliesTheOverriddenTimeLimit() {
    EnvRegistration reg = registry.find("CartPole-v1").orElseThrow();
    assertEquals(7, stepsUntilTruncated(EnvRegistry.make(reg, Map.of(), 7)));
    assertEquals(
        7,
        EnvRegistry.spec(reg, EnvRegistry.make(reg, Map.of(), 7), Map.of(), 7)
            .getMaxEpisodeSteps());
  }

  @Test
  void madeEnvsEnforceResetBeforeStep() {
    Env env = EnvRegistry.make(registry.find("CartPole-v0").orElseThrow(), Map.of(), null);
    assertThrows(ResetNeededException.class, () -> env.step(action, out));
  }

  @Test
  void unknownKwargIsRejectedNamingTheKnownOnes() {
    EnvRegistration reg = registry.find("CartPole-v1").orElseThrow();
    InvalidValueException e =
        assertThrows(
            InvalidValueException.class,
            () ->
                EnvRegistry.make(
                    reg, Map.of("gravity", Value.newBuilder().setFloatValue(1).build()), null));
    assertTrue(
        e.getMessage().contains("gravity") && e.getMessage().contains("sutton_barto_reward"),
        e.getMessage());
  }

  @Test
  void registeringAnIdTwiceFails() {
    EnvRegistration reg = registry.find("CartPole-v1").orElseThrow();
    assertThrows(IllegalArgumentException.class, () -> registry.register(reg));
  }
}
