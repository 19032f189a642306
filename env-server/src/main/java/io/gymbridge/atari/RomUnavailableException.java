package io.gymbridge.atari;

/**
 * A game's ROM cannot be used: {@link Reason#MISSING} (no such file, or a game ale-py does not
 * know; the server answers NOT_FOUND) or {@link Reason#UNSUPPORTED} (a file ALE 0.7.3 does not
 * recognise; FAILED_PRECONDITION). Thrown before any {@code loadROM}, whose C++ code would
 * otherwise end the whole JVM with exit(1).
 */
public final class RomUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why the ROM cannot be used. */
  public enum Reason {
    MISSING,
    UNSUPPORTED
  }

  private final Reason reason;

  public RomUnavailableException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
