package io.gymbridge.codec;

/**
 * A value, tensor or space on the wire does not match what was expected. Servers turn it into
 * INVALID_ARGUMENT; the message names the field and the expected value so a person can fix the
 * request.
 */
public class InvalidValueException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public InvalidValueException(String message) {
    super(message);
  }

  /** "{field}: expected {expected}". */
  public InvalidValueException(String field, String expected) {
    super(field + ": expected " + expected);
  }
}
