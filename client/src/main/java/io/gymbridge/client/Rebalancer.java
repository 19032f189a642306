package io.gymbridge.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spreads a {@link RemoteBatchedEnv}'s envs anew when its {@link ServerList} changes. Every {@link
 * ClientConfig#rebalanceInterval()} (on the config's {@link NanoClock}), at the start of a step or
 * reset, the list is read again; if its distinct addresses are not the ones the sessions use, the
 * envs are spread over them by {@link EnvShare#plan}: shares whose server and envs stay the same
 * keep their sessions, the others are closed and their envs made on fresh sessions, reset with
 * {@link #rebalanceSeed} and reported restarted. An address that cannot take its share yet
 * (refused, not serving) is left out until the next check; a list that cannot be read leaves the
 * spread as it is. One line is logged per rebalance.
 */
final class Rebalancer {
  private static final Logger log = LoggerFactory.getLogger(Rebalancer.class);

  /** The spread after a check, and the shares it made fresh (their envs reset and restarted). */
  record Spread(List<EnvShare> shares, List<EnvShare> fresh) {}

  private final ClientConfig config;
  private final NanoClock clock;
  private final ServerList servers;
  private final SessionMaker sessions;
  private final Reconnector reconnector;
  private final int numEnvs;
  private long nextCheckNanos;
  private int rebalances;

  Rebalancer(ServerList servers, SessionMaker sessions, Reconnector reconnector, int numEnvs) {
    this.config = sessions.config();
    this.clock = config.clock();
    this.servers = servers;
    this.sessions = sessions;
    this.reconnector = reconnector;
    this.numEnvs = numEnvs;
    this.nextCheckNanos = clock.nanoTime() + intervalNanos();
  }

  /** Times the envs were spread anew. */
  int rebalances() {
    return rebalances;
  }

  /**
   * Reads the server list again once the interval has passed and, when its addresses are not the
   * ones {@code shares} use, spreads the envs over them anew, resetting the fresh shares' envs into
   * {@code out}. Returns {@code shares} with no fresh ones when nothing moved.
   */
  Spread maybeRebalance(List<EnvShare> shares, long lastResetSeed, StepBatch out) {
    Duration interval = config.rebalanceInterval();
    if (interval.isZero() || interval.isNegative() || clock.nanoTime() - nextCheckNanos < 0) {
      return new Spread(shares, List.of());
    }
    try {
      return rebalance(shares, lastResetSeed, out);
    } finally {
      // Counted from the end, so that a slow rebalance is not followed by another at once.
      nextCheckNanos = clock.nanoTime() + intervalNanos();
    }
  }

  /** The interval in nanoseconds, capped at a century so "practically never" cannot overflow. */
  private long intervalNanos() {
    return Reconnector.min(config.rebalanceInterval(), Duration.ofDays(36_500)).toNanos();
  }

  private Spread rebalance(List<EnvShare> shares, long lastResetSeed, StepBatch out) {
    Spread unchanged = new Spread(shares, List.of());
    List<String> listed = servers.listed();
    List<String> inUse = shares.stream().map(s -> s.address).toList();
    // Only a change of servers moves envs: two sessions on one server (given twice to connect, or
    // doubled up by a reconnect) stay as they are while that server is all the list names.
    if (listed == null || listed.isEmpty() || new HashSet<>(listed).equals(new HashSet<>(inUse))) {
      return unchanged;
    }
    long start = clock.nanoTime();
    List<String> usable = new ArrayList<>(listed);
    while (!usable.isEmpty()) {
      List<EnvShare> target = keepingUnchanged(EnvShare.plan(usable, numEnvs), shares);
      List<EnvShare> fresh = target.stream().filter(t -> !shares.contains(t)).toList();
      if (fresh.isEmpty()) {
        return unchanged; // the spread of now: the addresses it lacks get no envs or are not ready
      }
      String notReady = openOnNewServers(fresh, inUse);
      if (notReady == null) {
        switchTo(shares, target, fresh, lastResetSeed, out);
        log(inUse.stream().distinct().toList(), target, fresh, start);
        return new Spread(target, fresh);
      }
      usable.remove(notReady); // and plan again without it: the others need not wait for it
    }
    return unchanged;
  }

  /** {@code planned} with each share that matches one of {@code current} replaced by it. */
  private static List<EnvShare> keepingUnchanged(List<EnvShare> planned, List<EnvShare> current) {
    return planned.stream()
        .map(p -> current.stream().filter(p::sameShareAs).findFirst().orElse(p))
        .toList();
  }

  /**
   * Opens the fresh shares' sessions on servers that hold none of our envs yet: a new replica may
   * not be ready. When one fails, closes those opened and returns its address, leaving the spread
   * as it was; null when all opened. (Servers in use get theirs in {@link #switchTo}, once the
   * sessions they drop have made room.)
   */
  private String openOnNewServers(List<EnvShare> fresh, List<String> inUse) {
    for (EnvShare s : fresh) {
      if (inUse.contains(s.address)) {
        continue;
      }
      try {
        s.session = sessions.open(s.address, s.count, config.makeDeadline());
      } catch (RuntimeException e) {
        log.warn(
            "rebalance: leaving {} out until the next check in {} s: {}",
            s.address,
            config.rebalanceInterval().toMillis() / 1000.0,
            e.getMessage());
        EnvShare.closeAll(fresh, config);
        fresh.forEach(f -> f.session = null);
        return s.address;
      }
    }
    return null;
  }

  /**
   * Makes {@code target} the spread: closes the sessions it drops, opens the fresh shares' sessions
   * left to open and resets every fresh share with its {@link #rebalanceSeed}. A fresh session that
   * fails here is reconnected like any lost session (on its own server only if it is still listed),
   * so no env is left without one.
   */
  private void switchTo(
      List<EnvShare> current,
      List<EnvShare> target,
      List<EnvShare> fresh,
      long lastResetSeed,
      StepBatch out) {
    rebalances++;
    EnvShare.closeAll(current.stream().filter(s -> !target.contains(s)).toList(), config);
    List<Reconnector.Lost> lost = new ArrayList<>();
    List<EnvShare> resetting = new ArrayList<>();
    for (EnvShare s : fresh) {
      s.baseSeed = rebalanceSeed(lastResetSeed, s.offset, rebalances);
      if (s.session == null) {
        try {
          s.session = sessions.open(s.address, s.count, config.makeDeadline());
        } catch (RuntimeException e) {
          lost.add(new Reconnector.Lost(s, Reconnector.asLost(s.address, e)));
          continue;
        }
      }
      resetting.add(s);
    }
    lost.addAll(Requests.resetAll(resetting, out, config.resetDeadline()));
    long deadline = reconnector.deadlineFromNow();
    for (Reconnector.Lost l : lost) {
      reconnector.replace(l.share(), l.cause(), out, false, deadline);
    }
    fresh.forEach(s -> s.markRestarted(out));
  }

  private void log(
      List<String> before, List<EnvShare> after, List<EnvShare> fresh, long startNanos) {
    Map<String, Integer> perServer = new LinkedHashMap<>();
    after.forEach(s -> perServer.merge(s.address, s.count, Integer::sum));
    log.info(
        "rebalanced {} envs from {} to {} (envs per server) in {} ms; envs {} restarted",
        numEnvs,
        before,
        perServer,
        TimeUnit.NANOSECONDS.toMillis(clock.nanoTime() - startNanos),
        EnvShare.envRanges(fresh));
  }

  /**
   * The seed a session made by the {@code rebalance}-th rebalance is reset with, for its envs from
   * {@code offset} on: {@link Reconnector#reconnectSeed}'s hash of what a reset gave them last, its
   * count negated so it never repeats a reconnect's inputs. The same resets, actions and server
   * list changes at the same steps give the same episodes.
   */
  static long rebalanceSeed(long lastResetSeed, int offset, int rebalance) {
    return Reconnector.reconnectSeed(lastResetSeed + offset, -rebalance);
  }
}
