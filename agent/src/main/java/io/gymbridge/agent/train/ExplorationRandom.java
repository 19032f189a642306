package io.gymbridge.agent.train;

/**
 * SplitMix64: a tiny seeded generator whose whole state is one long, so a checkpoint can save it
 * and a resumed run explores exactly as the original would have (java.util's generators hide their
 * state).
 */
final class ExplorationRandom {
  private long state;

  ExplorationRandom(long seed) {
    this.state = seed;
  }

  long state() {
    return state;
  }

  void setState(long state) {
    this.state = state;
  }

  long nextLong() {
    long z = (state += 0x9E3779B97F4A7C15L);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Uniform in [0, 1). */
  double nextDouble() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }

  /** Uniform in [0, bound). */
  int nextInt(int bound) {
    return (int) Math.floorMod(nextLong(), (long) bound);
  }
}
