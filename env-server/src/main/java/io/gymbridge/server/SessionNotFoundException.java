package io.gymbridge.server;

/**
 * A call named a session that is not open: closed, reaped after its idle timeout, or never made.
 * Clients see NOT_FOUND ({@link StatusMapping}); retrying the same id cannot help, a new Make can.
 */
final class SessionNotFoundException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  SessionNotFoundException(String message) {
    super(message);
  }
}
