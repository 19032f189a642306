package io.gymbridge.client;

import io.grpc.Status;

/**
 * A call to an env server failed. The message names the server, the request and the gRPC status
 * code and message that the server (or the client's transport) gave; {@link #code()} carries the
 * code for programs.
 */
public class RemoteEnvException extends RuntimeException {
  private final String address;
  private final Status.Code code;

  public RemoteEnvException(String address, Status.Code code, String message, Throwable cause) {
    super(message, cause);
    this.address = address;
    this.code = code;
  }

  public RemoteEnvException(String address, Status.Code code, String message) {
    this(address, code, message, null);
  }

  /** The server's host:port. */
  public String address() {
    return address;
  }

  /** The gRPC status code of the failure. */
  public Status.Code code() {
    return code;
  }
}
