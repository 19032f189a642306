package io.gymbridge.atari.preprocessing;

import static io.gymbridge.atari.preprocessing.Steps.obs;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.gymbridge.atari.AtariRegistrations;
import io.gymbridge.atari.TestRoms;
import io.gymbridge.envs.Env;
import io.gymbridge.envs.EnvRegistration;
import io.gymbridge.envs.EnvRegistry;
import io.gymbridge.envs.Transition;
import io.gymbridge.v1.Value;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * info["episode"] of the "nature" preset on the real ALE (sticky actions on), made through the
 * registry as a session makes it, played at random to the game over. ALE/Breakout-v5 is the case
 * the pipeline is for (FIRE to serve, 5 lives), but random Breakout only ever hits 1-point bricks
 * one at a time, so its clipped and unclipped returns agree; ALE/SpaceInvaders-v5 (3 lives, 5 to 30
 * points an alien) shows "r" is the unclipped score. A second env, the same id and seed with only
 * AtariPreprocessing (no statistics, episodic life, fire reset, clipping or stack), replays every
 * step the nature pipeline takes through its AtariPreprocessing: the agent's actions, FireReset's
 * FIRE and 2 after the real reset, and EpisodicLife's NOOP plus FireReset's FIRE and 2 after each
 * lost life. Its frames must equal the newest frame of the nature stack at every step, which proves
 * the replay is in step; its unclipped rewards and its step count are then what "r" and "l" must
 * say.
 */
class NaturePipelineEpisodeStatisticsTest {
  private static final int FRAME = 84 * 84;

  private static Value bool(boolean b) {
    return Value.newBuilder().setBoolValue(b).build();
  }

  private static Value string(String s) {
    return Value.newBuilder().setStringValue(s).build();
  }

  /** The reference: AtariPreprocessing over the same env (the preset's frameskip=1 included). */
  private static final Map<String, Value> PREPROCESSING_ONLY =
      Map.of(
          "preprocessing", string("nature"),
          "record_episode_statistics", bool(false),
          "episodic_life", bool(false),
          "fire_reset", bool(false),
          "clip_reward", bool(false),
          "frame_stack", Value.newBuilder().setIntValue(0).build());

  /** AtariPreprocessing alone, stepped and summed as the statistics beneath the nature stack. */
  private static final class Reference {
    final Env env;
    double unclippedReturn;
    long steps;
    Transition last;

    Reference(Env env) {
      this.env = env;
    }

    void reset(long seed) {
      last = Steps.reset(env, seed);
    }

    Transition step(long action) {
      last = Steps.step(env, action);
      unclippedReturn += last.reward();
      steps++;
      return last;
    }

    /** A step the wrappers take inside a reset: the game must go on through it. */
    void resetStep(long action, String what) {
      Transition t = step(action);
      assertFalse(t.terminated() || t.truncated(), what + " ended the game: the replay is off");
    }

    byte[] frame() {
      return obs(last);
    }
  }

  private static byte[] newestFrame(Transition stacked) {
    byte[] all = obs(stacked);
    return Arrays.copyOfRange(all, 3 * FRAME, 4 * FRAME);
  }

  @ParameterizedTest(name = "{0} seed {1}")
  @CsvSource({"ALE/Breakout-v5, 16, 5", "ALE/SpaceInvaders-v5, 3, 3"})
  void episodeStatisticsReportTheWholeGameOnceUnclippedCountingTheResetSteps(
      String id, long seed, int lives) {
    EnvRegistry registry = new EnvRegistry();
    AtariRegistrations.register(registry, TestRoms.require());
    EnvRegistration reg = registry.find(id).orElseThrow();
    try (Env nature = EnvRegistry.make(reg, Map.of("preprocessing", string("nature")), null);
        Env plain = EnvRegistry.make(reg, PREPROCESSING_ONLY, null)) {
      Reference ref = new Reference(plain);
      Transition out = Steps.reset(nature, seed);
      ref.reset(seed);
      ref.resetStep(Actions.FIRE, "FireReset's FIRE");
      ref.resetStep(2, "FireReset's action 2");
      assertArrayEquals(ref.frame(), newestFrame(out), "after the real reset");

      Random actions = new Random(seed);
      int numActions = (int) nature.actionSpace().getDiscrete().getN();
      double clippedReturn = 0;
      long agentSteps = 0;
      int lostLives = 0;
      Map<String, Value> episode = null;
      while (episode == null) {
        if (agentSteps > 20_000) {
          fail("no game over in 20000 random steps of " + id);
        }
        long a = actions.nextInt(numActions);
        out = Steps.step(nature, a);
        Transition r = ref.step(a);
        agentSteps++;
        clippedReturn += out.reward();
        String where = "agent step " + agentSteps;
        assertArrayEquals(ref.frame(), newestFrame(out), where + ": the replay is in step");
        assertEquals(Math.signum(r.reward()), out.reward(), where + ": the learner's is clipped");
        boolean gameOver = r.terminated() || r.truncated();
        assertEquals(gameOver, out.info().containsKey("episode"), where + ": reported iff over");
        if (gameOver) {
          assertTrue(out.terminated(), where);
          assertEquals(0, out.info().get("lives").getIntValue(), "the game, not a life, ended");
          episode = out.info().get("episode").getMap().getEntriesMap();
        } else if (out.terminated()) {
          // A lost life: the learner's episode ends and its reset continues the game.
          lostLives++;
          out = Steps.reset(nature, null);
          ref.resetStep(Actions.NOOP, "EpisodicLife's NOOP");
          ref.resetStep(Actions.FIRE, "FireReset's FIRE");
          ref.resetStep(2, "FireReset's action 2");
          assertArrayEquals(ref.frame(), newestFrame(out), "after lost life " + lostLives);
          assertFalse(out.info().containsKey("episode"), "after lost life " + lostLives);
        }
      }

      assertNotNull(episode);
      assertEquals(lives - 1, lostLives, "lives - 1 lost lives, then the game over");
      assertTrue(ref.unclippedReturn > 0, "random play scores something");
      if (id.contains("SpaceInvaders")) {
        assertTrue(ref.unclippedReturn > clippedReturn, "an alien pays more than 1");
      }
      assertEquals(ref.unclippedReturn, episode.get("r").getFloatValue(), "the game's score");
      // "l" counts every step through AtariPreprocessing since the real reset: the agent's, plus
      // FireReset's 2 after the real reset, plus EpisodicLife's NOOP and FireReset's 2 after each
      // lost life. AtariPreprocessing's own reset NOOPs are beneath the statistics.
      assertEquals(ref.steps, episode.get("l").getIntValue());
      assertEquals(agentSteps + 2 + 3L * lostLives, episode.get("l").getIntValue());
      assertTrue(episode.get("t").getFloatValue() >= 0.0);
    }
  }
}
