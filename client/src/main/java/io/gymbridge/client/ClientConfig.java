package io.gymbridge.client;

import io.gymbridge.transport.ClientSecurity;
import java.time.Duration;

/**
 * Every setting of the env client, immutable and validated in one place, the constructor, which
 * names the setting and its bad value. Each setting's default and meaning are listed once, side by
 * side, in {@link Builder}; {@link #defaults()} is {@code builder().build()}. Change settings with
 * {@link #toBuilder()}, or the {@code with*} shorthands for the ones that go together.
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
    ClientSecurity security,
    NanoClock clock) {

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
    require(clock != null, "clock must not be null (NanoClock.SYSTEM for the system's)");
  }

  /** The defaults, as {@link Builder} lists them. */
  public static ClientConfig defaults() {
    return builder().build();
  }

  /** A builder holding the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this config's settings, to change some of them. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  public ClientConfig withDeadlines(Duration make, Duration reset, Duration step) {
    return toBuilder().makeDeadline(make).resetDeadline(reset).stepDeadline(step).build();
  }

  public ClientConfig withReconnect(Duration initialBackoff, Duration maxBackoff, Duration budget) {
    return toBuilder()
        .reconnectInitialBackoff(initialBackoff)
        .reconnectMaxBackoff(maxBackoff)
        .reconnectBudget(budget)
        .build();
  }

  public ClientConfig withRebalanceInterval(Duration interval) {
    return toBuilder().rebalanceInterval(interval).build();
  }

  public ClientConfig withCloseTimeout(Duration timeout) {
    return toBuilder().closeTimeout(timeout).build();
  }

  public ClientConfig withKeepAlive(Duration time, Duration timeout) {
    return toBuilder().keepAliveTime(time).keepAliveTimeout(timeout).build();
  }

  public ClientConfig withMaxInboundMessageBytes(int bytes) {
    return toBuilder().maxInboundMessageBytes(bytes).build();
  }

  public ClientConfig withSecurity(ClientSecurity newSecurity) {
    return toBuilder().security(newSecurity).build();
  }

  /**
   * Every setting with its default and meaning. Setters change settings by name; {@link #build}
   * validates them all (the constructor does).
   */
  public static final class Builder {
    /** How long a Make may take, connection set-up included. */
    private Duration makeDeadline = Duration.ofSeconds(30);

    /** How long a Reset may take. */
    private Duration resetDeadline = Duration.ofSeconds(30);

    /** How long a Step may take; a server that stays silent longer counts as lost. */
    private Duration stepDeadline = Duration.ofSeconds(10);

    /** How long closing a session and its channel may take in all before they are cut off. */
    private Duration closeTimeout = Duration.ofSeconds(5);

    /**
     * Interval of HTTP/2 keepalive pings on each channel, so a dead server is noticed even between
     * steps; at least 10 s, gRPC Java's floor.
     */
    private Duration keepAliveTime = Duration.ofSeconds(20);

    /** How long a ping may go unanswered before the connection counts as dead. */
    private Duration keepAliveTimeout = Duration.ofSeconds(10);

    /** Pause after the first failed reconnect attempt. */
    private Duration reconnectInitialBackoff = Duration.ofMillis(200);

    /** The reconnect pause doubles after each failed attempt up to this. */
    private Duration reconnectMaxBackoff = Duration.ofSeconds(5);

    /**
     * How long to keep trying to replace a lost session before giving up with an exception; zero
     * disables reconnecting.
     */
    private Duration reconnectBudget = Duration.ofSeconds(60);

    /**
     * How often the server list ({@link RemoteBatchedEnv#followServers}) is read again while
     * stepping, so that envs spread over servers added since and leave servers gone from it; zero
     * or negative: never. A DNS name read through {@link ServerAddresses} is also subject to the
     * JVM's lookup cache (security property {@code networkaddress.cache.ttl}, 30 s by default;
     * {@code bin/agent} sets 5 s), which a program should lower in the same way.
     */
    private Duration rebalanceInterval = Duration.ofSeconds(30);

    /**
     * Largest response the client accepts, in bytes (gRPC's own default of 4 MiB is too small for
     * batches of Atari frames).
     */
    private int maxInboundMessageBytes = 64 * 1024 * 1024;

    /** Plaintext or TLS, client certificate, bearer token. */
    private ClientSecurity security = ClientSecurity.plaintext();

    /** Where deadlines, backoff and rebalance checks read the time; a test's fake clock. */
    private NanoClock clock = NanoClock.SYSTEM;

    private Builder() {}

    private Builder(ClientConfig c) {
      makeDeadline = c.makeDeadline;
      resetDeadline = c.resetDeadline;
      stepDeadline = c.stepDeadline;
      closeTimeout = c.closeTimeout;
      keepAliveTime = c.keepAliveTime;
      keepAliveTimeout = c.keepAliveTimeout;
      reconnectInitialBackoff = c.reconnectInitialBackoff;
      reconnectMaxBackoff = c.reconnectMaxBackoff;
      reconnectBudget = c.reconnectBudget;
      rebalanceInterval = c.rebalanceInterval;
      maxInboundMessageBytes = c.maxInboundMessageBytes;
      security = c.security;
      clock = c.clock;
    }

    public Builder makeDeadline(Duration value) {
      makeDeadline = value;
      return this;
    }

    public Builder resetDeadline(Duration value) {
      resetDeadline = value;
      return this;
    }

    public Builder stepDeadline(Duration value) {
      stepDeadline = value;
      return this;
    }

    public Builder closeTimeout(Duration value) {
      closeTimeout = value;
      return this;
    }

    public Builder keepAliveTime(Duration value) {
      keepAliveTime = value;
      return this;
    }

    public Builder keepAliveTimeout(Duration value) {
      keepAliveTimeout = value;
      return this;
    }

    public Builder reconnectInitialBackoff(Duration value) {
      reconnectInitialBackoff = value;
      return this;
    }

    public Builder reconnectMaxBackoff(Duration value) {
      reconnectMaxBackoff = value;
      return this;
    }

    public Builder reconnectBudget(Duration value) {
      reconnectBudget = value;
      return this;
    }

    public Builder rebalanceInterval(Duration value) {
      rebalanceInterval = value;
      return this;
    }

    public Builder maxInboundMessageBytes(int value) {
      maxInboundMessageBytes = value;
      return this;
    }

    public Builder security(ClientSecurity value) {
      security = value;
      return this;
    }

    public Builder clock(NanoClock value) {
      clock = value;
      return this;
    }

    public ClientConfig build() {
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
          security,
          clock);
    }
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
