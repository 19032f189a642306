package io.gymbridge.envs;

/** An env was stepped or rendered before its first reset (Gymnasium's ResetNeeded). */
public class ResetNeededException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  public ResetNeededException(String message) {
    super(message);
  }
}
