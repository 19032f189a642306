package io.gymbridge.server;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.gymbridge.atari.RomUnavailableException;
import io.gymbridge.codec.InvalidValueException;
import io.gymbridge.envs.ResetNeededException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns what a handler threw into the status the contract promises: the one place where the
 * server's and the envs' exceptions become gRPC statuses, so sessions and envs stay free of gRPC.
 * The exception's message is the status description, word for word. Only a real bug becomes
 * INTERNAL, and it is logged with its stack trace; client mistakes are not logged as errors.
 */
final class StatusMapping {
  private static final Logger log = LoggerFactory.getLogger(StatusMapping.class);

  private StatusMapping() {}

  static StatusRuntimeException toStatus(Throwable t, String rpc) {
    Status refusal = refusal(t);
    if (refusal != null) {
      log.debug("{} refused: {}", rpc, t.getMessage());
      return refusal.withDescription(t.getMessage()).asRuntimeException();
    }
    log.error("{} failed inside the server", rpc, t);
    return Status.INTERNAL
        .withDescription(
            rpc + " failed inside the server (" + t + "); this is a bug, please report it")
        .withCause(t)
        .asRuntimeException();
  }

  /** The status a refused request gets, by what was wrong; null for anything else (a bug). */
  private static Status refusal(Throwable t) {
    if (t instanceof InvalidValueException) {
      return Status.INVALID_ARGUMENT; // a field's value: the request must change
    }
    if (t instanceof SessionNotFoundException || t instanceof UnknownEnvException) {
      return Status.NOT_FOUND;
    }
    if (t instanceof LimitExceededException) {
      return Status.RESOURCE_EXHAUSTED; // a smaller request, a retry or another server can help
    }
    if (t instanceof ResetNeededException || t instanceof RenderNotEnabledException) {
      return Status.FAILED_PRECONDITION; // valid, but not in the session's state or mode
    }
    if (t instanceof RomUnavailableException e) {
      return e.reason() == RomUnavailableException.Reason.MISSING
          ? Status.NOT_FOUND
          : Status.FAILED_PRECONDITION;
    }
    return null;
  }
}
