package io.gymbridge.client;

import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replaces lost sessions ({@link SessionLostException}) with fresh ones, retried with exponential
 * backoff within {@link ClientConfig#reconnectBudget()}: on the same address for the first {@link
 * #ownServerPhase} of the budget, so a restarted server gets its envs back, then on each address of
 * the {@link ServerList} in turn, so the envs of a server gone for good move to the others. An
 * address no longer listed is not waited for. The fresh session is reset with {@link
 * #reconnectSeed} (or, during a reset, the reset's own seeds) and its envs flagged restarted. Each
 * reconnect logs one line; a budget run out throws a {@link RemoteEnvException} naming the server,
 * what failed and how long reconnecting was tried.
 *
 * <p>Time and pauses come from the config's {@link NanoClock}.
 */
final class Reconnector {
  private static final Logger log = LoggerFactory.getLogger(Reconnector.class);

  /** A share whose session a request found lost, and why. */
  record Lost(EnvShare share, SessionLostException cause) {}

  private final ClientConfig config;
  private final NanoClock clock;
  private final ServerList servers;
  private final SessionMaker sessions;
  private long reconnects;

  Reconnector(ServerList servers, SessionMaker sessions) {
    this.config = sessions.config();
    this.clock = config.clock();
    this.servers = servers;
    this.sessions = sessions;
  }

  /** Sessions replaced so far. */
  long reconnects() {
    return reconnects;
  }

  /** The budget's deadline for reconnects that start now. */
  long deadlineFromNow() {
    return clock.nanoTime() + config.reconnectBudget().toNanos();
  }

  /**
   * Replaces each lost session, all within one budget that starts now. {@code inReset}: the fresh
   * sessions are reset with the seeds of the reset under way rather than reconnect seeds.
   */
  void replaceAll(List<Lost> lost, StepBatch out, boolean inReset) {
    if (lost.isEmpty()) {
      return;
    }
    long deadline = deadlineFromNow();
    for (Lost l : lost) {
      replace(l.share(), l.cause(), out, inReset, deadline);
    }
  }

  /** Replaces {@code s}'s session by {@code deadlineNanos}; its envs come back restarted. */
  void replace(
      EnvShare s, SessionLostException cause, StepBatch out, boolean inReset, long deadlineNanos) {
    if (s.session != null) {
      s.session.abandon();
    }
    s.reconnects++;
    reconnects++;
    long seed = inReset ? s.baseSeed : reconnectSeed(s.baseSeed, s.reconnects);
    long start = clock.nanoTime();
    String lostFrom = s.address;
    Targets targets = new Targets(lostFrom, start);
    long backoff = config.reconnectInitialBackoff().toNanos();
    int attempts = 0;
    RemoteEnvException last = cause;
    while (clock.nanoTime() < deadlineNanos) {
      attempts++;
      String target = targets.next();
      try {
        s.session = openAndReset(target, s, seed, out, cause, deadlineNanos);
      } catch (SessionLostException e) {
        last = e;
        log.debug("reconnect attempt {} to {} failed: {}", attempts, target, e.getMessage());
        pause(s, cause, backoff, deadlineNanos);
        backoff = Math.min(backoff * 2, config.reconnectMaxBackoff().toNanos());
        continue;
      }
      s.address = target;
      if (!inReset) {
        s.baseSeed = seed;
      }
      s.markRestarted(out);
      log.warn(
          "reconnected to {}{} after {} attempt(s) in {} ms: envs {}..{} restarted with seed {}"
              + " (lost: {})",
          target,
          target.equals(lostFrom) ? "" : " (moved from " + lostFrom + ")",
          attempts,
          TimeUnit.NANOSECONDS.toMillis(clock.nanoTime() - start),
          s.offset,
          s.offset + s.count - 1,
          seed,
          cause.getMessage());
      return;
    }
    throw new RemoteEnvException(
        s.address,
        last.code(),
        String.format(
            "server %s is gone: %s; reconnecting was retried for %.1f s (%d attempts, budget %s)"
                + " without success; last error: %s",
            s.address,
            cause.getMessage(),
            (clock.nanoTime() - start) / 1e9,
            attempts,
            config.reconnectBudget(),
            last.getMessage()),
        last);
  }

  /**
   * Where a lost session tries next: its own server for the first {@link #ownServerPhase} of the
   * budget (a restarted server gets its envs back), unless the server list no longer names it (a
   * replica scaled down is not coming back, and DNS may catch up while we wait); then each address
   * of the list in turn.
   */
  private final class Targets {
    private final String lostFrom;
    private long ownPhaseEnd;
    private int elsewhere;
    private boolean first = true;

    Targets(String lostFrom, long startNanos) {
      this.lostFrom = lostFrom;
      this.ownPhaseEnd =
          servers.stillListed(lostFrom)
              ? startNanos + ownServerPhase(config.reconnectBudget()).toNanos()
              : startNanos;
    }

    String next() {
      long now = clock.nanoTime();
      if (!first && now < ownPhaseEnd && !servers.stillListed(lostFrom)) {
        ownPhaseEnd = now;
      }
      first = false;
      return now < ownPhaseEnd ? lostFrom : servers.candidate(lostFrom, elsewhere++);
    }
  }

  /**
   * A fresh session for share {@code s} on {@code target}, reset with {@code seed} into {@code
   * out}, within what is left of the deadline.
   *
   * @throws SessionLostException this attempt failed in a way a retry may fix
   * @throws RemoteEnvException it failed in a way no retry can fix (the env id is unknown there...)
   */
  private RemoteSession openAndReset(
      String target,
      EnvShare s,
      long seed,
      StepBatch out,
      SessionLostException cause,
      long deadlineNanos) {
    RemoteSession fresh = null;
    try {
      fresh = sessions.open(target, s.count, min(config.makeDeadline(), left(deadlineNanos)));
      fresh.awaitReset(
          fresh.sendReset(seed), out, s.offset, min(config.resetDeadline(), left(deadlineNanos)));
      return fresh;
    } catch (SessionLostException e) {
      if (fresh != null) {
        fresh.abandon();
      }
      throw e;
    } catch (RuntimeException e) {
      if (fresh != null) {
        fresh.abandon();
      }
      throw new RemoteEnvException(
          s.address,
          e instanceof RemoteEnvException r ? r.code() : Status.Code.UNKNOWN,
          "server "
              + s.address
              + " was lost ("
              + cause.getMessage()
              + ") and reconnecting failed for a reason a retry cannot fix: "
              + e.getMessage(),
          e);
    }
  }

  private Duration left(long deadlineNanos) {
    return Duration.ofNanos(Math.max(1, deadlineNanos - clock.nanoTime()));
  }

  /** Pauses {@code backoffNanos}, or what is left of the deadline if less. */
  private void pause(EnvShare s, SessionLostException cause, long backoffNanos, long deadline) {
    long pause = Math.min(backoffNanos, deadline - clock.nanoTime());
    if (pause <= 0) {
      return;
    }
    try {
      clock.sleep(pause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RemoteEnvException(
          s.address,
          Status.Code.CANCELLED,
          "interrupted while reconnecting to " + s.address + " (" + cause.getMessage() + ")",
          e);
    }
  }

  /**
   * {@code e} as a lost session of {@code address}: how a failed Make on a rebalance is retried.
   */
  static SessionLostException asLost(String address, RuntimeException e) {
    if (e instanceof SessionLostException lost) {
      return lost;
    }
    Status.Code code = e instanceof RemoteEnvException r ? r.code() : Status.Code.UNKNOWN;
    return new SessionLostException(
        address, code, "making a session on " + address + " failed: " + e.getMessage(), e);
  }

  /**
   * How long a lost session waits for its own server before trying others: a quarter of the
   * reconnect budget, at most 10 s, so a server that restarts gets its envs back and one that is
   * gone for good hands them to the rest soon.
   */
  static Duration ownServerPhase(Duration budget) {
    return min(Duration.ofSeconds(10), budget.dividedBy(4));
  }

  /**
   * The seed a replaced session is reset with: a SplitMix64 hash of the session's last reset seed
   * and its reconnect count, kept below 2^30 so that seed + i fits an int32 for any env.
   */
  static long reconnectSeed(long baseSeed, int reconnect) {
    long z = baseSeed + reconnect * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    z = z ^ (z >>> 31);
    return z >>> 34;
  }

  static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
