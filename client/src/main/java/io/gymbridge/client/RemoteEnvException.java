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

  /**
   * {@code "UNAVAILABLE: io exception"}: a status as a message says it, its description cut to the
   * first line (gRPC's Netty transport appends its channel pipeline on a line of its own, which
   * would break the one-line errors the agent prints).
   */
  public static String describe(Status status) {
    String d = status.getDescription();
    int newline = d == null ? -1 : d.indexOf('\n');
    return status.getCode() + (d == null ? "" : ": " + (newline < 0 ? d : d.substring(0, newline)));
  }
}
