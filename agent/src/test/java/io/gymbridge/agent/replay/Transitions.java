package io.gymbridge.agent.replay;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/** Test transitions whose every field encodes an id, so a batch row shows which one it holds. */
final class Transitions {
  static final int OBS_SIZE = 2;

  private Transitions() {}

  /** obs {id, -id}, action id, reward 10*id, nextObs {id+1, -(id+1)}, discount 0.99. */
  static NStepTransition withId(int id) {
    return new NStepTransition(
        new float[] {id, -id}, id, 10f * id, new float[] {id + 1, -(id + 1)}, 0.99f);
  }

  /** The id of batch row {@code row}, after checking that all of that row's fields agree on it. */
  static int idOfRow(Batch b, int row) {
    int id = b.actions()[row];
    boolean consistent =
        b.obs()[row * OBS_SIZE] == id
            && b.obs()[row * OBS_SIZE + 1] == -id
            && b.nextObs()[row * OBS_SIZE] == id + 1
            && b.nextObs()[row * OBS_SIZE + 1] == -(id + 1)
            && b.rewards()[row] == 10f * id
            && b.discounts()[row] == 0.99f;
    if (!consistent) {
      throw new AssertionError("batch row " + row + " mixes fields of different transitions");
    }
    return id;
  }

  static byte[] checkpoint(Replay r) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      r.writeTo(out);
    }
    return bytes.toByteArray();
  }

  static DataInputStream in(byte[] bytes) {
    return new DataInputStream(new ByteArrayInputStream(bytes));
  }

  /**
   * Pearson's chi-square statistic of observed counts against expected probabilities; compare it
   * with a critical value far in the tail (p = 0.001) so a fixed seed that passes keeps passing.
   */
  static double chiSquare(long[] counts, double[] probs) {
    long n = 0;
    for (long c : counts) {
      n += c;
    }
    double chi2 = 0;
    for (int i = 0; i < counts.length; i++) {
      double expected = n * probs[i];
      chi2 += (counts[i] - expected) * (counts[i] - expected) / expected;
    }
    return chi2;
  }
}
