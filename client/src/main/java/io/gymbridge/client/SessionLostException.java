package io.gymbridge.client;

import io.grpc.Status;

/**
 * The session itself is gone, so retrying on it cannot help but a fresh session might: the
 * connection or stream broke (UNAVAILABLE, a reset stream, a failed keepalive), the server did not
 * answer within the deadline, or the server no longer knows the session (NOT_FOUND, e.g. closed for
 * idleness). {@link RemoteBatchedEnv} answers it by reconnecting; a failed request on a healthy
 * session is a plain {@link RemoteEnvException} instead.
 */
public final class SessionLostException extends RemoteEnvException {
  public SessionLostException(String address, Status.Code code, String message, Throwable cause) {
    super(address, code, message, cause);
  }
}
