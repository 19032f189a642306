package io.gymbridge.server;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Every setting of the env-server, validated once at start and immutable after. Units are
 * documented on the command-line options ({@link EnvServerMain}); the defaults are the {@code
 * DEFAULT_*} constants here, the one place they are written (the options' defaults, {@link
 * #defaults()} and the Python server's {@code gymbridge/server/defaults.py} follow them; {@code
 * ServerDefaultsParityTest} fails when the two servers drift apart).
 *
 * @param host address to bind; loopback by default so an unauthenticated server is not exposed
 * @param port TCP port; 0 picks a free one (tests)
 * @param maxSessions sessions open at once, across all clients
 * @param maxEnvsPerSession num_envs a single Make may ask for
 * @param maxMessageBytes largest request or response message
 * @param idleTimeout a session untouched this long is closed
 * @param keepAlive interval of server keepalive pings that detect dead peers
 * @param shutdownGrace how long shutdown waits for running calls before cancelling them
 * @param token bearer token every call must carry, or null for none
 * @param tlsCert PEM certificate chain for TLS, or null for plaintext
 * @param tlsKey PEM private key for TLS, or null
 * @param tlsClientCa PEM roots that client certificates must chain to (mutual TLS), or null for
 *     none required
 * @param maxEnvMemoryBytes estimated memory all sessions' envs may hold together ({@link
 *     #defaultEnvMemoryBytes()}: three quarters of the machine's or container's memory)
 * @param maxClientShare the share of the sessions and of the env memory one client (IP address) may
 *     hold, in (0, 1]; 1 lets one client take everything
 */
public record ServerConfig(
    String host,
    int port,
    int maxSessions,
    int maxEnvsPerSession,
    int maxMessageBytes,
    Duration idleTimeout,
    Duration keepAlive,
    Duration shutdownGrace,
    String token,
    Path tlsCert,
    Path tlsKey,
    Path tlsClientCa,
    long maxEnvMemoryBytes,
    double maxClientShare,
    int healthPort) {

  public ServerConfig {
    require(port >= 0 && port <= 65535, "port must be in 0..65535, got " + port);
    require(maxSessions > 0, "max-sessions must be > 0, got " + maxSessions);
    require(maxEnvsPerSession > 0, "max-envs-per-session must be > 0, got " + maxEnvsPerSession);
    require(maxMessageBytes >= 1024, "max-message-bytes must be >= 1024, got " + maxMessageBytes);
    require(
        !idleTimeout.isNegative() && !idleTimeout.isZero(),
        "idle-timeout must be > 0, got " + idleTimeout);
    require(
        !keepAlive.isNegative() && !keepAlive.isZero(), "keepalive must be > 0, got " + keepAlive);
    require(!shutdownGrace.isNegative(), "shutdown-grace must be >= 0, got " + shutdownGrace);
    require(token == null || !token.isBlank(), "token must not be blank");
    require(
        (tlsCert == null) == (tlsKey == null),
        "tls-cert and tls-key go together: give both or neither");
    require(
        tlsClientCa == null || tlsCert != null,
        "tls-client-ca needs TLS: give tls-cert and tls-key too");
    require(
        maxEnvMemoryBytes >= (1 << 20),
        "max-env-memory-mb must be >= 1, got " + (maxEnvMemoryBytes >> 20));
    require(
        maxClientShare > 0 && maxClientShare <= 1,
        "max-client-share must be in (0, 1], got " + maxClientShare);
    require(
        healthPort >= 0 && healthPort <= 65535 && (healthPort == 0 || healthPort != port),
        "health-port must be in 0..65535 and differ from port, got " + healthPort);
  }

  /** Loopback, so an unauthenticated server is not exposed by default. */
  public static final String DEFAULT_HOST = "127.0.0.1";

  /** The command line's port; {@link #defaults()} takes an ephemeral one (0) instead. */
  public static final int DEFAULT_PORT = 50051;

  public static final int DEFAULT_MAX_SESSIONS = 256;
  public static final int DEFAULT_MAX_ENVS_PER_SESSION = 1024;

  /** 64 MiB: gRPC's own default of 4 MiB is too small for batches of images. */
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

  public static final long DEFAULT_IDLE_TIMEOUT_SECONDS = 300;
  public static final long DEFAULT_KEEPALIVE_SECONDS = 30;

  /** How long a keepalive ping may go unanswered before the connection counts as dead. */
  public static final long KEEPALIVE_TIMEOUT_SECONDS = 10;

  /** Clients may ping this often, even without calls, so their keepalive finds a dead server. */
  public static final long PERMIT_KEEPALIVE_SECONDS = 5;

  public static final long DEFAULT_SHUTDOWN_GRACE_SECONDS = 5;

  /** The default client share: one client may hold half of a server, so another finds room. */
  public static final double DEFAULT_CLIENT_SHARE = 0.5;

  /** No separate health port. */
  public static final int DEFAULT_HEALTH_PORT = 0;

  /**
   * The command line's nice value for the threads that step envs ({@code --worker-nice}); a
   * process-wide setting of {@link io.gymbridge.vector.WorkerThreads}, not part of a config.
   */
  public static final int DEFAULT_WORKER_NICE = 10;

  /**
   * The bytes a response may need beyond its bulk data (observations, frames): field tags, lengths,
   * shapes, infos. A Make whose step responses, or a Render whose frames, would not fit in the max
   * message size less this margin is refused RESOURCE_EXHAUSTED.
   */
  public static final int RESPONSE_MARGIN_BYTES = 4096;

  /**
   * Three quarters of the memory this process may use: the container's limit when there is one (the
   * JVM reads cgroups), else the machine's.
   */
  public static long defaultEnvMemoryBytes() {
    var os =
        (com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    return os.getTotalMemorySize() / 4 * 3;
  }

  /**
   * The command line's defaults with an ephemeral port (0) instead of {@link #DEFAULT_PORT}: for
   * tests and embedded servers.
   */
  public static ServerConfig defaults() {
    return new ServerConfig(
        DEFAULT_HOST,
        0,
        DEFAULT_MAX_SESSIONS,
        DEFAULT_MAX_ENVS_PER_SESSION,
        DEFAULT_MAX_MESSAGE_BYTES,
        Duration.ofSeconds(DEFAULT_IDLE_TIMEOUT_SECONDS),
        Duration.ofSeconds(DEFAULT_KEEPALIVE_SECONDS),
        Duration.ofSeconds(DEFAULT_SHUTDOWN_GRACE_SECONDS),
        null,
        null,
        null,
        null,
        defaultEnvMemoryBytes(),
        DEFAULT_CLIENT_SHARE,
        DEFAULT_HEALTH_PORT);
  }

  public ServerConfig withPort(int newPort) {
    return toBuilder().port(newPort).build();
  }

  public ServerConfig withLimits(int newMaxSessions, int newMaxEnvs, int newMaxMessageBytes) {
    return toBuilder()
        .maxSessions(newMaxSessions)
        .maxEnvsPerSession(newMaxEnvs)
        .maxMessageBytes(newMaxMessageBytes)
        .build();
  }

  public ServerConfig withIdleTimeout(Duration newIdleTimeout) {
    return toBuilder().idleTimeout(newIdleTimeout).build();
  }

  public ServerConfig withToken(String newToken) {
    return toBuilder().token(newToken).build();
  }

  public ServerConfig withTls(Path newCert, Path newKey, Path newClientCa) {
    return toBuilder().tlsCert(newCert).tlsKey(newKey).tlsClientCa(newClientCa).build();
  }

  public ServerConfig withBudget(long newMaxEnvMemoryBytes, double newMaxClientShare) {
    return toBuilder()
        .maxEnvMemoryBytes(newMaxEnvMemoryBytes)
        .maxClientShare(newMaxClientShare)
        .build();
  }

  public ServerConfig withHealthPort(int newHealthPort) {
    return toBuilder().healthPort(newHealthPort).build();
  }

  /** A builder holding this config's settings, to change some of them. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Changes settings by name; {@link #build} validates them all, as the constructor does. */
  public static final class Builder {
    private String host;
    private int port;
    private int maxSessions;
    private int maxEnvsPerSession;
    private int maxMessageBytes;
    private Duration idleTimeout;
    private Duration keepAlive;
    private Duration shutdownGrace;
    private String token;
    private Path tlsCert;
    private Path tlsKey;
    private Path tlsClientCa;
    private long maxEnvMemoryBytes;
    private double maxClientShare;
    private int healthPort;

    private Builder(ServerConfig c) {
      host = c.host;
      port = c.port;
      maxSessions = c.maxSessions;
      maxEnvsPerSession = c.maxEnvsPerSession;
      maxMessageBytes = c.maxMessageBytes;
      idleTimeout = c.idleTimeout;
      keepAlive = c.keepAlive;
      shutdownGrace = c.shutdownGrace;
      token = c.token;
      tlsCert = c.tlsCert;
      tlsKey = c.tlsKey;
      tlsClientCa = c.tlsClientCa;
      maxEnvMemoryBytes = c.maxEnvMemoryBytes;
      maxClientShare = c.maxClientShare;
      healthPort = c.healthPort;
    }

    public Builder host(String value) {
      host = value;
      return this;
    }

    public Builder port(int value) {
      port = value;
      return this;
    }

    public Builder maxSessions(int value) {
      maxSessions = value;
      return this;
    }

    public Builder maxEnvsPerSession(int value) {
      maxEnvsPerSession = value;
      return this;
    }

    public Builder maxMessageBytes(int value) {
      maxMessageBytes = value;
      return this;
    }

    public Builder idleTimeout(Duration value) {
      idleTimeout = value;
      return this;
    }

    public Builder keepAlive(Duration value) {
      keepAlive = value;
      return this;
    }

    public Builder shutdownGrace(Duration value) {
      shutdownGrace = value;
      return this;
    }

    public Builder token(String value) {
      token = value;
      return this;
    }

    public Builder tlsCert(Path value) {
      tlsCert = value;
      return this;
    }

    public Builder tlsKey(Path value) {
      tlsKey = value;
      return this;
    }

    public Builder tlsClientCa(Path value) {
      tlsClientCa = value;
      return this;
    }

    public Builder maxEnvMemoryBytes(long value) {
      maxEnvMemoryBytes = value;
      return this;
    }

    public Builder maxClientShare(double value) {
      maxClientShare = value;
      return this;
    }

    public Builder healthPort(int value) {
      healthPort = value;
      return this;
    }

    public ServerConfig build() {
      return new ServerConfig(
          host,
          port,
          maxSessions,
          maxEnvsPerSession,
          maxMessageBytes,
          idleTimeout,
          keepAlive,
          shutdownGrace,
          token,
          tlsCert,
          tlsKey,
          tlsClientCa,
          maxEnvMemoryBytes,
          maxClientShare,
          healthPort);
    }
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
