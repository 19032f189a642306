package io.gymbridge.server;

/**
 * A Render of a session made without render_mode "rgb_array". Clients see FAILED_PRECONDITION
 * ({@link StatusMapping}): the request is well formed, but only a session made to render can.
 */
final class RenderNotEnabledException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  RenderNotEnabledException(String message) {
    super(message);
  }
}
