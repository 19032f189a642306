package io.gymbridge.agent.replay;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * A binary sum tree over {@code capacity} non-negative priorities: O(log n) update and proportional
 * sampling ({@link #find}), O(1) total, as prioritized replay needs.
 *
 * <p>Layout: a heap in one array. The leaves are padded up to the next power of two {@code L}, so
 * node 1 is the root, node {@code k} has children {@code 2k} and {@code 2k+1}, and leaf {@code i}
 * is node {@code L + i}. Padding (at most 2x memory) keeps the leaves in index order left to right,
 * so {@link #find} walks prefix sums in index order; padding leaves stay 0 and are never found.
 *
 * <p>Floating point: sums are doubles, because in float a leaf below 2^-24 of the total would
 * vanish from it. An update recomputes each ancestor as the sum of its two children, never by
 * adding a delta, so rounding errors do not accumulate over millions of updates, and a tree rebuilt
 * from its leaves ({@link #readFrom}) is bit-identical. The root can still differ from the exact
 * sum of leaves by a few ulps, so {@link #find} treats a prefix sum at or beyond the total as
 * pointing to the last positive leaf and never walks into a zero subtree.
 *
 * <p>{@link #max()} is the largest priority ever set, not the largest now stored: O(1) instead of a
 * second (max) tree, and what Algorithm 1 of Schaul et al. (2016) writes ({@code max_{i<t} p_i}),
 * OpenAI Baselines and Dopamine do. It does not fall when that leaf is overwritten.
 */
public final class SumTree {
  private final int capacity;
  private final int leafBase;
  private final double[] nodes;
  private double max;

  /** A tree of {@code capacity} leaves, all 0. */
  public SumTree(int capacity) {
    if (capacity <= 0 || capacity > (1 << 30)) {
      throw new IllegalArgumentException("capacity must be in [1, 2^30], got " + capacity);
    }
    this.capacity = capacity;
    int base = 1;
    while (base < capacity) {
      base <<= 1;
    }
    this.leafBase = base;
    this.nodes = new double[2 * base];
  }

  public int capacity() {
    return capacity;
  }

  /** Sets leaf {@code index} to {@code priority} (finite, >= 0) and re-sums its ancestors. */
  public void update(int index, double priority) {
    if (index < 0 || index >= capacity) {
      throw new IndexOutOfBoundsException("leaf " + index + " of a tree of " + capacity);
    }
    if (!(priority >= 0) || Double.isInfinite(priority)) {
      throw new IllegalArgumentException("priority must be finite and >= 0, got " + priority);
    }
    int node = leafBase + index;
    nodes[node] = priority;
    for (node >>= 1; node >= 1; node >>= 1) {
      nodes[node] = nodes[2 * node] + nodes[2 * node + 1];
    }
    max = Math.max(max, priority);
  }

  public double get(int index) {
    if (index < 0 || index >= capacity) {
      throw new IndexOutOfBoundsException("leaf " + index + " of a tree of " + capacity);
    }
    return nodes[leafBase + index];
  }

  /** The sum of all leaves. */
  public double total() {
    return nodes[1];
  }

  /**
   * The largest priority ever set (0 before any); see the class doc for why not the current max.
   */
  public double max() {
    return max;
  }

  /**
   * The leaf whose interval holds {@code prefixSum}: leaf {@code i} owns {@code [sum of leaves < i,
   * sum of leaves <= i)}, so a uniform draw in {@code [0, total())} lands on leaf {@code i} with
   * probability {@code get(i) / total()}. Zero leaves own empty intervals and are never returned; a
   * prefix sum {@code >= total()} gives the last positive leaf.
   *
   * @throws IllegalStateException if the total is 0
   */
  public int find(double prefixSum) {
    if (!(prefixSum >= 0)) {
      throw new IllegalArgumentException("prefixSum must be >= 0, got " + prefixSum);
    }
    if (!(total() > 0)) {
      throw new IllegalStateException("cannot sample from a sum tree whose total is 0");
    }
    double x = prefixSum;
    int node = 1;
    while (node < leafBase) {
      int left = 2 * node;
      // Go right only into a positive subtree: a node > 0 has a positive child, so the walk ends
      // on a positive leaf even when rounding leaves x past the end of this subtree.
      if (x < nodes[left] || nodes[left + 1] == 0) {
        node = left;
      } else {
        x -= nodes[left];
        node = left + 1;
      }
    }
    return node - leafBase;
  }

  /** Writes capacity, {@link #max()} and the leaves; the inner nodes are rebuilt on reading. */
  void writeTo(DataOutput out) throws IOException {
    out.writeInt(capacity);
    out.writeDouble(max);
    ReplayCheckpointFormat.writeDoubles(out, nodes, leafBase, capacity);
  }

  static SumTree readFrom(DataInput in) throws IOException {
    int capacity = in.readInt();
    if (capacity <= 0 || capacity > (1 << 30)) {
      throw new IOException("corrupt sum tree checkpoint: capacity " + capacity);
    }
    SumTree t = new SumTree(capacity);
    t.max = in.readDouble();
    ReplayCheckpointFormat.readDoubles(in, t.nodes, t.leafBase, capacity);
    for (int node = t.leafBase - 1; node >= 1; node--) {
      t.nodes[node] = t.nodes[2 * node] + t.nodes[2 * node + 1];
    }
    return t;
  }
}
