package io.gymbridge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * One source of defaults per server, and the same defaults in both: the command line's come from
 * {@link ServerConfig}'s constants, and the Python server's (python/gymbridge/server/defaults.py,
 * read as text) equal them. The Python test tests/test_server_defaults.py checks the same from its
 * side, against this server's --help.
 */
class ServerDefaultsParityTest {
  private static final Path PYTHON_DEFAULTS = Path.of("..", "python", "gymbridge", "server");

  /** Python names in defaults.py with no Java counterpart, on purpose (its module doc says why). */
  private static final Set<String> PYTHON_ONLY = Set.of("MAX_WORKERS");

  /** Each Python default and the Java value it must equal. */
  private static Map<String, Object> javaValues() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("HOST", ServerConfig.DEFAULT_HOST);
    m.put("PORT", (long) ServerConfig.DEFAULT_PORT);
    m.put("MAX_SESSIONS", (long) ServerConfig.DEFAULT_MAX_SESSIONS);
    m.put("MAX_ENVS_PER_SESSION", (long) ServerConfig.DEFAULT_MAX_ENVS_PER_SESSION);
    m.put("MAX_MESSAGE_BYTES", (long) ServerConfig.DEFAULT_MAX_MESSAGE_BYTES);
    m.put("IDLE_TIMEOUT_S", ServerConfig.DEFAULT_IDLE_TIMEOUT_SECONDS);
    m.put("KEEPALIVE_S", ServerConfig.DEFAULT_KEEPALIVE_SECONDS);
    m.put("KEEPALIVE_TIMEOUT_S", ServerConfig.KEEPALIVE_TIMEOUT_SECONDS);
    m.put("PERMIT_KEEPALIVE_S", ServerConfig.PERMIT_KEEPALIVE_SECONDS);
    m.put("SHUTDOWN_GRACE_S", ServerConfig.DEFAULT_SHUTDOWN_GRACE_SECONDS);
    m.put("RESPONSE_MARGIN_BYTES", (long) ServerConfig.RESPONSE_MARGIN_BYTES);
    m.put("REFUSAL_LOG_INTERVAL_S", TimeUnit.NANOSECONDS.toSeconds(RefusalLog.WINDOW_NANOS));
    return m;
  }

  @Test
  void thePythonServerHasTheSameDefaults() throws IOException {
    Map<String, Object> python = pythonDefaults();
    Map<String, Object> java = javaValues();
    for (Map.Entry<String, Object> e : java.entrySet()) {
      assertTrue(python.containsKey(e.getKey()), "defaults.py has no " + e.getKey());
      assertEquals(
          e.getValue(),
          python.get(e.getKey()),
          e.getKey() + " in python/gymbridge/server/defaults.py differs from the Java server's");
    }
    Set<String> unmatched = new TreeSet<>(python.keySet());
    unmatched.removeAll(java.keySet());
    unmatched.removeAll(PYTHON_ONLY);
    assertEquals(
        Set.of(),
        unmatched,
        "defaults in defaults.py with no Java counterpart: add one to javaValues(), or to"
            + " PYTHON_ONLY with the reason in defaults.py's module doc");
  }

  @Test
  void theCommandLinesDefaultsAreServerConfigsConstants() {
    EnvServerMain main = new EnvServerMain();
    new CommandLine(main).parseArgs();
    // An environment variable would override a default: compare only those not set here.
    check("GYMBRIDGE_HOST", ServerConfig.DEFAULT_HOST, main.host);
    check("GYMBRIDGE_PORT", ServerConfig.DEFAULT_PORT, main.port);
    check("GYMBRIDGE_MAX_SESSIONS", ServerConfig.DEFAULT_MAX_SESSIONS, main.maxSessions);
    check(
        "GYMBRIDGE_MAX_ENVS_PER_SESSION",
        ServerConfig.DEFAULT_MAX_ENVS_PER_SESSION,
        main.maxEnvsPerSession);
    check(
        "GYMBRIDGE_MAX_MESSAGE_BYTES",
        ServerConfig.DEFAULT_MAX_MESSAGE_BYTES,
        main.maxMessageBytes);
    check(
        "GYMBRIDGE_IDLE_TIMEOUT_SECONDS",
        ServerConfig.DEFAULT_IDLE_TIMEOUT_SECONDS,
        main.idleTimeoutSeconds);
    check(
        "GYMBRIDGE_KEEPALIVE_SECONDS",
        ServerConfig.DEFAULT_KEEPALIVE_SECONDS,
        main.keepAliveSeconds);
    check(
        "GYMBRIDGE_SHUTDOWN_GRACE_SECONDS",
        ServerConfig.DEFAULT_SHUTDOWN_GRACE_SECONDS,
        main.shutdownGraceSeconds);
    check("GYMBRIDGE_MAX_CLIENT_SHARE", ServerConfig.DEFAULT_CLIENT_SHARE, main.maxClientShare);
    check("GYMBRIDGE_HEALTH_PORT", ServerConfig.DEFAULT_HEALTH_PORT, main.healthPort);
    check("GYMBRIDGE_WORKER_NICE", ServerConfig.DEFAULT_WORKER_NICE, main.workerNice);
  }

  @Test
  void defaultsIsTheCommandLinesDefaultsOnAnEphemeralPort() {
    ServerConfig d = ServerConfig.defaults();
    assertEquals(0, d.port());
    assertEquals(ServerConfig.DEFAULT_HOST, d.host());
    assertEquals(ServerConfig.DEFAULT_MAX_SESSIONS, d.maxSessions());
    assertEquals(ServerConfig.DEFAULT_MAX_ENVS_PER_SESSION, d.maxEnvsPerSession());
    assertEquals(ServerConfig.DEFAULT_MAX_MESSAGE_BYTES, d.maxMessageBytes());
    assertEquals(Duration.ofSeconds(ServerConfig.DEFAULT_IDLE_TIMEOUT_SECONDS), d.idleTimeout());
    assertEquals(Duration.ofSeconds(ServerConfig.DEFAULT_KEEPALIVE_SECONDS), d.keepAlive());
    assertEquals(
        Duration.ofSeconds(ServerConfig.DEFAULT_SHUTDOWN_GRACE_SECONDS), d.shutdownGrace());
    assertEquals(ServerConfig.DEFAULT_CLIENT_SHARE, d.maxClientShare());
    assertEquals(ServerConfig.DEFAULT_HEALTH_PORT, d.healthPort());
  }

  private static void check(String envVar, Object expected, Object actual) {
    if (System.getenv(envVar) == null) {
      assertEquals(expected, actual, "the default of the option read from " + envVar);
    }
  }

  /**
   * NAME = value lines of defaults.py: a string literal, or an integer or a product of integers (as
   * Long), which is all that file may hold (its module doc says so).
   */
  private static Map<String, Object> pythonDefaults() throws IOException {
    Path file = PYTHON_DEFAULTS.resolve("defaults.py");
    Pattern line = Pattern.compile("^([A-Z][A-Z0-9_]*) = ([^#]+?)\\s*(#.*)?$");
    Map<String, Object> out = new LinkedHashMap<>();
    for (String l : Files.readAllLines(file)) {
      Matcher m = line.matcher(l);
      if (m.matches()) {
        out.put(m.group(1), parse(m.group(1), m.group(2)));
      }
    }
    assertTrue(out.size() >= 10, "read only " + out + " from " + file.toAbsolutePath());
    return out;
  }

  private static Object parse(String name, String value) {
    if (value.startsWith("\"") && value.endsWith("\"")) {
      return value.substring(1, value.length() - 1);
    }
    long product = 1;
    for (String factor : value.split("\\*")) {
      String digits = factor.strip().replace("_", "");
      if (!digits.matches("[0-9]+")) {
        throw new AssertionError(
            name + " = " + value + ": defaults.py values must be literals or products of integers");
      }
      product *= Long.parseLong(digits);
    }
    return product;
  }
}
