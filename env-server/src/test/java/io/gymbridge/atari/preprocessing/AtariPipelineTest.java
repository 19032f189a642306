package io.gymbridge.atari.preprocessing;

import static io.gymbridge.atari.preprocessing.Steps.obs;
import static io.gymbridge.atari.preprocessing.Steps.reset;
import static io.gymbridge.atari.preprocessing.Steps.step;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import io.gymbridge.codec.InvalidValueException;
import io.gymbridge.codec.Spaces;
import io.gymbridge.envs.Env;
import io.gymbridge.envs.Transition;
import io.gymbridge.envs.wrappers.RecordEpisodeStatistics;
import io.gymbridge.random.NumpyGenerator;
import io.gymbridge.v1.Value;
import io.gymbridge.v1.ValueList;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AtariPipelineTest {
  private static Value bool(boolean b) {
    return Value.newBuilder().setBoolValue(b).build();
  }

  private static Value integer(long n) {
    return Value.newBuilder().setIntValue(n).build();
  }

  private static Value string(String s) {
    return Value.newBuilder().setStringValue(s).build();
  }

  private static Value list(Value... items) {
    return Value.newBuilder().setList(ValueList.newBuilder().addAllItems(List.of(items))).build();
  }

  private static InvalidValueException error(Map<String, Value> kwargs) {
    return assertThrows(InvalidValueException.class, () -> AtariPipeline.fromKwargs(kwargs));
  }

  @Test
  void sizesBeyondTheServersBoundsAreRefusedBeforeAnythingIsBuilt() {
    Value on = bool(true);
    assertTrue(
        error(Map.of("atari_preprocessing", on, "noop_max", integer(10_001)))
            .getMessage()
            .contains("noop_max: expected an integer in [0, 10000]"));
    assertTrue(
        error(Map.of("atari_preprocessing", on, "frame_skip", integer(1 << 30)))
            .getMessage()
            .contains("[1, 1000]"));
    assertTrue(error(Map.of("frame_stack", integer(129))).getMessage().contains("[0, 128]"));
  }

  @Test
  void defaultKwargsNameEveryOptionAndMakeNoWrapper() {
    assertEquals(
        List.of(
            "preprocessing",
            "atari_preprocessing",
            "noop_max",
            "frame_skip",
            "screen_size",
            "terminal_on_life_loss",
            "grayscale_obs",
            "grayscale_newaxis",
            "scale_obs",
            "record_episode_statistics",
            "episodic_life",
            "fire_reset",
            "clip_reward",
            "frame_stack",
            "stack_padding"),
        new ArrayList<>(AtariPipeline.DEFAULT_KWARGS.keySet()));
    assertEquals(string("none"), AtariPipeline.DEFAULT_KWARGS.get("preprocessing"));
    assertEquals(integer(30), AtariPipeline.DEFAULT_KWARGS.get("noop_max"));
    assertEquals(integer(0), AtariPipeline.DEFAULT_KWARGS.get("frame_stack"));

    AtariPipeline none = AtariPipeline.fromKwargs(Map.of());
    assertTrue(none.isIdentity());
    assertEquals(AtariPipeline.DEFAULT_KWARGS, none.effectiveKwargs());
    FakeAtari fake = new FakeAtari();
    assertSame(fake, none.wrap(fake, fake, true));
  }

  @Test
  void naturePresetExpandsToTheNatureDqnPipeline() {
    Map<String, Value> eff =
        AtariPipeline.effectiveKwargs(Map.of("preprocessing", string("nature")));
    assertEquals(bool(true), eff.get("atari_preprocessing"));
    assertEquals(integer(30), eff.get("noop_max"));
    assertEquals(integer(4), eff.get("frame_skip"));
    assertEquals(integer(84), eff.get("screen_size"));
    assertEquals(bool(false), eff.get("terminal_on_life_loss"));
    assertEquals(bool(true), eff.get("grayscale_obs"));
    assertEquals(bool(true), eff.get("record_episode_statistics"));
    assertEquals(bool(true), eff.get("episodic_life"));
    assertEquals(bool(true), eff.get("fire_reset"));
    assertEquals(bool(true), eff.get("clip_reward"));
    assertEquals(integer(4), eff.get("frame_stack"));
    assertEquals(string("reset"), eff.get("stack_padding"));

    FakeAtari fake = new FakeAtari();
    Env env =
        AtariPipeline.fromKwargs(Map.of("preprocessing", string("nature"))).wrap(fake, fake, true);
    assertEquals(Spaces.boxUint8(0, 255, 4, 84, 84), env.observationSpace());
    // FrameStack(ClipReward(FireReset(EpisodicLife(RecordEpisodeStatistics(AtariPreprocessing(
    // made)))))).
    assertInstanceOf(FrameStackObservation.class, env);
  }

  @Test
  void explicitKwargsOverrideThePreset() {
    Map<String, Value> kwargs =
        Map.of(
            "preprocessing", string("nature"),
            "frame_stack", integer(2),
            "clip_reward", bool(false),
            "screen_size", list(integer(64), integer(48)));
    AtariPipeline p = AtariPipeline.fromKwargs(kwargs);
    assertEquals(integer(2), p.effectiveKwargs().get("frame_stack"));
    assertEquals(bool(false), p.effectiveKwargs().get("clip_reward"));
    assertEquals(bool(true), p.effectiveKwargs().get("episodic_life"));
    assertEquals(64, p.preprocessingOptions().screenWidth());
    assertEquals(48, p.preprocessingOptions().screenHeight());
    FakeAtari fake = new FakeAtari();
    assertEquals(Spaces.boxUint8(0, 255, 2, 48, 64), p.wrap(fake, fake, false).observationSpace());
  }

  @Test
  void theNaturePipelineStepsAsTheWrappersComposed() {
    long seed = 11;
    FakeAtari fake = new FakeAtari();
    fake.reward = t -> t % 3 == 0 ? 7 : 0;
    Env env =
        AtariPipeline.fromKwargs(Map.of("preprocessing", string("nature"))).wrap(fake, fake, true);

    Transition r = reset(env, seed);
    long noops = NumpyGenerator.fromSeed(seed).integers(1, 31);
    List<Long> expectedActions = new ArrayList<>();
    for (int i = 0; i < noops; i++) {
      expectedActions.add(0L);
    }
    for (long a : new long[] {1, 1, 1, 1, 2, 2, 2, 2}) { // FIRE and 2, each repeated 4 times
      expectedActions.add(a);
    }
    assertEquals(expectedActions, fake.actions);
    assertTrue(r.info().isEmpty()); // FireReset's {}
    byte[] frame = new byte[84 * 84];
    long last = fake.screenId();
    new AreaResize(210, 160, 84, 84, 1)
        .resize(Steps.max(fake.grayScreen(last - 1), fake.grayScreen(last)), frame);
    byte[] stacked = obs(r);
    for (int i = 0; i < 4; i++) {
      assertArrayEquals(frame, java.util.Arrays.copyOfRange(stacked, i * 7056, (i + 1) * 7056));
    }

    fake.lifeLossAt = Set.of((int) noops + 8 + 4 + 10); // 10 frames after the next step
    Transition s = step(env, 3);
    assertEquals(1.0, s.reward()); // some multiple of 3 among the 4 frames: clipped 7s
    byte[] after = obs(s);
    assertArrayEquals(frame, java.util.Arrays.copyOfRange(after, 2 * 7056, 3 * 7056));

    boolean lifeLost = false;
    for (int i = 0; i < 10 && !lifeLost; i++) {
      lifeLost = step(env, 0).terminated();
    }
    assertTrue(lifeLost, "episodic_life ends the learner's episode at the lost life");
  }

  @Test
  void recordEpisodeStatisticsAloneWrapsTheMadeEnvDirectly() {
    AtariPipeline p = AtariPipeline.fromKwargs(Map.of("record_episode_statistics", bool(true)));
    assertFalse(p.isIdentity());
    FakeAtari fake = new FakeAtari();
    assertInstanceOf(RecordEpisodeStatistics.class, p.wrap(fake, fake, true));
  }

  /**
   * Without atari_preprocessing every wrapper step is one fake step, so the count is exact: three
   * lives lost at fake steps 5, 12 and 20, the last one the game over. FireReset takes steps 1-2
   * after the real reset; after each lost life EpisodicLife's NOOP and FireReset's two steps take
   * 6-8 and 13-15; the agent takes 3-5, 9-12 and 16-20 (12 steps). The statistics count all 20 and
   * sum all 20 unclipped rewards (t on step t), though the learner saw 3 episodes of clipped ones.
   */
  @Test
  void statisticsBeneathLifeLossAndClippingReportTheWholeGameOnceUnclipped() {
    FakeAtari fake = new FakeAtari();
    fake.startLives = 3;
    fake.lifeLossAt = Set.of(5, 12, 20);
    Map<String, Value> kwargs =
        Map.of(
            "record_episode_statistics", bool(true),
            "episodic_life", bool(true),
            "fire_reset", bool(true),
            "clip_reward", bool(true));
    Env env = AtariPipeline.fromKwargs(kwargs).wrap(fake, fake, true);
    reset(env, 3L);
    int agentSteps = 0;
    int learnerEpisodes = 0;
    Transition s = null;
    while (fake.lives() > 0) {
      if (s != null && s.terminated()) {
        assertFalse(s.info().containsKey("episode"), "a lost life reports nothing");
        reset(env, null);
      }
      s = step(env, 3);
      agentSteps++;
      assertEquals(1.0, s.reward(), "clipped for the learner");
      learnerEpisodes += s.terminated() ? 1 : 0;
    }
    assertEquals(3, learnerEpisodes);
    assertEquals(12, agentSteps);
    Map<String, Value> episode = s.info().get("episode").getMap().getEntriesMap();
    assertEquals(20, episode.get("l").getIntValue());
    assertEquals(20 * 21 / 2.0, episode.get("r").getFloatValue());
    assertEquals(1, fake.resets(), "one real reset: the lives were lost within one game");
  }

  @Test
  void aStepOfTheNaturePipelineAllocatesNothing() {
    FakeAtari fake = new FakeAtari(100, 90);
    fake.writeObservation = false;
    fake.writeInfo = false;
    fake.recordActions = false;
    Env env =
        AtariPipeline.fromKwargs(Map.of("preprocessing", string("nature"))).wrap(fake, fake, true);
    Transition out = Steps.out(env);
    env.reset(1L, Map.of(), out);
    ByteBuffer action = Actions.discrete(2);
    for (int i = 0; i < 3000; i++) {
      out.clear();
      env.step(action, out);
    }
    ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    long id = Thread.currentThread().getId();
    long before = mx.getThreadAllocatedBytes(id);
    int steps = 2000;
    for (int i = 0; i < steps; i++) {
      out.clear();
      env.step(action, out);
    }
    long allocated = mx.getThreadAllocatedBytes(id) - before;
    assertTrue(
        allocated < 64L * 1024, "allocated " + allocated + " bytes over " + steps + " steps");
    assertFalse(out.terminated());
  }

  @Test
  void badKwargsAreErrorsNamingTheKwarg() {
    assertTrue(error(Map.of("noop", integer(3))).getMessage().contains("['noop']"));
    assertTrue(
        error(Map.of("preprocessing", string("atari"))).getMessage().startsWith("preprocessing"));
    assertTrue(
        error(Map.of("atari_preprocessing", integer(1)))
            .getMessage()
            .contains("['atari_preprocessing']: expected a bool"));
    Value nature = string("nature");
    assertTrue(
        error(Map.of("preprocessing", nature, "noop_max", integer(-1)))
            .getMessage()
            .startsWith("noop_max"));
    assertTrue(
        error(Map.of("preprocessing", nature, "frame_skip", integer(0)))
            .getMessage()
            .startsWith("frame_skip"));
    for (Value size :
        List.of(integer(0), list(integer(84)), string("84"), list(integer(84), integer(-2)))) {
      assertTrue(
          error(Map.of("preprocessing", nature, "screen_size", size))
              .getMessage()
              .startsWith("screen_size"),
          size.toString());
    }
    assertTrue(error(Map.of("frame_stack", integer(-1))).getMessage().startsWith("frame_stack"));
    assertTrue(
        error(Map.of("frame_stack", integer(4), "stack_padding", string("same")))
            .getMessage()
            .startsWith("stack_padding"));
  }

  @Test
  void optionsOfAStageThatIsOffAreErrorsNotSilentNoOps() {
    InvalidValueException e = error(Map.of("noop_max", integer(10)));
    assertTrue(e.getMessage().startsWith("noop_max"), e.getMessage());
    assertTrue(e.getMessage().contains("atari_preprocessing"), e.getMessage());
    InvalidValueException padding = error(Map.of("stack_padding", string("zero")));
    assertTrue(padding.getMessage().contains("frame_stack"), padding.getMessage());
    // With the stage on, the same kwargs are fine.
    AtariPipeline.fromKwargs(Map.of("atari_preprocessing", bool(true), "noop_max", integer(10)));
    AtariPipeline.fromKwargs(Map.of("frame_stack", integer(4), "stack_padding", string("zero")));
  }

  @Test
  void fireResetNeedsFireInTheActionSet() {
    FakeAtari fake = new FakeAtari(21, 16);
    Env env = AtariPipeline.fromKwargs(Map.of("fire_reset", bool(true))).wrap(fake, fake, false);
    reset(env, 1L);
    assertTrue(fake.actions.isEmpty());
  }

  @Test
  void theBaseFrameskipCheckReachesTheCaller() {
    FakeAtari fake = new FakeAtari();
    fake.baseFrameskip = 4;
    AtariPipeline p = AtariPipeline.fromKwargs(Map.of("preprocessing", string("nature")));
    InvalidValueException e =
        assertThrows(InvalidValueException.class, () -> p.wrap(fake, fake, true));
    assertTrue(e.getMessage().contains("Disable frame-skipping"), e.getMessage());
  }
}
