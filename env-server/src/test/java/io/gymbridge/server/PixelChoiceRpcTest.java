package io.gymbridge.server;

import static io.gymbridge.server.Wire.make;
import static io.gymbridge.server.Wire.reset;
import static io.gymbridge.server.Wire.step;
import static io.gymbridge.server.Wire.stepOk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.gymbridge.v1.BoxSpace;
import io.gymbridge.v1.DType;
import io.gymbridge.v1.MakeResponse;
import io.gymbridge.v1.StepResponse;
import io.gymbridge.v1.Tensor;
import io.gymbridge.v1.Value;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** PixelChoice-v0 over a real socket: uint8 [n, 1, 36, 36] batches, rewards and episode ends. */
class PixelChoiceRpcTest {
  private static final int N = 3;
  private static final int PIXELS = 36 * 36;

  private TestServer server;

  @BeforeEach
  void start() throws Exception {
    server = TestServer.start();
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  private static void assertBatch(Value observation) {
    Tensor t = observation.getTensor();
    assertEquals(DType.DTYPE_UINT8, t.getDtype());
    assertEquals(List.of((long) N, 1L, 36L, 36L), t.getShapeList());
    assertEquals(N * PIXELS, t.getData().size());
  }

  /** The half holding env i's square: the one with more 255 pixels (the noise stays below 64). */
  private static long[] sides(Value observation) {
    byte[] data = observation.getTensor().getData().toByteArray();
    long[] sides = new long[N];
    for (int i = 0; i < N; i++) {
      int right = 0;
      int white = 0;
      for (int p = 0; p < PIXELS; p++) {
        if ((data[i * PIXELS + p] & 0xff) == 255) {
          white++;
          right += p % 36 >= 18 ? 1 : 0;
        }
      }
      assertEquals(100, white, "env " + i + ": one 10x10 square");
      sides[i] = right == 0 ? 0 : 1;
    }
    return sides;
  }

  @Test
  void makeResetAndStepCarryUint8ImageBatches() {
    MakeResponse made = server.env().make(make("PixelChoice-v0", N));
    BoxSpace box = made.getSpec().getObservationSpace().getBox();
    assertEquals(DType.DTYPE_UINT8, box.getDtype());
    assertEquals(List.of(1L, 36L, 36L), box.getShapeList());
    assertEquals(2, made.getSpec().getActionSpace().getDiscrete().getN());
    assertEquals(15.0, made.getSpec().getRewardThreshold());
    assertFalse(made.getSpec().hasMaxEpisodeSteps());

    String id = made.getSessionId();
    Value obs = server.env().reset(reset(id, 0)).getObservation();
    assertBatch(obs);
    for (int t = 1; t <= 16; t++) {
      StepResponse s = stepOk(server.env().step(step(id, sides(obs))), N);
      assertBatch(s.getObservation());
      for (int i = 0; i < N; i++) {
        assertEquals(1.0, s.getRewards(i), "the right half pays, env " + i + " step " + t);
        assertEquals(t == 16, s.getTerminated(i), "env " + i + " step " + t);
        assertFalse(s.getTruncated(i));
      }
      obs = s.getObservation();
    }
    // NEXT_STEP autoreset: the step after the end resets, paying nothing.
    StepResponse next = stepOk(server.env().step(step(id, 0, 0, 0)), N);
    assertBatch(next.getObservation());
    for (int i = 0; i < N; i++) {
      assertEquals(0.0, next.getRewards(i));
      assertFalse(next.getTerminated(i));
    }
    sides(next.getObservation());
    server.env().close(Wire.close(id));
  }
}
