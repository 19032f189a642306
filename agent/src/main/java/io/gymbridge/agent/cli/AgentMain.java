package io.gymbridge.agent.cli;

import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bin/agent}: train a DQN agent against gymbridge env servers, or evaluate one. */
@Command(
    name = "agent",
    mixinStandardHelpOptions = true,
    versionProvider = AgentMain.Version.class,
    header = "DQN (DJL, PyTorch engine) trained against gymbridge env servers over gRPC.",
    description = {
      "",
      "Start with: bin/agent train --env CartPole-v1. Each command's --help lists its options;"
          + " docs/agent.md has the presets, the run directory and what to do when something"
          + " goes wrong."
    },
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

  /** Read by {@link CliErrors} from the parse result; here so every command takes it. */
  @Option(
      names = "--verbose",
      scope = CommandLine.ScopeType.INHERIT,
      description = "On an error, print the stack trace after the one-line message.")
  boolean verbose;

  /**
   * The name usage and hints give the command: bin/agent passes {@code
   * -Dgymbridge.command=bin/agent}, so that "Try 'bin/agent train --help'" is what to type; a
   * container runs the jar as "agent".
   */
  static final String COMMAND = System.getProperty("gymbridge.command", "agent");

  // Held: java.util.logging keeps its loggers weakly, and a collected one loses its level.
  private static final Logger GRPC_LOG = Logger.getLogger("io.grpc");

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
    // gRPC logs through java.util.logging, two lines a warning ("Failed to resolve name") beside
    // the one-line error that already says what failed and what to do; --verbose keeps them.
    if (!List.of(args).contains("--verbose")) {
      GRPC_LOG.setLevel(Level.SEVERE);
    }
    DjlSetup.configureBeforeEngineStart();
    System.exit(commandLine().execute(args));
  }

  /**
   * The command line with its error handling ({@link CliErrors}): every mistake is one line that
   * says what to do (a usage error adds a hint to --help), exit code 2 for usage and settings, 1
   * for failures while running; --verbose adds the stack trace. Every command's -V prints the
   * version.
   */
  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new AgentMain());
    cli.setCommandName(COMMAND);
    CliErrors errors = new CliErrors();
    cli.setParameterExceptionHandler(errors);
    cli.setExecutionExceptionHandler(errors);
    Version version = new Version();
    for (CommandLine sub : cli.getSubcommands().values()) {
      sub.getCommandSpec().versionProvider(version);
    }
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
