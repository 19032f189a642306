package io.gymbridge.client;

import io.gymbridge.codec.Spaces;
import io.gymbridge.codec.Tensors;
import io.gymbridge.v1.DType;
import io.gymbridge.v1.EnvSpec;
import io.gymbridge.v1.Space;
import java.util.Arrays;

/**
 * The spaces of an env as the client uses them: a float32 or uint8 Box of observations and Discrete
 * actions, what the DQN agent needs. {@link #of} refuses others, saying so; {@link #requireSame} is
 * the one check that two servers serve the env alike.
 *
 * @param obsShape the Box's shape, of one env
 * @param obsType the Box's dtype
 * @param numActions the Discrete space's n
 * @param actionStart the Discrete space's start, added to each action index on the wire
 */
record EnvSpaces(long[] obsShape, ObsType obsType, int numActions, long actionStart) {

  /**
   * The spaces of {@code spec}, made on {@code address}.
   *
   * @throws UnsupportedOperationException observations that are not a float32 or uint8 Box, or
   *     actions that are not Discrete
   */
  static EnvSpaces of(EnvSpec spec, String address) {
    Space obs = spec.getObservationSpace();
    DType dtype = obs.getKindCase() == Space.KindCase.BOX ? obs.getBox().getDtype() : null;
    if (dtype != DType.DTYPE_FLOAT32 && dtype != DType.DTYPE_UINT8) {
      throw unsupported(
          "observation space",
          obs,
          spec,
          address,
          "the env client reads float32 and uint8 Box observations only");
    }
    Space act = spec.getActionSpace();
    if (act.getKindCase() != Space.KindCase.DISCRETE) {
      throw unsupported(
          "action space", act, spec, address, "the env client sends Discrete actions only");
    }
    return new EnvSpaces(
        Spaces.shape(obs),
        dtype == DType.DTYPE_UINT8 ? ObsType.UINT8 : ObsType.FLOAT32,
        Math.toIntExact(act.getDiscrete().getN()),
        act.getDiscrete().getStart());
  }

  private static UnsupportedOperationException unsupported(
      String which, Space space, EnvSpec spec, String address, String why) {
    return new UnsupportedOperationException(
        which
            + " "
            + Spaces.describe(space)
            + " of "
            + spec.getId()
            + " on "
            + address
            + " is not supported yet: "
            + why);
  }

  /** Elements per observation. */
  int obsSize() {
    return Math.toIntExact(Tensors.elementCount(obsShape));
  }

  /**
   * Checks that {@code other}, made on {@code otherAddress}, has these spaces (those of {@code
   * address}): envs that move between servers must keep their observations and actions.
   *
   * @throws IllegalStateException it has others, naming both servers and both spaces
   */
  void requireSame(EnvSpaces other, String envId, String address, String otherAddress) {
    if (!Arrays.equals(obsShape, other.obsShape)
        || obsType != other.obsType
        || numActions != other.numActions) {
      throw new IllegalStateException(
          "servers disagree on the spaces of "
              + envId
              + ": "
              + address
              + " has "
              + this
              + ", "
              + otherAddress
              + " has "
              + other);
    }
  }

  @Override
  public String toString() {
    return obsType.name().toLowerCase(java.util.Locale.ROOT)
        + " observations "
        + Arrays.toString(obsShape)
        + " and "
        + numActions
        + " actions";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EnvSpaces e
        && Arrays.equals(obsShape, e.obsShape)
        && obsType == e.obsType
        && numActions == e.numActions
        && actionStart == e.actionStart;
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(obsShape) + obsType.hashCode() * 7 + numActions;
  }
}
