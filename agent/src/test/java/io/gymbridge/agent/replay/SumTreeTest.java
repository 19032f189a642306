package io.gymbridge.agent.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SumTreeTest {
  @Test
  void totalIsTheSumOfTheLeavesForPowerAndNonPowerOfTwoCapacities() {
    for (int n = 1; n <= 17; n++) {
      SumTree t = new SumTree(n);
      for (int i = 0; i < n; i++) {
        t.update(i, i + 1);
      }
      assertEquals(n * (n + 1) / 2.0, t.total(), 0.0, "capacity " + n);
    }
  }

  @Test
  void findReturnsTheLeafWhoseIntervalHoldsThePrefixSum() {
    // Capacity 5 (leaves padded to 8). Priorities 1, 0, 2, 3, 4 give the intervals
    // leaf 0: [0, 1), leaf 1: empty, leaf 2: [1, 3), leaf 3: [3, 6), leaf 4: [6, 10).
    SumTree t = new SumTree(5);
    double[] p = {1, 0, 2, 3, 4};
    for (int i = 0; i < p.length; i++) {
      t.update(i, p[i]);
    }
    assertEquals(10, t.total(), 0.0);
    assertEquals(0, t.find(0));
    assertEquals(0, t.find(Math.nextDown(1.0)));
    assertEquals(2, t.find(1)); // leaf 1 is empty: the boundary at 1 belongs to leaf 2
    assertEquals(2, t.find(Math.nextDown(3.0)));
    assertEquals(3, t.find(3));
    assertEquals(3, t.find(Math.nextDown(6.0)));
    assertEquals(4, t.find(6));
    assertEquals(4, t.find(Math.nextDown(10.0)));
  }

  @Test
  void aPrefixSumAtOrPastTheTotalGivesTheLastPositiveLeafNeverAPaddingOne() {
    SumTree t = new SumTree(3); // leaves padded to 4: leaf 3 is padding
    t.update(0, 1);
    t.update(1, 1);
    t.update(2, 0);
    assertEquals(1, t.find(2)); // == total
    assertEquals(1, t.find(1e9));
  }

  @Test
  void updatingALeafTwiceReplacesItsPriority() {
    SumTree t = new SumTree(3);
    t.update(1, 5);
    t.update(1, 2);
    assertEquals(2, t.get(1), 0.0);
    assertEquals(2, t.total(), 0.0);
    t.update(0, 1); // intervals: leaf 0 [0, 1), leaf 1 [1, 3)
    assertEquals(3, t.total(), 0.0);
    assertEquals(0, t.find(0.5));
    assertEquals(1, t.find(1));
    assertEquals(1, t.find(2.5));
  }

  @Test
  void maxIsTheLargestPriorityEverSetEvenAfterItIsOverwritten() {
    SumTree t = new SumTree(4);
    assertEquals(0, t.max(), 0.0);
    t.update(0, 3);
    t.update(1, 7);
    t.update(1, 2);
    assertEquals(7, t.max(), 0.0);
  }

  @Test
  void aHugePriorityOverwrittenLeavesNoTraceInTheTotal() {
    // Updating sums by deltas would compute (4e-3 + 1e20) - 1e20 = 0 here; re-summing children
    // gives back the exact same double as before the excursion.
    SumTree t = new SumTree(4);
    for (int i = 0; i < 4; i++) {
      t.update(i, 1e-3);
    }
    double before = t.total();
    t.update(0, 1e20);
    t.update(0, 1e-3);
    assertEquals((1e-3 + 1e-3) + (1e-3 + 1e-3), t.total(), 0.0);
    assertEquals(before, t.total(), 0.0);
  }

  @Test
  void uniformPrefixSumsFindLeavesInProportionToTheirPriority() {
    SumTree t = new SumTree(5);
    double[] p = {1, 2, 3, 4, 5};
    for (int i = 0; i < p.length; i++) {
      t.update(i, p[i]);
    }
    SplitMix64 rng = new SplitMix64(2016);
    long[] counts = new long[5];
    for (int k = 0; k < 150_000; k++) {
      counts[t.find(rng.nextDouble() * t.total())]++;
    }
    double[] probs = Arrays.stream(p).map(x -> x / 15).toArray();
    // Chi-square critical value for 4 degrees of freedom at p = 0.001.
    assertTrue(Transitions.chiSquare(counts, probs) < 18.47, Arrays.toString(counts));
  }

  @Test
  void aTreeReadBackFromItsCheckpointIsBitIdentical() throws IOException {
    SumTree t = new SumTree(7);
    SplitMix64 rng = new SplitMix64(1);
    for (int k = 0; k < 1000; k++) {
      t.update(rng.nextInt(7), rng.nextDouble() * 1e3);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    t.writeTo(new DataOutputStream(bytes));
    SumTree r = SumTree.readFrom(Transitions.in(bytes.toByteArray()));
    assertEquals(t.total(), r.total(), 0.0);
    assertEquals(t.max(), r.max(), 0.0);
    for (int i = 0; i < 7; i++) {
      assertEquals(t.get(i), r.get(i), 0.0);
    }
    for (int k = 0; k <= 1000; k++) {
      double x = t.total() * k / 1000;
      assertEquals(t.find(x), r.find(x));
    }
  }

  @Test
  void findOnAnAllZeroTreeFails() {
    assertThrows(IllegalStateException.class, () -> new SumTree(4).find(0));
  }

  @Test
  void rejectsNegativeOrNonFinitePrioritiesAndOutOfRangeLeaves() {
    SumTree t = new SumTree(3);
    assertThrows(IllegalArgumentException.class, () -> t.update(0, -1));
    assertThrows(IllegalArgumentException.class, () -> t.update(0, Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> t.update(0, Double.POSITIVE_INFINITY));
    assertThrows(IndexOutOfBoundsException.class, () -> t.update(3, 1));
    assertThrows(IndexOutOfBoundsException.class, () -> t.get(-1));
  }
}
