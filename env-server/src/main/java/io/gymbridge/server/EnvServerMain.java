package io.gymbridge.server;

import io.grpc.InsecureServerCredentials;
import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.gymbridge.atari.AtariRegistrations;
import io.gymbridge.atari.AtariRoms;
import io.gymbridge.atari.RomDirectory;
import io.gymbridge.envs.EnvRegistry;
import io.gymbridge.transport.Tokens;
import io.gymbridge.vector.WorkerThreads;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bin/env-server}: parses options (each also an environment variable), starts, waits. */
@Command(
    name = "env-server",
    mixinStandardHelpOptions = true,
    versionProvider = EnvServerMain.Version.class,
    description = "Serves Gymnasium environments over the gymbridge.v1 gRPC contract.",
    subcommands = HealthCommand.class,
    footer = {
      "",
      "Every option can also come from the environment variable shown in brackets.",
      "Health: grpc.health.v1 (service \"\" and gymbridge.v1.EnvService); reflection is on, so",
      "  grpcurl -plaintext localhost:50051 list   works out of the box.",
      "  env-server health [--address HOST:PORT]   exits 0 when SERVING (a container HEALTHCHECK)."
    })
public final class EnvServerMain implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(EnvServerMain.class);

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--host",
      defaultValue = "${env:GYMBRIDGE_HOST:-" + ServerConfig.DEFAULT_HOST + "}",
      description =
          "Address to bind [GYMBRIDGE_HOST] (default: ${DEFAULT-VALUE}; 0.0.0.0 for all "
              + "interfaces, e.g. in a container).")
  String host;

  @Option(
      names = "--port",
      defaultValue = "${env:GYMBRIDGE_PORT:-" + ServerConfig.DEFAULT_PORT + "}",
      description = "TCP port [GYMBRIDGE_PORT] (default: ${DEFAULT-VALUE}; 0 picks a free one).")
  int port;

  @Option(
      names = "--max-sessions",
      defaultValue = "${env:GYMBRIDGE_MAX_SESSIONS:-" + ServerConfig.DEFAULT_MAX_SESSIONS + "}",
      description =
          "Sessions open at once, all clients together [GYMBRIDGE_MAX_SESSIONS] "
              + "(default: ${DEFAULT-VALUE}).")
  int maxSessions;

  @Option(
      names = "--max-envs-per-session",
      defaultValue =
          "${env:GYMBRIDGE_MAX_ENVS_PER_SESSION:-"
              + ServerConfig.DEFAULT_MAX_ENVS_PER_SESSION
              + "}",
      description =
          "Largest num_envs one Make may ask for [GYMBRIDGE_MAX_ENVS_PER_SESSION] "
              + "(default: ${DEFAULT-VALUE}).")
  int maxEnvsPerSession;

  @Option(
      names = "--max-message-bytes",
      defaultValue =
          "${env:GYMBRIDGE_MAX_MESSAGE_BYTES:-" + ServerConfig.DEFAULT_MAX_MESSAGE_BYTES + "}",
      description =
          "Largest request or response message in bytes [GYMBRIDGE_MAX_MESSAGE_BYTES] "
              + "(default: ${DEFAULT-VALUE}; gRPC's own default is 4 MiB). Clients must allow "
              + "as much on their side.")
  int maxMessageBytes;

  @Option(
      names = "--idle-timeout-seconds",
      defaultValue =
          "${env:GYMBRIDGE_IDLE_TIMEOUT_SECONDS:-"
              + ServerConfig.DEFAULT_IDLE_TIMEOUT_SECONDS
              + "}",
      description =
          "Close sessions untouched this many seconds [GYMBRIDGE_IDLE_TIMEOUT_SECONDS] "
              + "(default: ${DEFAULT-VALUE}).")
  long idleTimeoutSeconds;

  @Option(
      names = "--keepalive-seconds",
      defaultValue =
          "${env:GYMBRIDGE_KEEPALIVE_SECONDS:-" + ServerConfig.DEFAULT_KEEPALIVE_SECONDS + "}",
      description =
          "Ping idle connections this often to detect dead peers "
              + "[GYMBRIDGE_KEEPALIVE_SECONDS] (default: ${DEFAULT-VALUE}).")
  long keepAliveSeconds;

  @Option(
      names = "--shutdown-grace-seconds",
      defaultValue =
          "${env:GYMBRIDGE_SHUTDOWN_GRACE_SECONDS:-"
              + ServerConfig.DEFAULT_SHUTDOWN_GRACE_SECONDS
              + "}",
      description =
          "On shutdown, wait this long for running calls before cancelling them "
              + "[GYMBRIDGE_SHUTDOWN_GRACE_SECONDS] (default: ${DEFAULT-VALUE}).")
  long shutdownGraceSeconds;

  @Option(
      names = "--max-env-memory-mb",
      defaultValue = "${env:GYMBRIDGE_MAX_ENV_MEMORY_MB:-0}",
      description =
          "Estimated memory all sessions' envs may hold; a Make beyond it is refused "
              + "RESOURCE_EXHAUSTED [GYMBRIDGE_MAX_ENV_MEMORY_MB] (default: 0, three quarters of "
              + "the machine's or container's memory).")
  long maxEnvMemoryMb;

  @Option(
      names = "--max-client-share",
      defaultValue = "${env:GYMBRIDGE_MAX_CLIENT_SHARE:-" + ServerConfig.DEFAULT_CLIENT_SHARE + "}",
      description =
          "Share of the sessions and of the env memory one client (IP address) may hold, in "
              + "(0, 1]; 1: no per-client limit [GYMBRIDGE_MAX_CLIENT_SHARE] (default: "
              + "${DEFAULT-VALUE}).")
  double maxClientShare;

  @Option(
      names = "--health-port",
      defaultValue = "${env:GYMBRIDGE_HEALTH_PORT:-" + ServerConfig.DEFAULT_HEALTH_PORT + "}",
      description =
          "Also serve grpc.health.v1 alone on this port, in plaintext and without a token, for "
              + "probes that cannot speak TLS (Kubernetes' gRPC probes) [GYMBRIDGE_HEALTH_PORT] "
              + "(default: ${DEFAULT-VALUE}, none).")
  int healthPort;

  @Option(
      names = "--worker-nice",
      defaultValue = "${env:GYMBRIDGE_WORKER_NICE:-" + ServerConfig.DEFAULT_WORKER_NICE + "}",
      description =
          "Nice value (0-19) of the threads that step envs and run slow calls, which then also"
              + " ask Linux for a 0.1 ms slice, so cheap calls on the event loops keep their"
              + " latency beside heavy clients; 0: unchanged [GYMBRIDGE_WORKER_NICE] (default:"
              + " ${DEFAULT-VALUE}).")
  int workerNice;

  @Option(
      names = "--token",
      description =
          "Require 'authorization: Bearer <token>' on every call but health checks. Visible in "
              + "process listings: prefer --token-file or GYMBRIDGE_TOKEN (default: none).")
  String token;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description =
          "Read the bearer token from FILE (a mounted secret); the environment's "
              + "GYMBRIDGE_TOKEN, then GYMBRIDGE_TOKEN_FILE, are used when neither flag is set.")
  Path tokenFile;

  @Option(
      names = "--tls-cert",
      defaultValue = "${env:GYMBRIDGE_TLS_CERT}",
      description = "PEM certificate chain; serves TLS with --tls-key [GYMBRIDGE_TLS_CERT].")
  Path tlsCert;

  @Option(
      names = "--tls-key",
      defaultValue = "${env:GYMBRIDGE_TLS_KEY}",
      description = "PEM private key for --tls-cert [GYMBRIDGE_TLS_KEY].")
  Path tlsKey;

  @Option(
      names = "--tls-client-ca",
      paramLabel = "FILE",
      defaultValue = "${env:GYMBRIDGE_TLS_CLIENT_CA}",
      description =
          "Mutual TLS: require every client to present a certificate signed by a CA in this PEM "
              + "file (needs --tls-cert) [GYMBRIDGE_TLS_CLIENT_CA].")
  Path tlsClientCa;

  @Option(
      names = "--rom-dir",
      // No picocli default for GYMBRIDGE_ROM_DIR: RomDirectory reads it, so that the agent's
      // in-process server, which shares that search, honours it too.
      description =
          "Folder of Atari ROMs (<game>.bin) [GYMBRIDGE_ROM_DIR] (default: ALE_ROM_DIR, else the "
              + "roms folder of an ale-py installed for python3 on the PATH or in the .venv of the "
              + "checkout this jar was built in (or its main checkout, for a git worktree), never "
              + "the working directory; none: no Atari envs).")
  Path romDir;

  @Option(
      names = "--plugin",
      paramLabel = "PATH",
      split = ":",
      defaultValue = "${env:GYMBRIDGE_PLUGINS}",
      description =
          "A jar of env plugins, or a folder of such jars; repeatable, or ':'-separated"
              + " [GYMBRIDGE_PLUGINS]. Plugins on the server's classpath load without it. How to"
              + " write one: docs/add-a-java-env.md")
  List<Path> plugins = new ArrayList<>();

  public static void main(String[] args) {
    Thread.setDefaultUncaughtExceptionHandler(EnvServerMain::uncaught);
    System.exit(commandLine().execute(args));
  }

  /**
   * The command line, whose refusals of a bad setting (an empty token file, a port out of range)
   * are one line naming the setting: the usage text after it hid the reason in container logs.
   */
  static CommandLine commandLine() {
    return new CommandLine(new EnvServerMain())
        .setParameterExceptionHandler(
            (e, args) -> {
              e.getCommandLine()
                  .getErr()
                  .println(
                      "env-server: " + e.getMessage() + " (env-server --help lists the options)");
              e.getCommandLine().getErr().flush();
              return e.getCommandLine().getCommandSpec().exitCodeOnInvalidInput();
            });
  }

  /**
   * A thread that dies of an uncaught throwable is logged; one that dies of OutOfMemoryError ends
   * the JVM (status 3, as -XX:+ExitOnOutOfMemoryError does), because a server that lost a thread to
   * a full heap answers on in an unknown state, and a supervisor can only restart one that exits.
   * halt, not exit: shutdown hooks could need the memory that ran out.
   */
  private static void uncaught(Thread thread, Throwable t) {
    if (t instanceof OutOfMemoryError) {
      try {
        log.error("out of memory in thread {}; exiting so that a supervisor restarts", thread, t);
      } finally {
        Runtime.getRuntime().halt(3);
      }
    }
    log.error("thread {} ended on an uncaught throwable", thread.getName(), t);
  }

  ServerConfig config() {
    return new ServerConfig(
        host,
        port,
        maxSessions,
        maxEnvsPerSession,
        maxMessageBytes,
        Duration.ofSeconds(idleTimeoutSeconds),
        Duration.ofSeconds(keepAliveSeconds),
        Duration.ofSeconds(shutdownGraceSeconds),
        Tokens.resolve(token, tokenFile, System.getenv()),
        tlsCert,
        tlsKey,
        tlsClientCa,
        maxEnvMemoryMb == 0 ? ServerConfig.defaultEnvMemoryBytes() : maxEnvMemoryMb << 20,
        maxClientShare,
        healthPort);
  }

  @Override
  public Integer call() throws Exception {
    ServerConfig config;
    try {
      config = config();
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    try {
      WorkerThreads.setNice(workerNice);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    EnvServer server = new EnvServer(nettyBuilder(config), registry(), config);
    if (!InetAddress.getByName(config.host()).isLoopbackAddress() && config.token() == null) {
      log.warn(
          "listening on {} without a bearer token: anyone who can reach this port can run "
              + "envs here (set --token, and --tls-cert/--tls-key, on shared networks; in a "
              + "container, publish the port on the host's loopback only: -p "
              + "127.0.0.1:50051:50051)",
          config.host());
    }
    server.start();
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "gymbridge-shutdown"));
    server.awaitTermination();
    return 0;
  }

  private EnvRegistry registry() {
    try {
      return registry(romDir, plugins == null ? List.of() : plugins);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /** {@link #registry(Path, List)} with the plugins on the classpath only. */
  public static EnvRegistry registry(Path romDir) {
    return registry(romDir, List.of());
  }

  /**
   * The built-in envs, the Atari games whose ROMs are found (see {@link RomDirectory}), with {@code
   * romDir} (may be null) first in the search, and the envs of every {@link
   * io.gymbridge.envs.EnvProvider} plugin on the classpath or in {@code plugins} (jars or folders
   * of jars).
   *
   * @throws IllegalArgumentException {@code romDir} is given but is not a folder, or a plugin
   *     cannot be loaded or registers a taken id
   */
  public static EnvRegistry registry(Path romDir, List<Path> plugins) {
    EnvRegistry registry = EnvRegistry.builtin();
    // Never the working directory: its .venv/bin/python is whoever's file happens to be there.
    List<Path> roots = projectRootOfJar().map(List::of).orElse(List.of());
    Optional<RomDirectory> dir =
        RomDirectory.find(romDir, System.getenv(), RomDirectory.defaultPythons(roots));
    AtariRegistrations.register(registry, dir.map(AtariRoms::scan).orElseGet(AtariRoms::none));
    EnvPlugins.register(registry, plugins);
    return registry;
  }

  /** The checkout these classes were built in, whose .venv may have ale-py. */
  private static Optional<Path> projectRootOfJar() {
    try {
      Path location =
          Path.of(EnvServerMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return RomDirectory.projectRootOf(location);
    } catch (java.net.URISyntaxException | RuntimeException e) {
      return Optional.empty();
    }
  }

  public static NettyServerBuilder nettyBuilder(ServerConfig config) throws IOException {
    ServerCredentials credentials;
    if (config.tlsCert() == null) {
      credentials = InsecureServerCredentials.create();
    } else {
      TlsServerCredentials.Builder tls =
          TlsServerCredentials.newBuilder()
              .keyManager(config.tlsCert().toFile(), config.tlsKey().toFile());
      if (config.tlsClientCa() != null) {
        tls.trustManager(ClientCertificateTrust.forCaFile(config.tlsClientCa()))
            .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
      }
      credentials = tls.build();
    }
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(
            new InetSocketAddress(config.host(), config.port()), credentials);
    CallLimits limits = CallLimits.DEFAULTS;
    return EventLoops.use(builder)
        .maxConcurrentCallsPerConnection(limits.maxCallsPerConnection())
        .handshakeTimeout(limits.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS)
        // HTTP/2 "rapid reset": a client that opens and cancels streams in a loop costs the
        // server work for each; past 10,000 resets in 10 s its connection is closed. Legitimate
        // clients reset streams too (the Python fuzzer sent over 200 in 10 s), so the bound is
        // far above them and far below an attack's hundreds of thousands a second.
        .maxRstFramesPerWindow(10_000, 10)
        .keepAliveTime(config.keepAlive().toSeconds(), TimeUnit.SECONDS)
        .keepAliveTimeout(ServerConfig.KEEPALIVE_TIMEOUT_SECONDS, TimeUnit.SECONDS)
        // Let clients ping as often as every 5 s, so their keepalive finds a dead server quickly.
        .permitKeepAliveTime(ServerConfig.PERMIT_KEEPALIVE_SECONDS, TimeUnit.SECONDS)
        .permitKeepAliveWithoutCalls(true);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = EnvServerMain.class.getPackage().getImplementationVersion();
      return new String[] {
        "gymbridge env-server "
            + (v == null ? "dev" : v)
            + ", protocol "
            + EnvService.PROTOCOL
            + " revision "
            + EnvService.PROTOCOL_REVISION
      };
    }
  }
}
