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
        List.of("CartPole-v0", "CartPole-v1", "PixelChoice-v0"),
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

  private static Value bool(boolean b) {
    return Value.newBuilder().setBoolValue(b).build();
  }

  /**
   * A post-make step for CartPole: kwarg "doubled" (default false) doubles rewards, and "strict"
   * makes the env's sutton_barto_reward default true; "refuse" makes wrap fail.
   */
  private static final class Doubling implements PostMakeWrapper {
    @Override
    public Map<String, Value> defaultKwargs() {
      return Map.of("doubled", bool(false), "strict", bool(false), "refuse", bool(false));
    }

    @Override
    public Configured configure(Map<String, Value> kwargs) {
      Args args = new Args("doubling", kwargs, defaultKwargs().keySet());
      boolean doubled = args.getBool("doubled", false);
      boolean strict = args.getBool("strict", false);
      boolean refuse = args.getBool("refuse", false);
      return new Configured() {
        @Override
        public Map<String, Value> envKwargDefaults() {
          return strict ? Map.of("sutton_barto_reward", bool(true)) : Map.of();
        }

        @Override
        public Map<String, Value> effectiveKwargs() {
          return Map.of("doubled", bool(doubled), "strict", bool(strict), "refuse", bool(refuse));
        }

        @Override
        public Env wrap(Env made, Env bare) {
          assertTrue(bare instanceof io.gymbridge.envs.classic.CartPoleEnv);
          if (refuse) {
            throw new InvalidValueException("refuse", "false");
          }
          return !doubled
              ? made
              : new io.gymbridge.envs.wrappers.EnvWrapper(made) {
                @Override
                public void step(ByteBuffer a, Transition t) {
                  env.step(a, t);
                  t.setReward(2 * t.reward());
                }
              };
        }
      };
    }
  }

  @Test
  void aPostMakeStepWrapsTheTimeLimitedEnvAndItsKwargsShowInTheSpec() {
    EnvRegistration cartPole = registry.find("CartPole-v1").orElseThrow();
    Doubling doubling = new Doubling();
    EnvRegistration reg =
        new EnvRegistration(
            "Doubled-v0",
            "test",
            cartPole.factory(),
            cartPole.kwargs(),
            3,
            null,
            false,
            List.of(),
            0,
            doubling);
    assertEquals(
        java.util.Set.of("sutton_barto_reward", "doubled", "strict", "refuse"),
        reg.allKwargs().keySet());

    Env env = EnvRegistry.make(reg, Map.of("doubled", bool(true)), null);
    env.reset(0L, Map.of(), out);
    out.clear();
    env.step(action, out);
    assertEquals(2.0, out.reward());
    assertEquals(3, stepsUntilTruncated(env), "the TimeLimit beneath still counts");

    // The step's env defaults apply unless the caller gives the kwarg; the spec shows both.
    assertEquals(
        bool(true),
        EnvRegistry.spec(reg, env, Map.of("strict", bool(true)), null)
            .getKwargsMap()
            .get("sutton_barto_reward"));
    Map<String, Value> explicit = Map.of("strict", bool(true), "sutton_barto_reward", bool(false));
    Map<String, Value> kw = EnvRegistry.spec(reg, env, explicit, null).getKwargsMap();
    assertEquals(bool(false), kw.get("sutton_barto_reward"));
    assertEquals(bool(false), kw.get("doubled"));
    assertEquals(bool(true), kw.get("strict"));

    InvalidValueException bad =
        assertThrows(
            InvalidValueException.class,
            () -> EnvRegistry.make(reg, Map.of("doubled", Value.getDefaultInstance()), null));
    assertTrue(
        bad.getMessage().startsWith("kwargs of Doubled-v0: doubling['doubled']"), bad.getMessage());
    InvalidValueException unknown =
        assertThrows(
            InvalidValueException.class,
            () -> EnvRegistry.make(reg, Map.of("tripled", bool(true)), null));
    assertTrue(unknown.getMessage().contains("doubled"), unknown.getMessage());
    assertTrue(unknown.getMessage().contains("sutton_barto_reward"), unknown.getMessage());
    InvalidValueException refused =
        assertThrows(
            InvalidValueException.class,
            () -> EnvRegistry.make(reg, Map.of("refuse", bool(true)), null));
    assertTrue(refused.getMessage().startsWith("kwargs of Doubled-v0: refuse"));
  }

  @Test
  void aPostMakeStepMayNotReuseAnEnvKwargName() {
    EnvRegistration cartPole = registry.find("CartPole-v1").orElseThrow();
    PostMakeWrapper clash =
        new PostMakeWrapper() {
          @Override
          public Map<String, Value> defaultKwargs() {
            return Map.of("sutton_barto_reward", bool(false));
          }

          @Override
          public Configured configure(Map<String, Value> kwargs) {
            throw new AssertionError();
          }
        };
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new EnvRegistration(
                "Clash-v0",
                "test",
                cartPole.factory(),
                cartPole.kwargs(),
                null,
                null,
                false,
                List.of(),
                0,
                clash));
  }
}
