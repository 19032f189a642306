package io.gymbridge.envs.wrappers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gymbridge.envs.ScriptedEnv;
import io.gymbridge.envs.Transition;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TimeLimitTest {
  private final Transition out = Transition.ofSize(ScriptedEnv.observationBytes());

  private void step(TimeLimit env) {
    out.clear();
    env.step(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN), out);
  }

  @Test
  void truncatesAtExactlyMaxEpisodeStepsAndNotBefore() {
    TimeLimit env = new TimeLimit(new ScriptedEnv(0), 4);
    env.reset(0L, Map.of(), out);
    for (int t = 1; t <= 3; t++) {
      step(env);
      assertFalse(out.truncated(), "step " + t);
    }
    step(env);
    assertTrue(out.truncated(), "step 4");
    assertFalse(out.terminated(), "truncation is not termination");
  }

  @Test
  void keepsTruncatingPastTheLimitUntilReset() {
    TimeLimit env = new TimeLimit(new ScriptedEnv(0), 2);
    env.reset(0L, Map.of(), out);
    step(env);
    step(env);
    step(env);
    assertTrue(out.truncated(), "Gymnasium's counter keeps counting: elapsed >= max");

    env.reset(null, Map.of(), out);
    step(env);
    assertFalse(out.truncated(), "reset restarts the count");
    step(env);
    assertTrue(out.truncated());
  }

  @Test
  void terminationAndTruncationOnTheSameStepAreBothReported() {
    TimeLimit env = new TimeLimit(new ScriptedEnv(3), 3);
    env.reset(0L, Map.of(), out);
    step(env);
    step(env);
    step(env);
    assertTrue(out.terminated());
    assertTrue(out.truncated());
    assertEquals(3.0, out.reward());
  }

  @Test
  void maxEpisodeStepsOneTruncatesTheFirstStep() {
    TimeLimit env = new TimeLimit(new ScriptedEnv(0), 1);
    env.reset(0L, Map.of(), out);
    step(env);
    assertTrue(out.truncated());
  }

  @Test
  void nonPositiveLimitIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> new TimeLimit(new ScriptedEnv(0), 0));
    assertThrows(IllegalArgumentException.class, () -> new TimeLimit(new ScriptedEnv(0), -1));
  }
}
