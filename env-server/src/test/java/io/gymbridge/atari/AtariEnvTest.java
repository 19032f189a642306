package io.gymbridge.atari;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gymbridge.codec.InvalidValueException;
import io.gymbridge.codec.Spaces;
import io.gymbridge.envs.Args;
import io.gymbridge.envs.EnvRegistration;
import io.gymbridge.envs.EnvRegistry;
import io.gymbridge.envs.Transition;
import io.gymbridge.random.NumpyGenerator;
import io.gymbridge.v1.Value;
import io.gymbridge.v1.ValueList;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** AtariEnv on the real ALE with real ROMs: seeding, episode ends, info, spaces, kwargs. */
class AtariEnvTest {
  private static EnvRegistry registry;

  @BeforeAll
  static void registerAtari() {
    registry = new EnvRegistry();
    AtariRegistrations.register(registry, TestRoms.require());
  }

  static AtariEnv make(String id, Map<String, Value> kwargs) {
    EnvRegistration reg = registry.find(id).orElseThrow();
    return (AtariEnv) reg.factory().apply(new Args("kwargs of " + id, kwargs, reg.kwargNames()));
  }

  static Value i(long v) {
    return Value.newBuilder().setIntValue(v).build();
  }

  static Value s(String v) {
    return Value.newBuilder().setStringValue(v).build();
  }

  /** One step's results, for comparing runs. */
  record Step(
      byte[] obs, double reward, boolean terminated, boolean truncated, Map<String, Value> info) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Step s
          && java.util.Arrays.equals(obs, s.obs)
          && reward == s.reward
          && terminated == s.terminated
          && truncated == s.truncated
          && info.equals(s.info);
    }

    @Override
    public int hashCode() {
      return java.util.Arrays.hashCode(obs);
    }
  }

  static Step reset(AtariEnv env, Long seed, Transition t) {
    t.clear();
    env.reset(seed, Map.of(), t);
    return snapshot(t);
  }

  static Step step(AtariEnv env, long action, Transition t) {
    t.clear();
    ByteBuffer a = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, action);
    env.step(a, t);
    return snapshot(t);
  }

  static Step snapshot(Transition t) {
    byte[] obs = new byte[t.obs().capacity()];
    t.obs().get(0, obs);
    return new Step(obs, t.reward(), t.terminated(), t.truncated(), new HashMap<>(t.info()));
  }

  static Transition transition(AtariEnv env) {
    return Transition.ofSize(Spaces.elementBytes(env.observationSpace()));
  }

  /** Plays {@code steps} random actions (from a java.util.Random seeded with actionSeed). */
  static List<Step> play(AtariEnv env, long seed, long actionSeed, int steps) {
    Transition t = transition(env);
    List<Step> out = new ArrayList<>();
    out.add(reset(env, seed, t));
    Random actions = new Random(actionSeed);
    int n = (int) env.actionSpace().getDiscrete().getN();
    for (int k = 0; k < steps; k++) {
      Step s = step(env, actions.nextInt(n), t);
      out.add(s);
      if (s.terminated || s.truncated) {
        out.add(reset(env, null, t));
      }
    }
    return out;
  }

  @Test
  void sameSeedGivesTheSameEpisodeWithStickyActions() {
    try (AtariEnv a = make("ALE/Breakout-v5", Map.of());
        AtariEnv b = make("ALE/Breakout-v5", Map.of());
        AtariEnv c = make("ALE/Breakout-v5", Map.of())) {
      List<Step> first = play(a, 42, 7, 400);
      assertEquals(first, play(b, 42, 7, 400));
      assertNotEquals(first, play(c, 43, 7, 400), "another seed should change the sticky actions");
    }
  }

  @Test
  void aStochasticFrameskipIsDrawnFromTheSeededNpRandom() {
    try (AtariEnv a = make("Pong-v0", Map.of());
        AtariEnv b = make("Pong-v0", Map.of())) {
      List<Step> steps = play(a, 5, 1, 200);
      assertEquals(steps, play(b, 5, 1, 200));
      assertEquals(201, steps.size(), "one episode: a reset and 200 steps");
      // Gymnasium's AtariEnv: frameskip = np_random.integers(2, 5) each step, np_random seeded
      // with the first seed the reset reports. The frame counter advances by the frameskip.
      long npSeed = steps.get(0).info.get("seeds").getList().getItems(0).getIntValue();
      NumpyGenerator npRandom = NumpyGenerator.fromSeed(npSeed);
      Set<Long> skips = new TreeSet<>();
      for (int k = 1; k < steps.size(); k++) {
        long skip =
            steps.get(k).info.get("frame_number").getIntValue()
                - steps.get(k - 1).info.get("frame_number").getIntValue();
        assertEquals(npRandom.integers(2, 5), skip, "frameskip of step " + k);
        skips.add(skip);
      }
      assertEquals(Set.of(2L, 3L, 4L), skips);
    }
  }

  @Test
  void anUnseededResetContinuesTheEpisodeCountersAndRngs() {
    try (AtariEnv env = make("BreakoutNoFrameskip-v4", Map.of())) {
      Transition t = transition(env);
      Step seeded = reset(env, 3L, t);
      assertTrue(seeded.info.containsKey("seeds"));
      int frame0 = (int) seeded.info.get("frame_number").getIntValue();
      for (int k = 0; k < 50; k++) {
        step(env, 1, t);
      }
      Step unseeded = reset(env, null, t);
      assertFalse(unseeded.info.containsKey("seeds"));
      assertEquals(0, unseeded.info.get("episode_frame_number").getIntValue());
      assertEquals(
          frame0 + 50,
          unseeded.info.get("frame_number").getIntValue(),
          "an unseeded reset only resets the game; the frame counter keeps counting");
      Step reseeded = reset(env, 3L, t);
      assertEquals(seeded, reseeded, "a seed reloads the ROM: the same start as before");
    }
  }

  @Test
  void aFirstUnseededResetDrawsOsEntropy() {
    try (AtariEnv a = make("ALE/Breakout-v5", Map.of());
        AtariEnv b = make("ALE/Breakout-v5", Map.of())) {
      Transition ta = transition(a);
      Transition tb = transition(b);
      reset(a, null, ta);
      reset(b, null, tb);
      assertNotEquals(a.npRandom().seedEntropy(), b.npRandom().seedEntropy());
    }
  }

  @Test
  void reachingTheFrameLimitTruncatesWithoutTerminating() {
    try (AtariEnv env =
        make("BreakoutNoFrameskip-v4", Map.of("max_num_frames_per_episode", i(100)))) {
      Transition t = transition(env);
      reset(env, 0L, t);
      Step last = null;
      for (int k = 0; k < 100; k++) {
        last = step(env, 0, t);
        assertEquals(k == 99, last.truncated, "step " + k);
        assertFalse(last.terminated);
      }
      assertEquals(100, last.info.get("episode_frame_number").getIntValue());
      Step after = step(env, 0, t);
      assertTrue(after.truncated, "ALE emulates no further past the limit");
      assertEquals(100, after.info.get("episode_frame_number").getIntValue());
    }
  }

  @Test
  void aGameOverTerminatesAndOneOnTheLastAllowedFrameIsBothTerminatedAndTruncated() {
    // Breakout, always FIRE without moving: the ball is served and missed until no lives are left.
    int end;
    try (AtariEnv env = make("BreakoutNoFrameskip-v4", Map.of())) {
      Transition t = transition(env);
      reset(env, 0L, t);
      Step s;
      do {
        s = step(env, 1, t);
      } while (!s.terminated && s.info.get("episode_frame_number").getIntValue() < 20_000);
      assertTrue(s.terminated);
      assertFalse(s.truncated);
      assertEquals(0, s.info.get("lives").getIntValue());
      end = (int) s.info.get("episode_frame_number").getIntValue();
    }
    try (AtariEnv env =
        make("BreakoutNoFrameskip-v4", Map.of("max_num_frames_per_episode", i(end)))) {
      Transition t = transition(env);
      reset(env, 0L, t);
      Step s;
      do {
        s = step(env, 1, t);
      } while (!s.truncated);
      assertEquals(end, s.info.get("episode_frame_number").getIntValue());
      assertTrue(s.terminated, "the game ended on the frame the limit was reached");
    }
    try (AtariEnv env =
        make("BreakoutNoFrameskip-v4", Map.of("max_num_frames_per_episode", i(end - 1)))) {
      Transition t = transition(env);
      reset(env, 0L, t);
      Step s;
      do {
        s = step(env, 1, t);
      } while (!s.truncated);
      assertFalse(s.terminated, "one frame before the game's end");
    }
  }

  @Test
  void infoHasLivesAndFrameNumbersAsInts() {
    try (AtariEnv env = make("ALE/Breakout-v5", Map.of())) {
      Transition t = transition(env);
      Step r = reset(env, 1L, t);
      assertEquals(5, r.info.get("lives").getIntValue());
      assertEquals(0, r.info.get("episode_frame_number").getIntValue());
      assertEquals(Value.KindCase.INT_VALUE, r.info.get("frame_number").getKindCase());
      assertEquals(2, r.info.get("seeds").getList().getItemsCount());
      Step s = step(env, 0, t);
      assertEquals(
          List.of("lives", "episode_frame_number", "frame_number"), List.copyOf(s.info.keySet()));
      assertEquals(4, s.info.get("episode_frame_number").getIntValue());
    }
  }

  @Test
  void obsTypesHaveAlePysShapes() {
    for (var c :
        List.of(
            List.of("rgb", 210 * 160 * 3), List.of("grayscale", 210 * 160), List.of("ram", 128))) {
      try (AtariEnv env = make("ALE/Pong-v5", Map.of("obs_type", s((String) c.get(0))))) {
        assertEquals(c.get(1), Spaces.elementBytes(env.observationSpace()), (String) c.get(0));
        Transition t = transition(env);
        reset(env, 0L, t);
        step(env, 0, t);
      }
    }
    try (AtariEnv env = make("ALE/Pong-v5", Map.of("obs_type", s("grayscale")))) {
      assertArrayEquals(new long[] {210, 160}, Spaces.shape(env.observationSpace()));
    }
  }

  @Test
  void renderGivesTheRgbScreen() {
    try (AtariEnv env = make("ALE/Pong-v5", Map.of())) {
      Transition t = transition(env);
      Step r = reset(env, 0L, t);
      var frame = env.render();
      assertEquals(210, frame.height());
      assertArrayEquals(r.obs, frame.rgb());
    }
  }

  @Test
  void aTransitionThatDiscardsItsObservationIsLeftUnwrittenButGetsTheRest() {
    // AtariPreprocessing reads screens from the console, so its inner transition skips the frame.
    try (AtariEnv full = make("ALE/Pong-v5", Map.of());
        AtariEnv bare = make("ALE/Pong-v5", Map.of())) {
      int bytes = Spaces.elementBytes(full.observationSpace());
      Transition written = Transition.ofSize(bytes);
      Transition discarded = Transition.discardingObservation(bytes);
      Step a = reset(full, 7L, written);
      Step b = reset(bare, 7L, discarded);
      for (int i = 0; i < 50; i++) {
        a = step(full, i % 6, written);
        b = step(bare, i % 6, discarded);
        assertEquals(a.reward(), b.reward());
        assertEquals(a.terminated(), b.terminated());
        assertEquals(a.info(), b.info());
      }
      assertFalse(java.util.Arrays.equals(new byte[bytes], a.obs()), "the written screen is blank");
      assertArrayEquals(new byte[bytes], b.obs(), "nothing was written into the discarded slot");
    }
  }

  @Test
  void minimalAndFullActionSets() {
    try (AtariEnv breakout = make("ALE/Breakout-v5", Map.of());
        AtariEnv pong = make("ALE/Pong-v5", Map.of());
        AtariEnv full =
            make(
                "ALE/Breakout-v5",
                Map.of("full_action_space", Value.newBuilder().setBoolValue(true).build()))) {
      assertEquals(4, breakout.actionSpace().getDiscrete().getN());
      assertEquals(6, pong.actionSpace().getDiscrete().getN());
      assertEquals(18, full.actionSpace().getDiscrete().getN());
    }
  }

  @Test
  void badKwargsAreClearErrors() {
    assertError(Map.of("obs_type", s("rgba")), "obs_type", "'rgb', 'grayscale', 'ram'");
    assertError(Map.of("frameskip", i(0)), "frameskip", "[1, 1000]");
    assertError(Map.of("frameskip", i(1_000_000)), "frameskip", "[1, 1000]");
    Value backwards =
        Value.newBuilder().setList(ValueList.newBuilder().addItems(i(5)).addItems(i(2))).build();
    assertError(Map.of("frameskip", backwards), "frameskip", "0 < low < high");
    assertError(Map.of("repeat_action_probability", i(2)), "repeat_action_probability", "[0, 1]");
    assertError(Map.of("mode", i(999)), "mode", "modes of breakout", "[0, 4, 8");
    assertError(Map.of("difficulty", i(7)), "difficulty", "[0, 1]");
    assertError(Map.of("full_action_space", i(1)), "full_action_space", "a bool");
    assertError(Map.of("render_fps", i(1)), "render_fps", "one of [");
  }

  @Test
  void aValidModeAndDifficultyAreApplied() {
    // The same seed and actions under another mode or difficulty must play another game: a
    // server that accepted the kwargs and ignored them would replay the default one.
    List<Step> plain = played(Map.of());
    List<Step> hard = played(Map.of("difficulty", i(1)));
    List<Step> mode4 = played(Map.of("mode", i(4)));
    assertNotEquals(plain, hard, "difficulty 1 played the game of difficulty 0");
    assertNotEquals(plain, mode4, "mode 4 played the game of mode 0");
    assertEquals(mode4, played(Map.of("mode", i(4))), "one mode and seed replay exactly");
  }

  private static List<Step> played(Map<String, Value> kwargs) {
    try (AtariEnv env = make("ALE/Breakout-v5", kwargs)) {
      return play(env, 3, 5, 300);
    }
  }

  private static void assertError(Map<String, Value> kwargs, String... fragments) {
    InvalidValueException e =
        assertThrows(InvalidValueException.class, () -> make("ALE/Breakout-v5", kwargs).close());
    for (String f : fragments) {
      assertTrue(e.getMessage().contains(f), () -> e.getMessage() + " does not mention " + f);
    }
  }

  @Test
  void registersAlePysIds() {
    assertTrue(registry.find("ALE/Breakout-v5").isPresent());
    assertTrue(registry.find("ALE/TicTacToe3D-v5").isPresent());
    assertTrue(registry.find("ALE/Pitfall2-v5").isPresent());
    for (String id :
        List.of("Breakout-v0", "Breakout-v4", "BreakoutNoFrameskip-v0", "BreakoutNoFrameskip-v4")) {
      assertTrue(registry.find(id).isPresent(), id);
    }
    assertFalse(registry.find("Tetris-v4").isPresent(), "tetris is not a legacy game");
    assertFalse(registry.find("ALE/Joust-v5").isPresent(), "newer than ALE 0.7.3");
    Map<String, Value> v0 = registry.find("Breakout-v0").orElseThrow().kwargs();
    assertEquals(2, v0.get("frameskip").getList().getItemsCount());
    assertEquals(0.25, v0.get("repeat_action_probability").getFloatValue());
    Map<String, Value> v4 = registry.find("BreakoutNoFrameskip-v4").orElseThrow().kwargs();
    assertEquals(1, v4.get("frameskip").getIntValue());
    assertEquals(0.0, v4.get("repeat_action_probability").getFloatValue());
    assertEquals(108_000, v4.get("max_num_frames_per_episode").getIntValue());
  }

  @Test
  void envNamesFollowPythonsTitleCase() {
    assertEquals("UpNDown", AtariGames.envName("up_n_down"));
    assertEquals("TicTacToe3D", AtariGames.envName("tic_tac_toe_3d"));
    assertEquals("Pitfall2", AtariGames.envName("pitfall2"));
    assertEquals("Et", AtariGames.envName("et"));
  }
}
