package io.gymbridge.envs.debug;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import io.gymbridge.codec.InvalidValueException;
import io.gymbridge.codec.Spaces;
import io.gymbridge.envs.Env;
import io.gymbridge.envs.EnvRegistration;
import io.gymbridge.envs.EnvRegistry;
import io.gymbridge.envs.ResetNeededException;
import io.gymbridge.envs.RgbFrame;
import io.gymbridge.envs.Transition;
import io.gymbridge.v1.EnvSpec;
import io.gymbridge.v1.Value;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PixelChoiceEnvTest {
  private static final int SIZE = PixelChoiceEnv.SIZE;
  private static final EnvRegistration REG =
      EnvRegistry.builtin().find("PixelChoice-v0").orElseThrow();

  private final Transition out = Transition.ofSize(SIZE * SIZE);
  private final ByteBuffer action = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);

  private static Env make() {
    return EnvRegistry.make(REG, Map.of(), null);
  }

  private byte[] reset(Env env, Long seed) {
    out.clear();
    env.reset(seed, Map.of(), out);
    return obs();
  }

  private byte[] step(Env env, long a) {
    out.clear();
    action.putLong(0, a);
    env.step(action, out);
    return obs();
  }

  private byte[] obs() {
    byte[] b = new byte[SIZE * SIZE];
    out.obs().get(0, b);
    return b;
  }

  /**
   * The half (0 left, 1 right) holding the square, read from the bytes alone; asserts the image is
   * noise in 0..63 plus exactly one 10x10 block of 255 lying wholly in that half.
   */
  static int sideOf(byte[] image) {
    int top = -1;
    int left = -1;
    int white = 0;
    for (int r = 0; r < SIZE; r++) {
      for (int c = 0; c < SIZE; c++) {
        int v = image[r * SIZE + c] & 0xff;
        if (v == 255) {
          if (top < 0) {
            top = r;
            left = c;
          }
          white++;
        } else {
          assertTrue(v <= PixelChoiceEnv.NOISE_MAX, "noise pixel " + v + " at " + r + "," + c);
        }
      }
    }
    int square = PixelChoiceEnv.SQUARE;
    assertEquals(square * square, white, "white pixels");
    for (int r = top; r < top + square; r++) {
      for (int c = left; c < left + square; c++) {
        assertEquals(255, image[r * SIZE + c] & 0xff, "square pixel " + r + "," + c);
      }
    }
    int side = left < PixelChoiceEnv.HALF ? 0 : 1;
    assertEquals(side, (left + square - 1) < PixelChoiceEnv.HALF ? 0 : 1, "within one half");
    return side;
  }

  @Test
  void spacesAndSpecThroughTheRegistry() {
    Env env = make();
    assertEquals(Spaces.boxUint8(0, 255, 1, 36, 36), env.observationSpace());
    assertEquals(Spaces.discrete(2), env.actionSpace());
    EnvSpec spec = EnvRegistry.spec(REG, env, Map.of(), null);
    assertEquals("PixelChoice-v0", spec.getId());
    assertEquals(List.of(1L, 36L, 36L), spec.getObservationSpace().getBox().getShapeList());
    assertEquals(15.0, spec.getRewardThreshold());
    assertFalse(spec.hasMaxEpisodeSteps(), "the env terminates itself; no TimeLimit");
    assertTrue(spec.getKwargsMap().isEmpty());
    assertFalse(spec.getNondeterministic());
    assertEquals(List.of("rgb_array"), spec.getRenderModesList());
  }

  @Test
  void theSameSeedGivesTheSameImagesAndAnUnseededResetContinuesTheStream() {
    Env a = make();
    Env b = make();
    byte[] first = reset(a, 7L);
    assertArrayEquals(first, reset(b, 7L));
    for (int t = 0; t < 20; t++) {
      assertArrayEquals(step(a, t % 2), step(b, t % 2), "step " + t);
    }
    assertArrayEquals(first, reset(a, 7L), "a seeded reset starts the stream over");
    assertFalse(java.util.Arrays.equals(first, reset(a, null)), "unseeded: the stream goes on");
    assertFalse(java.util.Arrays.equals(first, reset(b, 8L)), "another seed, another image");
  }

  /**
   * The draws are numpy's, so a Python twin reproduces the images (Gymnasium 1.3.0, numpy 2.x):
   *
   * <pre>
   * rng, _ = gymnasium.utils.seeding.np_random(0)
   * def draw(rng):
   *     side = rng.integers(0, 2); top = rng.integers(0, 27); left = side * 18 + rng.integers(0, 9)
   *     raw = rng.bit_generator.random_raw(130)
   *     img = np.array([(int(raw[i // 10]) >> (6 * (i % 10))) &amp; 63 for i in range(1296)],
   *                    np.uint8).reshape(36, 36)
   *     img[top:top + 10, left:left + 10] = 255
   *     return hashlib.sha256(img.tobytes()).hexdigest()[:32]
   * [draw(rng) for _ in range(3)]   # reset(seed=0), then two steps
   * </pre>
   */
  @Test
  void imagesAreTheNumpyDrawsOfTheDocumentedRecipe() {
    Env env = make();
    assertEquals("1ea030d6310eb0d3ca3fadfbe0110f23", sha256(reset(env, 0L)));
    assertEquals("a041a4e7a217ffdff81593165a672911", sha256(step(env, 0)));
    assertEquals("8b0edaf1c591ed0c2cfa4870091deaad", sha256(step(env, 1)));
  }

  @Test
  void rewardIsOneExactlyWhenTheActionNamesTheSquaresSide() {
    Env env = make();
    Random rng = new Random(3);
    int[] sides = new int[2];
    int paid = 0;
    for (int episode = 0; episode < 50; episode++) {
      byte[] image = reset(env, episode == 0 ? 11L : null);
      for (int t = 0; t < PixelChoiceEnv.EPISODE_STEPS; t++) {
        int side = sideOf(image);
        sides[side]++;
        long a = rng.nextInt(2);
        image = step(env, a);
        assertEquals(a == side ? 1.0 : 0.0, out.reward(), "episode " + episode + " step " + t);
        paid += (int) out.reward();
      }
    }
    assertTrue(sides[0] > 300 && sides[1] > 300, "both sides drawn: " + sides[0] + "/" + sides[1]);
    assertTrue(paid > 300 && paid < 500, "random play is right about half the time: " + paid);
  }

  @Test
  void theOptimalPolicyScoresSixteen() {
    Env env = make();
    byte[] image = reset(env, 5L);
    double total = 0;
    for (int t = 0; t < PixelChoiceEnv.EPISODE_STEPS; t++) {
      image = step(env, sideOf(image));
      total += out.reward();
    }
    assertEquals(16.0, total);
  }

  @Test
  void theEpisodeTerminatesOnTheSixteenthStepAndIsNeverTruncated() {
    Env env = make();
    reset(env, 1L);
    for (int t = 1; t <= 15; t++) {
      step(env, 0);
      assertFalse(out.terminated(), "step " + t);
      assertFalse(out.truncated(), "step " + t);
    }
    step(env, 0);
    assertTrue(out.terminated(), "step 16");
    assertFalse(out.truncated(), "step 16");
    step(env, 0);
    assertTrue(out.terminated(), "stepping on past the end stays terminated");
    reset(env, null);
    step(env, 0);
    assertFalse(out.terminated(), "reset restarts the count");
  }

  @Test
  void stepAndRenderBeforeResetNeedAReset() {
    PixelChoiceEnv bare = new PixelChoiceEnv();
    assertThrows(ResetNeededException.class, () -> bare.step(action, out));
    assertThrows(ResetNeededException.class, bare::render);
  }

  @Test
  void resetOptionsAreRejectedNamingTheOption() {
    Env env = make();
    Map<String, Value> options = Map.of("side", Value.newBuilder().setIntValue(0).build());
    InvalidValueException e =
        assertThrows(InvalidValueException.class, () -> env.reset(0L, options, out));
    assertTrue(e.getMessage().contains("side"), e.getMessage());
  }

  @Test
  void renderShowsTheCurrentImageInGray() {
    Env env = make();
    byte[] image = reset(env, 2L);
    RgbFrame frame = env.render();
    assertEquals(SIZE, frame.height());
    assertEquals(SIZE, frame.width());
    for (int i = 0; i < image.length; i++) {
      for (int ch = 0; ch < 3; ch++) {
        assertEquals(image[i], frame.rgb()[3 * i + ch]);
      }
    }
  }

  @Test
  void aStepAllocatesNothing() {
    Env env = make();
    reset(env, 0L);
    for (int i = 0; i < 20_000; i++) {
      out.clear();
      env.step(action, out);
    }
    ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    long id = Thread.currentThread().getId();
    long before = mx.getThreadAllocatedBytes(id);
    int steps = 10_000;
    for (int i = 0; i < steps; i++) {
      out.clear();
      env.step(action, out);
    }
    long allocated = mx.getThreadAllocatedBytes(id) - before;
    assertTrue(
        allocated < 16L * 1024, "allocated " + allocated + " bytes over " + steps + " steps");
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(bytes))
          .substring(0, 32);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
