package io.gymbridge.server;

/**
 * A request is over one of the server's limits: envs per session, sessions or env memory (in all or
 * per client), the max message size, or the call threads' queue. Clients see RESOURCE_EXHAUSTED
 * ({@link StatusMapping}); the message names the limit, its flag and what would fit, since a
 * smaller request, a later retry or another server can succeed.
 */
final class LimitExceededException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  LimitExceededException(String message) {
    super(message);
  }
}
