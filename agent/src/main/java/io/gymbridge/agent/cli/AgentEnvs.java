package io.gymbridge.agent.cli;

import io.gymbridge.client.ClientConfig;
import io.gymbridge.client.Kwargs;
import io.gymbridge.client.RemoteBatchedEnv;
import io.gymbridge.client.ServerAddresses;
import io.gymbridge.transport.InProcessServer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The envs a command trains or evaluates on: the given servers, or an env-server started in this
 * process (on a loopback port, so even then every step goes through the gRPC contract).
 */
final class AgentEnvs implements AutoCloseable {
  private final InProcessServer embedded;
  private final RemoteBatchedEnv env;
  private final ClientConfig client;

  private AgentEnvs(InProcessServer embedded, RemoteBatchedEnv env, ClientConfig client) {
    this.embedded = embedded;
    this.env = env;
    this.client = client;
  }

  /**
   * Opens {@code numEnvs} envs of {@code envId}, made with {@code kwargs} (JSON-style values, as a
   * config holds them), on the servers {@code options} name (resolved, waited for, dialed with its
   * TLS and token), or on an in-process server that also serves the Atari games of its ROM folder.
   */
  static AgentEnvs open(
      ServerOptions options, String envId, Map<String, ?> kwargs, int numEnvs, PrintStream log)
      throws IOException {
    List<String> servers = options.addresses();
    Path romDir = options.romDir;
    ClientConfig client =
        ClientConfig.defaults()
            .withSecurity(options.security())
            .withRebalanceInterval(options.rebalanceInterval());
    InProcessServer embedded = null;
    List<String> addresses = servers;
    if (servers.isEmpty()) {
      embedded = InProcessServer.start(envId, romDir);
      addresses = List.of(embedded.address());
      log.println("env server: in-process at " + embedded.address());
    } else {
      log.println("env servers: " + servers + " (" + client.security() + ")");
    }
    try {
      RemoteBatchedEnv env =
          RemoteBatchedEnv.connect(addresses, envId, Kwargs.toValues(kwargs), numEnvs, client);
      if (embedded == null) {
        List<String> names = options.servers;
        // DNS names resolved again: replicas added or gone are followed while training.
        env.followServers(() -> ServerAddresses.resolveNow(names));
      }
      return new AgentEnvs(embedded, env, client);
    } catch (RuntimeException e) {
      if (embedded != null) {
        embedded.close();
      }
      throw e;
    }
  }

  RemoteBatchedEnv env() {
    return env;
  }

  /** How sessions are opened on these servers (deadlines, TLS, token): for more sessions. */
  ClientConfig clientConfig() {
    return client;
  }

  /** The first server's address (the in-process one when no server was given). */
  String address() {
    return env.addresses().get(0);
  }

  /** The env's reward threshold ("solved" above it), or null when the spec has none. */
  Double rewardThreshold() {
    return env.spec().hasRewardThreshold() ? env.spec().getRewardThreshold() : null;
  }

  @Override
  public void close() {
    try {
      env.close();
    } finally {
      if (embedded != null) {
        embedded.close();
      }
    }
  }
}
