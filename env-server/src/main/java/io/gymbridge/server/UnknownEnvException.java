package io.gymbridge.server;

/**
 * A Make asked for an env id this server has not registered. Clients see NOT_FOUND ({@link
 * StatusMapping}); the message lists the ids there are, or says how to add the missing one.
 */
final class UnknownEnvException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  UnknownEnvException(String message) {
    super(message);
  }
}
