package io.gymbridge.atari.preprocessing;

import static io.gymbridge.atari.preprocessing.Steps.info;
import static io.gymbridge.atari.preprocessing.Steps.max;
import static io.gymbridge.atari.preprocessing.Steps.obs;
import static io.gymbridge.atari.preprocessing.Steps.reset;
import static io.gymbridge.atari.preprocessing.Steps.step;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gymbridge.codec.InvalidValueException;
import io.gymbridge.codec.Spaces;
import io.gymbridge.envs.Transition;
import io.gymbridge.random.NumpyGenerator;
import io.gymbridge.v1.DType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AtariPreprocessingTest {
  private static final int H = 210;
  private static final int W = 160;

  /** Gymnasium's defaults except noop_max, frame_skip, screen size and the given flags. */
  private static AtariPreprocessing.Options options(int noops, int skip, int width, int height) {
    return new AtariPreprocessing.Options(noops, skip, width, height, false, true, false, false);
  }

  /** No noops, skip 4, no resize: observations are the max-pooled screens themselves. */
  private static AtariPreprocessing unresized(FakeAtari fake, boolean terminalOnLifeLoss) {
    return new AtariPreprocessing(
        fake,
        fake,
        new AtariPreprocessing.Options(0, 4, W, H, terminalOnLifeLoss, true, false, false));
  }

  @Test
  void noopCountsAreDrawnFromTheEnvsPcg64StreamAfterTheInnerReset() {
    Set<Long> counts = new HashSet<>();
    for (long seed = 0; seed < 20; seed++) {
      FakeAtari fake = new FakeAtari();
      fake.writeObservation = false;
      AtariPreprocessing env = new AtariPreprocessing(fake, fake, options(30, 4, 84, 84));
      NumpyGenerator expected = NumpyGenerator.fromSeed(seed);

      reset(env, seed);
      long noops = expected.integers(1, 31);
      assertEquals(noops, fake.actions.size(), "seed " + seed);
      assertTrue(fake.actions.stream().allMatch(a -> a == Actions.NOOP));
      counts.add(noops);

      fake.actions.clear();
      reset(env, null); // an unseeded reset continues the same generator
      assertEquals(expected.integers(1, 31), fake.actions.size(), "seed " + seed);
    }
    assertTrue(counts.size() > 8, "noop counts should vary with the seed: " + counts);
  }

  @Test
  void noopMaxZeroTakesNoNoops() {
    FakeAtari fake = new FakeAtari();
    AtariPreprocessing env = new AtariPreprocessing(fake, fake, options(0, 4, 84, 84));
    reset(env, 3L);
    assertEquals(0, fake.actions.size());
  }

  @Test
  void anEpisodeEndingDuringNoopsIsResetWithTheSameSeedAndItsInfoReplacesTheMergedOne() {
    long seed = 0;
    while (NumpyGenerator.fromSeed(seed).integers(1, 31) < 7) {
      seed++;
    }
    long noops = NumpyGenerator.fromSeed(seed).integers(1, 31);
    FakeAtari fake = new FakeAtari();
    fake.writeObservation = false;
    fake.terminateAt = 2; // every second noop ends the episode
    AtariPreprocessing env = new AtariPreprocessing(fake, fake, options(30, 4, 84, 84));

    Transition out = reset(env, seed);

    assertEquals(noops, fake.actions.size());
    assertEquals(1 + noops / 2, fake.resets());
    assertEquals(Collections.nCopies((int) (1 + noops / 2), seed), fake.resetSeeds);
    // After the last re-reset, its info is the reset info updated by the later noops' infos.
    assertEquals(noops % 2, info(out, "episode_frame_number"));
    assertEquals(noops, info(out, "frame_number"));
    assertEquals(3, info(out, "lives"));

    // The re-reset reseeded np_random, so the next unseeded reset draws the seed's first count.
    fake.actions.clear();
    reset(env, null);
    assertEquals(noops, fake.actions.size());
  }

  @Test
  void resetObservationIsTheScreenAfterTheNoops() {
    FakeAtari fake = new FakeAtari();
    AtariPreprocessing env = unresized(fake, false);
    Transition out = reset(env, 1L);
    assertArrayEquals(fake.grayScreen(0), obs(out)); // max with the zeroed buffer 1
  }

  @Test
  void stepRepeatsTheActionSumsRewardsAndMaxPoolsTheLastTwoScreens() {
    FakeAtari fake = new FakeAtari();
    AtariPreprocessing env = unresized(fake, false);
    reset(env, 1L);

    Transition first = step(env, 3);
    assertEquals(java.util.List.of(3L, 3L, 3L, 3L), fake.actions);
    assertEquals(1 + 2 + 3 + 4, first.reward());
    assertArrayEquals(max(fake.grayScreen(3), fake.grayScreen(4)), obs(first));
    assertEquals(4, info(first, "episode_frame_number")); // the last inner step's info

    Transition second = step(env, 2);
    assertEquals(5 + 6 + 7 + 8, second.reward());
    assertArrayEquals(max(fake.grayScreen(7), fake.grayScreen(8)), obs(second));
    assertFalse(second.terminated() || second.truncated());
  }

  @Test
  void observationIsTheAreaResizeOfTheMaxPooledScreen() {
    FakeAtari fake = new FakeAtari();
    AtariPreprocessing env = new AtariPreprocessing(fake, fake, options(0, 4, 84, 84));
    reset(env, 1L);
    Transition out = step(env, 0);
    byte[] expected = new byte[84 * 84];
    new AreaResize(H, W, 84, 84, 1).resize(max(fake.grayScreen(3), fake.grayScreen(4)), expected);
    assertArrayEquals(expected, obs(out));
    assertEquals(Spaces.boxUint8(0, 255, 84, 84), env.observationSpace());
  }

  @Test
  void screenSizeIsWidthThenHeight() {
    FakeAtari fake = new FakeAtari();
    AtariPreprocessing env = new AtariPreprocessing(fake, fake, options(0, 4, 96, 64));
    assertEquals(Spaces.boxUint8(0, 255, 64, 96), env.observationSpace());
    reset(env, 1L);
    Transition out = step(env, 0);
    byte[] expected = new byte[64 * 96];
    new AreaResize(H, W, 64, 96, 1).resize(max(fake.grayScreen(3), fake.grayScreen(4)), expected);
    assertArrayEquals(expected, obs(out));
  }

  @Test
  void anEpisodeEndingBeforeTheGrabsRepeatsThePreviousObservationFromTheStaleBuffers() {
    FakeAtari fake = new FakeAtari();
    fake.terminateAt = 6; // the second repeat of the second step
    AtariPreprocessing env = unresized(fake, false);
    reset(env, 1L);
    byte[] previous = obs(step(env, 0));

    Transition end = step(env, 0);
    assertTrue(end.terminated());
    assertEquals(5 + 6, end.reward());
    assertEquals(6, fake.actions.size());
    // buffer 0 holds max(s3, s4) (pooled in place), buffer 1 holds s3: their max is unchanged.
    assertArrayEquals(previous, obs(end));
  }

  @Test
  void anEpisodeEndingOnTheLastRepeatPoolsTheFreshSecondToLastScreenWithTheStaleMax() {
    FakeAtari fake = new FakeAtari();
    fake.terminateAt = 8; // the fourth repeat of the second step
    AtariPreprocessing env = unresized(fake, false);
    reset(env, 1L);
    byte[] previous = obs(step(env, 0));

    Transition end = step(env, 0);
    assertTrue(end.terminated());
    assertEquals(5 + 6 + 7 + 8, end.reward());
    assertArrayEquals(max(previous, fake.grayScreen(7)), obs(end));
  }

  @Test
  void truncationMidSkipBreaksTheLoopLikeTermination() {
    FakeAtari fake = new FakeAtari();
    fake.truncateAt = 2;
    AtariPreprocessing env = unresized(fake, false);
    reset(env, 1L);
    Transition out = step(env, 0);
    assertTrue(out.truncated());
    assertFalse(out.terminated());
    assertEquals(1 + 2, out.reward());
    assertArrayEquals(fake.grayScreen(0), obs(out)); // still the reset frame in buffer 0
  }

  @Test
  void terminalOnLifeLossEndsTheStepAtTheLostLife() {
    FakeAtari fake = new FakeAtari();
    fake.lifeLossAt = Set.of(6, 10);
    fake.lifeGainAt = Set.of(2);
    AtariPreprocessing env = unresized(fake, true);
    reset(env, 1L);
    Transition first = step(env, 0); // a gained life does not terminate
    assertFalse(first.terminated());

    Transition loss = step(env, 0);
    assertTrue(loss.terminated());
    assertEquals(5 + 6, loss.reward());
    assertEquals(3, fake.lives());
    assertTrue(env.gameOver());

    // The count seen at the loss is the new reference: the next loss terminates again.
    Transition next = step(env, 0);
    assertTrue(next.terminated());
    assertEquals(7 + 8 + 9 + 10, next.reward());
  }

  @Test
  void withoutTerminalOnLifeLossALostLifeDoesNotEndTheStep() {
    FakeAtari fake = new FakeAtari();
    fake.lifeLossAt = Set.of(6);
    AtariPreprocessing env = unresized(fake, false);
    reset(env, 1L);
    step(env, 0);
    Transition out = step(env, 0);
    assertFalse(out.terminated());
    assertEquals(5 + 6 + 7 + 8, out.reward());
    assertEquals(2, info(out, "lives"));
  }

  @Test
  void frameSkipOneNeitherRepeatsNorPools() {
    FakeAtari fake = new FakeAtari();
    fake.baseFrameskip = 4; // Gymnasium checks the base frameskip only when frame_skip > 1
    AtariPreprocessing env = new AtariPreprocessing(fake, fake, options(0, 1, W, H));
    reset(env, 1L);
    Transition out = step(env, 2);
    assertEquals(1, fake.actions.size());
    assertArrayEquals(fake.grayScreen(1), obs(out));
    assertArrayEquals(fake.grayScreen(2), obs(step(env, 2)));
  }

  @Test
  void rgbObservationsResizeAllThreeChannels() {
    FakeAtari fake = new FakeAtari();
    AtariPreprocessing env =
        new AtariPreprocessing(
            fake, fake, new AtariPreprocessing.Options(0, 4, 84, 84, false, false, true, false));
    assertEquals(Spaces.boxUint8(0, 255, 84, 84, 3), env.observationSpace());
    reset(env, 1L);
    Transition out = step(env, 0);
    byte[] expected = new byte[84 * 84 * 3];
    new AreaResize(H, W, 84, 84, 3).resize(max(fake.rgbScreen(3), fake.rgbScreen(4)), expected);
    assertArrayEquals(expected, obs(out));
  }

  @Test
  void grayscaleNewaxisAddsAChannelAxisOfOne() {
    FakeAtari fake = new FakeAtari();
    AtariPreprocessing env =
        new AtariPreprocessing(
            fake, fake, new AtariPreprocessing.Options(0, 4, 84, 84, false, true, true, false));
    assertEquals(Spaces.boxUint8(0, 255, 84, 84, 1), env.observationSpace());
    AtariPreprocessing plain =
        new AtariPreprocessing(new FakeAtari(), new FakeAtari(), options(0, 4, 84, 84));
    assertEquals(
        Spaces.elementBytes(plain.observationSpace()), Spaces.elementBytes(env.observationSpace()));
  }

  @Test
  void scaleObsGivesFloat32OverTwoFiftyFive() {
    FakeAtari fake = new FakeAtari();
    AtariPreprocessing env =
        new AtariPreprocessing(
            fake, fake, new AtariPreprocessing.Options(0, 4, 84, 84, false, true, false, true));
    assertEquals(DType.DTYPE_FLOAT32, Spaces.dtype(env.observationSpace()));
    assertArrayEquals(new long[] {84, 84}, Spaces.shape(env.observationSpace()));
    float[] high = new float[84 * 84];
    java.util.Arrays.fill(high, 1f);
    assertEquals(Spaces.boxFloat32(new float[84 * 84], high, 84, 84), env.observationSpace());

    reset(env, 1L);
    Transition out = step(env, 0);
    byte[] expected = new byte[84 * 84];
    new AreaResize(H, W, 84, 84, 1).resize(max(fake.grayScreen(3), fake.grayScreen(4)), expected);
    ByteBuffer floats = out.obs().duplicate().order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < expected.length; i++) {
      float want = (float) (expected[i] & 0xff) / 255.0f;
      assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(floats.getFloat(i * 4)));
    }
  }

  @Test
  void aBaseFrameskipOtherThanOneIsGymnasiumsError() {
    FakeAtari fake = new FakeAtari();
    fake.baseFrameskip = 4;
    InvalidValueException e =
        assertThrows(
            InvalidValueException.class,
            () -> new AtariPreprocessing(fake, fake, AtariPreprocessing.Options.DEFAULTS));
    assertTrue(
        e.getMessage().startsWith("Disable frame-skipping in the original env."), e.getMessage());
    assertTrue(e.getMessage().contains("frameskip=4"), e.getMessage());
  }

  @Test
  void badOptionsAreErrorsNamingTheKwarg() {
    InvalidValueException noops =
        assertThrows(InvalidValueException.class, () -> options(-1, 4, 84, 84));
    assertTrue(noops.getMessage().startsWith("noop_max"), noops.getMessage());
    InvalidValueException skip =
        assertThrows(InvalidValueException.class, () -> options(30, 0, 84, 84));
    assertTrue(skip.getMessage().startsWith("frame_skip"), skip.getMessage());
    InvalidValueException size =
        assertThrows(InvalidValueException.class, () -> options(30, 4, 0, 84));
    assertTrue(size.getMessage().startsWith("screen_size"), size.getMessage());
    FakeAtari fake = new FakeAtari();
    InvalidValueException larger =
        assertThrows(
            InvalidValueException.class,
            () -> new AtariPreprocessing(fake, fake, options(30, 4, 84, 211)));
    assertTrue(larger.getMessage().startsWith("screen_size"), larger.getMessage());
  }
}
