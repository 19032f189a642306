package io.gymbridge.client;

import io.gymbridge.transport.ClientSecurity;
import java.time.Duration;

/**
 * Every setting of the env client, validated at construction and immutable. {@link #defaults()}
 * documents each default; change one with the {@code with*} methods.
 *
 * @param makeDeadline how long a Make may take, connection set-up included (default 30 s)
 * @param resetDeadline how long a Reset may take (default 30 s)
 * @param stepDeadline how long a Step may take; a server that stays silent longer counts as lost
 *     (default 10 s)
 * @param closeTimeout how long closing a session and its channel may take in all before they are
 *     cut off (default 5 s)
 * @param keepAliveTime interval of HTTP/2 keepalive pings on each channel, so a dead server is
 *     noticed even between steps; at least 10 s, gRPC Java's floor (default 20 s)
 * @param keepAliveTimeout how long a ping may go unanswered before the connection counts as dead
 *     (default 10 s)
 * @param reconnectInitialBackoff pause after the first failed reconnect attempt (default 200 ms)
 * @param reconnectMaxBackoff the pause doubles after each failed attempt up to this (default 5 s)
 * @param reconnectBudget how long to keep trying to replace a lost session before giving up with an
 *     exception; zero disables reconnecting (default 60 s)
 * @param rebalanceInterval how often the server list ({@link RemoteBatchedEnv#followServers}) is
 *     read again while stepping, so that envs spread over servers added since and leave servers
 *     gone from it; zero or negative: never (default 30 s)
 * @param maxInboundMessageBytes largest response the client accepts, in bytes (default 64 MiB;
 *     gRPC's own default of 4 MiB is too small for batches of Atari frames)
 * @param security plaintext or TLS, client certificate, bearer token (default: plaintext, none)
 */
public record ClientConfig(
    Duration makeDeadline,
    Duration resetDeadline,
    Duration stepDeadline,
    Duration closeTimeout,
    Duration keepAliveTime,
    Duration keepAliveTimeout,
    Duration reconnectInitialBackoff,
    Duration reconnectMaxBackoff,
    Duration reconnectBudget,
    Duration rebalanceInterval,
    int maxInboundMessageBytes,
    ClientSecurity security) {

  /** gRPC Java raises any smaller keepalive time to this, silently; we refuse it instead. */
  static final Duration MIN_KEEPALIVE_TIME = Duration.ofSeconds(10);

  public ClientConfig {
    requirePositive(makeDeadline, "makeDeadline");
    requirePositive(resetDeadline, "resetDeadline");
    requirePositive(stepDeadline, "stepDeadline");
    requirePositive(closeTimeout, "closeTimeout");
    requirePositive(keepAliveTime, "keepAliveTime");
    require(
        keepAliveTime.compareTo(MIN_KEEPALIVE_TIME) >= 0,
        "keepAliveTime must be >= " + MIN_KEEPALIVE_TIME.toSeconds() + " s, got " + keepAliveTime);
    requirePositive(keepAliveTimeout, "keepAliveTimeout");
    requirePositive(reconnectInitialBackoff, "reconnectInitialBackoff");
    requirePositive(reconnectMaxBackoff, "reconnectMaxBackoff");
    require(
        reconnectMaxBackoff.compareTo(reconnectInitialBackoff) >= 0,
        "reconnectMaxBackoff ("
            + reconnectMaxBackoff
            + ") must be >= reconnectInitialBackoff ("
            + reconnectInitialBackoff
            + ")");
    require(
        reconnectBudget != null && !reconnectBudget.isNegative(),
        "reconnectBudget must be >= 0, got " + reconnectBudget);
    require(rebalanceInterval != null, "rebalanceInterval must not be null (zero for never)");
    require(
        maxInboundMessageBytes >= 1024,
        "maxInboundMessageBytes must be >= 1024, got " + maxInboundMessageBytes);
    require(security != null, "security must not be null (ClientSecurity.plaintext() for none)");
  }

  public static ClientConfig defaults() {
    return new ClientConfig(
        Duration.ofSeconds(30),
        Duration.ofSeconds(30),
        Duration.ofSeconds(10),
        Duration.ofSeconds(5),
        Duration.ofSeconds(20),
        Duration.ofSeconds(10),
        Duration.ofMillis(200),
        Duration.ofSeconds(5),
        Duration.ofSeconds(60),
        Duration.ofSeconds(30),
        64 * 1024 * 1024,
        ClientSecurity.plaintext());
  }

  public ClientConfig withDeadlines(Duration make, Duration reset, Duration step) {
    return new ClientConfig(
        make,
        reset,
        step,
        closeTimeout,
        keepAliveTime,
        keepAliveTimeout,
        reconnectInitialBackoff,
        reconnectMaxBackoff,
        reconnectBudget,
        rebalanceInterval,
        maxInboundMessageBytes,
        security);
  }

  public ClientConfig withReconnect(Duration initialBackoff, Duration maxBackoff, Duration budget) {
    return new ClientConfig(
        makeDeadline,
        resetDeadline,
        stepDeadline,
        closeTimeout,
        keepAliveTime,
        keepAliveTimeout,
        initialBackoff,
        maxBackoff,
        budget,
        rebalanceInterval,
        maxInboundMessageBytes,
        security);
  }

  public ClientConfig withRebalanceInterval(Duration interval) {
    return new ClientConfig(
        makeDeadline,
        resetDeadline,
        stepDeadline,
        closeTimeout,
        keepAliveTime,
        keepAliveTimeout,
        reconnectInitialBackoff,
        reconnectMaxBackoff,
        reconnectBudget,
        interval,
        maxInboundMessageBytes,
        security);
  }

  public ClientConfig withCloseTimeout(Duration timeout) {
    return new ClientConfig(
        makeDeadline,
        resetDeadline,
        stepDeadline,
        timeout,
        keepAliveTime,
        keepAliveTimeout,
        reconnectInitialBackoff,
        reconnectMaxBackoff,
        reconnectBudget,
        rebalanceInterval,
        maxInboundMessageBytes,
        security);
  }

  public ClientConfig withKeepAlive(Duration time, Duration timeout) {
    return new ClientConfig(
        makeDeadline,
        resetDeadline,
        stepDeadline,
        closeTimeout,
        time,
        timeout,
        reconnectInitialBackoff,
        reconnectMaxBackoff,
        reconnectBudget,
        rebalanceInterval,
        maxInboundMessageBytes,
        security);
  }

  public ClientConfig withMaxInboundMessageBytes(int bytes) {
    return new ClientConfig(
        makeDeadline,
        resetDeadline,
        stepDeadline,
        closeTimeout,
        keepAliveTime,
        keepAliveTimeout,
        reconnectInitialBackoff,
        reconnectMaxBackoff,
        reconnectBudget,
        rebalanceInterval,
        bytes,
        security);
  }

  public ClientConfig withSecurity(ClientSecurity newSecurity) {
    return new ClientConfig(
        makeDeadline,
        resetDeadline,
        stepDeadline,
        closeTimeout,
        keepAliveTime,
        keepAliveTimeout,
        reconnectInitialBackoff,
        reconnectMaxBackoff,
        reconnectBudget,
        rebalanceInterval,
        maxInboundMessageBytes,
        newSecurity);
  }

  private static void requirePositive(Duration d, String name) {
    require(d != null && !d.isNegative() && !d.isZero(), name + " must be > 0, got " + d);
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
