package io.gymbridge.vector;

/**
 * Gymnasium 1.x's AutoresetMode; see the contract's AutoresetMode for the exact meaning of each.
 */
public enum AutoresetMode {
  NEXT_STEP,
  SAME_STEP,
  DISABLED
}
