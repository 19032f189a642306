package io.gymbridge.atari.preprocessing;

import static io.gymbridge.atari.preprocessing.Steps.reset;
import static io.gymbridge.atari.preprocessing.Steps.step;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gymbridge.codec.InvalidValueException;
import io.gymbridge.codec.Spaces;
import io.gymbridge.codec.Tensors;
import io.gymbridge.envs.ScriptedEnv;
import io.gymbridge.envs.Transition;
import io.gymbridge.v1.Space;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Stacking over {@link ScriptedEnv}, whose float32 observation {@code [episode, t, seed]} names the
 * reset and step it came from.
 */
class FrameStackObservationTest {

  /** The stacked observation as rows of {@code [episode, t, seed]}, oldest first. */
  private static float[][] rows(Transition out, int n) {
    float[][] rows = new float[n][];
    for (int i = 0; i < n; i++) {
      rows[i] = ScriptedEnv.read(out.obs(), i * ScriptedEnv.observationBytes());
    }
    return rows;
  }

  private static float[] row(float episode, float t, float seed) {
    return new float[] {episode, t, seed};
  }

  @Test
  void resetPaddingRepeatsTheResetObservationAndStepsShiftOldestFirst() {
    FrameStackObservation env =
        new FrameStackObservation(new ScriptedEnv(0), 3, FrameStackObservation.Padding.RESET);
    Transition r = reset(env, 7L);
    assertArrayEquals(new float[][] {row(1, 0, 7), row(1, 0, 7), row(1, 0, 7)}, rows(r, 3));
    assertEquals(1, r.info().get("episode").getIntValue());

    assertArrayEquals(
        new float[][] {row(1, 0, 7), row(1, 0, 7), row(1, 1, 7)}, rows(step(env, 0), 3));
    assertArrayEquals(
        new float[][] {row(1, 0, 7), row(1, 1, 7), row(1, 2, 7)}, rows(step(env, 0), 3));
    assertArrayEquals(
        new float[][] {row(1, 1, 7), row(1, 2, 7), row(1, 3, 7)}, rows(step(env, 0), 3));
    assertArrayEquals(
        new float[][] {row(1, 2, 7), row(1, 3, 7), row(1, 4, 7)}, rows(step(env, 0), 3));

    // A new reset pads with the new reset observation, whatever the ring position.
    assertArrayEquals(
        new float[][] {row(2, 0, 7), row(2, 0, 7), row(2, 0, 7)}, rows(reset(env, null), 3));
    assertArrayEquals(
        new float[][] {row(2, 0, 7), row(2, 0, 7), row(2, 1, 7)}, rows(step(env, 1), 3));
  }

  @Test
  void zeroPaddingFillsWithZeros() {
    FrameStackObservation env =
        new FrameStackObservation(new ScriptedEnv(0), 4, FrameStackObservation.Padding.ZERO);
    assertArrayEquals(
        new float[][] {row(0, 0, 0), row(0, 0, 0), row(0, 0, 0), row(1, 0, 5)},
        rows(reset(env, 5L), 4));
    assertArrayEquals(
        new float[][] {row(0, 0, 0), row(0, 0, 0), row(1, 0, 5), row(1, 1, 5)},
        rows(step(env, 0), 4));
    step(env, 0);
    step(env, 0);
    step(env, 0);
    assertArrayEquals(
        new float[][] {row(0, 0, 0), row(0, 0, 0), row(0, 0, 0), row(2, 0, 5)},
        rows(reset(env, null), 4));
  }

  @Test
  void customPaddingIsOneObservation() {
    ByteBuffer pad = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
    pad.putFloat(0, 1f).putFloat(4, -1f).putFloat(8, 2f);
    FrameStackObservation env = new FrameStackObservation(new ScriptedEnv(0), 2, pad.array());
    assertArrayEquals(new float[][] {row(1, -1, 2), row(1, 0, 3)}, rows(reset(env, 3L), 2));
    assertThrows(
        InvalidValueException.class,
        () -> new FrameStackObservation(new ScriptedEnv(0), 2, new byte[11]));
  }

  @Test
  void stackOfOneIsTheObservationItself() {
    FrameStackObservation env =
        new FrameStackObservation(new ScriptedEnv(0), 1, FrameStackObservation.Padding.RESET);
    assertArrayEquals(new float[][] {row(1, 0, 2)}, rows(reset(env, 2L), 1));
    assertArrayEquals(new float[][] {row(1, 1, 2)}, rows(step(env, 0), 1));
  }

  @Test
  void rewardFlagsAndInfoPassThrough() {
    FrameStackObservation env =
        new FrameStackObservation(new ScriptedEnv(2), 4, FrameStackObservation.Padding.RESET);
    reset(env, 1L);
    Transition first = step(env, 1);
    assertEquals(1.0, first.reward());
    assertFalse(first.terminated());
    Transition second = step(env, 1);
    assertEquals(2.0, second.reward());
    assertTrue(second.terminated());
  }

  @Test
  void observationSpaceIsGymnasiumsBatchSpace() {
    FrameStackObservation env =
        new FrameStackObservation(new ScriptedEnv(0), 4, FrameStackObservation.Padding.RESET);
    Space inner = new ScriptedEnv(0).observationSpace();
    Space stacked = env.observationSpace();
    assertArrayEquals(new long[] {4, 3}, Spaces.shape(stacked));
    assertEquals(Spaces.dtype(inner), Spaces.dtype(stacked));
    var box = stacked.getBox();
    var innerBox = inner.getBox();
    float[] low = Tensors.toFloat32(Spaces.fullBound(box, box.getLow()));
    float[] high = Tensors.toFloat32(Spaces.fullBound(box, box.getHigh()));
    float[] innerLow = Tensors.toFloat32(Spaces.fullBound(innerBox, innerBox.getLow()));
    float[] innerHigh = Tensors.toFloat32(Spaces.fullBound(innerBox, innerBox.getHigh()));
    for (int i = 0; i < 4; i++) {
      for (int j = 0; j < 3; j++) {
        assertEquals(innerLow[j], low[i * 3 + j]);
        assertEquals(innerHigh[j], high[i * 3 + j]);
      }
    }
    FakeAtari fake = new FakeAtari();
    FrameStackObservation frames =
        new FrameStackObservation(
            new AtariPreprocessing(fake, fake, AtariPreprocessing.Options.DEFAULTS),
            4,
            FrameStackObservation.Padding.RESET);
    // Scalar bounds stay scalars: they broadcast to the stacked shape.
    assertEquals(Spaces.boxUint8(0, 255, 4, 84, 84), frames.observationSpace());
    assertEquals(List.of(), frames.observationSpace().getBox().getLow().getShapeList());
  }

  @Test
  void badStackSizesAndPaddingsAreErrors() {
    InvalidValueException size =
        assertThrows(
            InvalidValueException.class,
            () ->
                new FrameStackObservation(
                    new ScriptedEnv(0), 0, FrameStackObservation.Padding.RESET));
    assertTrue(size.getMessage().contains("> 0"), size.getMessage());
    InvalidValueException padding =
        assertThrows(
            InvalidValueException.class, () -> FrameStackObservation.Padding.parse("same"));
    assertTrue(padding.getMessage().contains("'reset', 'zero'"), padding.getMessage());
  }
}
