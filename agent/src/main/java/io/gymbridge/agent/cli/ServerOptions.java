package io.gymbridge.agent.cli;

import io.gymbridge.client.ServerAddresses;
import io.gymbridge.transport.ClientSecurity;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Where the envs are: --server host:port, repeatable; none means an in-process env-server. */
final class ServerOptions {
  @Option(
      names = "--server",
      paramLabel = "HOST:PORT",
      description =
          "A gymbridge env server; repeat for several (envs are spread evenly over them). "
              + "dns:///NAME:PORT stands for every address NAME resolves to (a scaled compose "
              + "service, a Kubernetes headless service), resolved again every "
              + "--rebalance-interval. Default: start one in-process.")
  List<String> servers = new ArrayList<>();

  @Option(
      names = "--wait-for-servers",
      paramLabel = "SECONDS",
      defaultValue = "${env:GYMBRIDGE_WAIT_FOR_SERVERS:-0}",
      description =
          "Wait up to this long for every --server to resolve and report SERVING on "
              + "grpc.health.v1 before starting [GYMBRIDGE_WAIT_FOR_SERVERS] (default: "
              + "${DEFAULT-VALUE}: no wait, an unreachable server fails at once).")
  long waitForServersSeconds;

  @Option(
      names = "--rebalance-interval",
      paramLabel = "SECONDS",
      defaultValue = "30",
      description =
          "Resolve the --server names again this often while running and, when the addresses "
              + "differ from those in use (replicas added or gone, a server back after its envs "
              + "moved), spread the envs evenly again; envs that move restart. 0: never "
              + "(default: ${DEFAULT-VALUE}).")
  long rebalanceIntervalSeconds;

  @Option(
      names = "--rom-dir",
      paramLabel = "DIR",
      description =
          "Atari ROMs for the in-process env-server (a folder of <game>.bin). Default: found as"
              + " bin/env-server finds them: GYMBRIDGE_ROM_DIR, ALE_ROM_DIR, else the ROMs of"
              + " ale-py in the checkout's .venv or for python3 (see docs/envs.md, 'ROMs').")
  Path romDir;

  @Mixin SecurityOptions securityOptions;

  /** How to dial the servers (plaintext for the in-process one, which listens on loopback). */
  ClientSecurity security() {
    return servers.isEmpty() ? ClientSecurity.plaintext() : securityOptions.security();
  }

  /** How often the server names are resolved again; zero (or less): never. */
  Duration rebalanceInterval() {
    return Duration.ofSeconds(Math.max(0, rebalanceIntervalSeconds));
  }

  /** The server addresses to open sessions on, after any wait; empty for an in-process server. */
  List<String> addresses() {
    if (servers.isEmpty()) {
      return servers;
    }
    if (waitForServersSeconds < 0) {
      throw new IllegalArgumentException(
          "--wait-for-servers: expected seconds >= 0, got " + waitForServersSeconds);
    }
    return ServerAddresses.resolve(
        servers, Duration.ofSeconds(waitForServersSeconds), System.out, security());
  }
}
