package io.gymbridge.agent.cli;

import io.gymbridge.client.RemoteEnvException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code bin/agent}: train a DQN agent against gymbridge env servers, or evaluate one. */
@Command(
    name = "agent",
    mixinStandardHelpOptions = true,
    versionProvider = AgentMain.Version.class,
    description = "DQN (DJL, PyTorch engine) trained against gymbridge env servers over gRPC.",
    subcommands = {
      TrainCommand.class,
      EvalCommand.class,
      EnvsCommand.class,
      BenchCommand.class,
      LearnerBenchCommand.class,
      ReplayBenchCommand.class,
      PipelineBenchCommand.class,
      CurveCommand.class,
      ProbeCommand.class
    })
public final class AgentMain implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    // The embedded env-server's jar brings its own logback.xml; the agent's config has its own
    // name so that logback does not have to choose between two (and complain about it).
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "agent-logback.xml");
    }
    // --rebalance-interval re-resolves dns:/// names; the JVM's default 30 s cache of lookups would
    // add up to as much again before a scaled Deployment's new pods are seen.
    if (java.security.Security.getProperty("networkaddress.cache.ttl") == null) {
      java.security.Security.setProperty("networkaddress.cache.ttl", "5");
    }
    DjlSetup.configureBeforeEngineStart();
    System.exit(commandLine().execute(args));
  }

  /**
   * The command line with its error handling: a bad setting (IllegalArgumentException) is a
   * one-line message and exit code 2, a server's error (RemoteEnvException) one line and exit code
   * 1, not a stack trace.
   */
  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new AgentMain());
    cli.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          if (e instanceof IllegalArgumentException) {
            cmd.getErr().println("error: " + e.getMessage());
            return 2;
          }
          if (e instanceof RemoteEnvException) {
            // A server's refusal (unknown env with advice, missing ROMs, a limit) or a lost
            // server: its message says what and why; a stack trace would bury it.
            cmd.getErr().println("error: " + e.getMessage());
            return 1;
          }
          throw e;
        });
    return cli;
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = AgentMain.class.getPackage().getImplementationVersion();
      return new String[] {"gymbridge agent " + (v == null ? "dev" : v)};
    }
  }
}
