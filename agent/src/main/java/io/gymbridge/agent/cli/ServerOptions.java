package io.gymbridge.agent.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Where the envs are: --server host:port, repeatable; none means an in-process env-server. */
final class ServerOptions {
  @Option(
      names = "--server",
      paramLabel = "HOST:PORT",
      description =
          "A gymbridge env server; repeat for several (envs are spread evenly over them). "
              + "Default: start one in-process.")
  List<String> servers = new ArrayList<>();

  List<String> addresses() {
    return servers;
  }
}
