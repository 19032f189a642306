package io.gymbridge.client;

/**
 * The observation dtypes the agent takes, each kept as it is from the wire to the network: float32
 * Box observations (vectors such as CartPole's) and uint8 Box observations (pixels, frame stacks).
 */
public enum ObsType {
  FLOAT32,
  UINT8
}
