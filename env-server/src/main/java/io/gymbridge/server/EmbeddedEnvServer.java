package io.gymbridge.server;

import io.gymbridge.envs.EnvRegistry;
import io.gymbridge.transport.InProcessServer;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The Java env-server running inside this JVM on a loopback port, for when no server address is
 * given. The agent still talks to it through real gRPC over a real socket, exactly as to a remote
 * server, so nothing bypasses the contract.
 *
 * <pre>{@code
 * try (EmbeddedEnvServer server = EmbeddedEnvServer.start();
 *     BatchedEnv envs = RemoteBatchedEnv.connect(List.of(server.address()), "CartPole-v1", 8)) {
 *   StepBatch first = envs.reset(42);
 * }
 * }</pre>
 *
 * <p>Programs that should not compile against the server (the agent) start it as an {@link
 * InProcessServer}, through the {@link Factory} this module registers.
 */
public final class EmbeddedEnvServer implements InProcessServer {
  private final EnvServer server;
  private final String host;
  private final int port;

  private EmbeddedEnvServer(EnvServer server, String host) {
    this.server = server;
    this.host = host;
    this.port = server.port();
  }

  /**
   * The server's defaults ({@link ServerConfig#defaults()}: loopback, an ephemeral port) with a 1 s
   * shutdown grace instead of {@link ServerConfig#DEFAULT_SHUTDOWN_GRACE_SECONDS}: an embedded
   * server stops with its agent, whose sessions are closed by then; and no per-client share, the
   * agent being its only client.
   */
  public static ServerConfig defaultConfig() {
    ServerConfig d = ServerConfig.defaults();
    return d.toBuilder().shutdownGrace(Duration.ofSeconds(1)).maxClientShare(1.0).build();
  }

  /** Starts a server with {@link #defaultConfig()} and the built-in envs. */
  public static EmbeddedEnvServer start() throws IOException {
    return start(defaultConfig(), EnvRegistry.builtin());
  }

  /**
   * Starts a server with {@link #defaultConfig()}, the built-in envs and the Atari games whose ROMs
   * it finds: in {@code romDir} (may be null), else where the standalone env-server looks
   * (ALE_ROM_DIR, an installed ale-py). Without ROMs, asking for an Atari id fails with NOT_FOUND
   * and a message that says how to get them.
   */
  public static EmbeddedEnvServer startWithAtari(Path romDir) throws IOException {
    return start(defaultConfig(), EnvServerMain.registry(romDir));
  }

  /**
   * Starts a server that offers {@code envId}: the built-in envs alone when it is one of them and
   * no {@code romDir} is given (no ROM search, which asks python3 for ale-py), else {@link
   * #startWithAtari} (and the plugins on the classpath).
   */
  public static EmbeddedEnvServer startFor(String envId, Path romDir) throws IOException {
    return EnvRegistry.builtin().find(envId).isPresent() && romDir == null
        ? start()
        : startWithAtari(romDir);
  }

  /** Starts a server with the built-in envs; {@code config.host()} must be a loopback address. */
  public static EmbeddedEnvServer start(ServerConfig config) throws IOException {
    return start(config, EnvRegistry.builtin());
  }

  /**
   * Starts a server offering {@code envs}.
   *
   * @throws IllegalArgumentException the config binds to a non-loopback host, or asks for TLS or a
   *     bearer token (the env client speaks plaintext without a token)
   * @throws IOException the port could not be bound
   */
  public static EmbeddedEnvServer start(ServerConfig config, EnvRegistry envs) throws IOException {
    if (!InetAddress.getByName(config.host()).isLoopbackAddress()) {
      throw new IllegalArgumentException(
          "an embedded env-server binds to loopback only, got host " + config.host());
    }
    if (config.token() != null || config.tlsCert() != null) {
      throw new IllegalArgumentException(
          "an embedded env-server runs plaintext without a bearer token: clear token and TLS");
    }
    EnvServer server = new EnvServer(EnvServerMain.nettyBuilder(config), envs, config).start();
    return new EmbeddedEnvServer(server, config.host());
  }

  /**
   * The {@link InProcessServer.Factory} of this module (META-INF/services): {@link #startFor} for
   * one env, {@link #startWithAtari} for every env (a null id).
   */
  public static final class Factory implements InProcessServer.Factory {
    @Override
    public InProcessServer start(String envId, Path romDir) throws IOException {
      return envId == null ? startWithAtari(romDir) : startFor(envId, romDir);
    }
  }

  /**
   * host:port to give a client ({@code RemoteBatchedEnv.connect}, {@code RemoteSession.open} in
   * gymbridge-client).
   */
  @Override
  public String address() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  public int port() {
    return port;
  }

  /** Sessions open now: a client's, until it closes them or the idle timeout does. */
  public int openSessions() {
    return server.openSessions();
  }

  /** Stops the server: running calls get the shutdown grace, then are cancelled. Idempotent. */
  @Override
  public void close() {
    server.close();
  }
}
