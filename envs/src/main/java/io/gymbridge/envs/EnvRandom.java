package io.gymbridge.envs;

import io.gymbridge.random.NumpyGenerator;

/**
 * An env's {@code np_random}, seeded exactly as gymnasium.Env.reset seeds it: a seed replaces the
 * generator with {@code np_random(seed)}; no seed keeps the current one, and the first unseeded
 * reset draws fresh OS entropy.
 */
public final class EnvRandom {
  private NumpyGenerator generator;

  /** Applies Gymnasium's reset-time seeding and returns the generator to draw from. */
  public NumpyGenerator onReset(Long seed) {
    if (seed != null) {
      if (seed < 0) {
        throw new io.gymbridge.codec.InvalidValueException(
            "seed", "an integer >= 0, as Gymnasium requires, got " + seed);
      }
      generator = NumpyGenerator.fromSeed(seed);
    } else if (generator == null) {
      generator = NumpyGenerator.fromOsEntropy();
    }
    return generator;
  }

  /** The generator for draws outside reset; null before the first reset. */
  public NumpyGenerator generator() {
    return generator;
  }
}
