package io.gymbridge.server;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.gymbridge.atari.RomUnavailableException;
import io.gymbridge.codec.InvalidValueException;
import io.gymbridge.envs.ResetNeededException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns what a handler threw into the status the contract promises. Only a real bug becomes
 * INTERNAL, and it is logged with its stack trace; client mistakes are not logged as errors.
 */
final class StatusMapping {
  private static final Logger log = LoggerFactory.getLogger(StatusMapping.class);

  private StatusMapping() {}

  static StatusRuntimeException toStatus(Throwable t, String rpc) {
    if (t instanceof StatusRuntimeException sre) {
      log.debug("{} refused: {}", rpc, sre.getStatus());
      return sre;
    }
    if (t instanceof InvalidValueException e) {
      log.debug("{} refused: {}", rpc, e.getMessage());
      return Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException();
    }
    if (t instanceof ResetNeededException e) {
      log.debug("{} refused: {}", rpc, e.getMessage());
      return Status.FAILED_PRECONDITION.withDescription(e.getMessage()).asRuntimeException();
    }
    if (t instanceof RomUnavailableException e) {
      log.debug("{} refused: {}", rpc, e.getMessage());
      Status status =
          e.reason() == RomUnavailableException.Reason.MISSING
              ? Status.NOT_FOUND
              : Status.FAILED_PRECONDITION;
      return status.withDescription(e.getMessage()).asRuntimeException();
    }
    log.error("{} failed inside the server", rpc, t);
    return Status.INTERNAL
        .withDescription(
            rpc + " failed inside the server (" + t + "); this is a bug, please report it")
        .withCause(t)
        .asRuntimeException();
  }
}
