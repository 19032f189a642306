package io.gymbridge.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gymbridge.envs.EnvRegistry;
import io.gymbridge.server.EnvServer;
import io.gymbridge.server.EnvServerMain;
import io.gymbridge.server.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A newcomer's mistakes through the real command line, real servers and real sockets: each is
 * answered in one line on stderr that names the thing and says what to do (a usage error adds one
 * hint line), with no stack trace unless --verbose, and exit code 2 for usage and settings, 1 for
 * failures while running.
 */
class CliErrorsTest {
  @TempDir static Path dir;
  private static SelfSignedCertificate cert;

  @BeforeAll
  static void certificate() throws Exception {
    cert = SelfSignedCertificate.create(dir);
  }

  /** What one run printed on the command line's stderr, and its exit code. */
  private record Run(int code, String err, String stdout) {
    List<String> lines() {
      return err.lines().toList();
    }

    /** One line, "error: ..." with no stack frame; returns it. */
    String oneLine() {
      assertEquals(1, lines().size(), "expected one line on stderr, got:\n" + err);
      return checked(lines().get(0));
    }

    /** The error line and the hint to --help of {@code command}; returns the error line. */
    String lineAndHint(String command) {
      assertEquals(2, lines().size(), "expected an error and a hint, got:\n" + err);
      assertEquals("Try '" + command + " --help'.", lines().get(1));
      return checked(lines().get(0));
    }

    private String checked(String line) {
      assertTrue(line.startsWith("error: "), line);
      assertFalse(err.contains("\tat ") || stdout.contains("\tat "), "a stack trace:\n" + err);
      return line;
    }
  }

  private static Run run(String... args) {
    StringWriter err = new StringWriter();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream oldOut = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      var cli = AgentMain.commandLine();
      cli.setErr(new PrintWriter(err, true));
      int code = cli.execute(args);
      return new Run(code, err.toString(), out.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
    }
  }

  /** A loopback port with nothing listening on it. */
  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static EnvServer server(ServerConfig config) throws Exception {
    return new EnvServer(EnvServerMain.nettyBuilder(config), EnvRegistry.builtin(), config).start();
  }

  private static void contains(String text, String... parts) {
    for (String part : parts) {
      assertTrue(text.contains(part), "'" + part + "' missing from: " + text);
    }
  }

  @Test
  void aCheckpointThatIsNotThereSaysWhatToGiveInstead() {
    Run r = run("eval", "--checkpoint", "/nonexistent");
    assertEquals(2, r.code(), r.err());
    contains(r.oneLine(), "--checkpoint /nonexistent: no such file", "--out directory");
  }

  @Test
  void verboseAddsTheStackTrace() {
    Run r = run("eval", "--checkpoint", "/nonexistent", "--verbose");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.lines().get(0).startsWith("error: --checkpoint /nonexistent"), r.err());
    assertTrue(r.err().contains("\tat io.gymbridge.agent.cli.EvalCommand"), r.err());
  }

  @Test
  void resumingADirectoryWithNoRunSaysToLeaveOutResume() {
    Path fresh = dir.resolve("fresh");
    Run r = run("train", "--resume", "--out", fresh.toString());
    assertEquals(2, r.code(), r.err());
    contains(r.oneLine(), fresh + " holds no run", "leave out --resume");
  }

  @Test
  void aServerThatIsNotThereSaysHowToStartOne() throws Exception {
    int port = freePort();
    Run r =
        run("train", "--server", "127.0.0.1:" + port, "--out", dir.resolve("no-server").toString());
    assertEquals(1, r.code(), r.err());
    contains(
        r.oneLine(),
        "Nothing listens at 127.0.0.1:" + port,
        "bin/env-server --port " + port,
        "--server");
  }

  @Test
  void waitingForServersThatNeverComeNamesThemAndHowToStartThem() throws Exception {
    int port = freePort();
    Run r =
        run(
            "train",
            "--server",
            "127.0.0.1:" + port,
            "--wait-for-servers",
            "1",
            "--out",
            dir.resolve("wait").toString());
    assertEquals(1, r.code(), r.err());
    contains(
        r.oneLine(),
        "not ready after waiting 1 s",
        "127.0.0.1:" + port + " (UNAVAILABLE: nothing listens there",
        "bin/env-server --port " + port);
  }

  @Test
  void aTlsAgentAtAPlaintextServerIsToldToDropTls() throws Exception {
    ServerConfig plain = ServerConfig.defaults().withPort(0);
    try (EnvServer s = server(plain)) {
      Run r = run("envs", "--server", "127.0.0.1:" + s.port(), "--tls-ca", cert.cert().toString());
      assertEquals(1, r.code(), r.err());
      contains(r.oneLine(), "127.0.0.1:" + s.port() + " speaks plaintext", "leave out --tls");
    }
  }

  @Test
  void aPlaintextAgentAtATlsServerIsToldToDialTls() throws Exception {
    ServerConfig tls = ServerConfig.defaults().withPort(0).withTls(cert.cert(), cert.key(), null);
    try (EnvServer s = server(tls)) {
      Run r =
          run(
              "train",
              "--server",
              "127.0.0.1:" + s.port(),
              "--out",
              dir.resolve("plain-to-tls").toString());
      assertEquals(1, r.code(), r.err());
      contains(r.oneLine(), "127.0.0.1:" + s.port() + " closed the connection", "--tls-ca");

      Run untrusted = run("envs", "--server", "127.0.0.1:" + s.port(), "--tls");
      assertEquals(1, untrusted.code(), untrusted.err());
      contains(untrusted.oneLine(), "not signed by a CA this agent trusts", "--tls-ca FILE");

      Run ok = run("envs", "--server", "127.0.0.1:" + s.port(), "--tls-ca", cert.cert().toString());
      assertEquals(0, ok.code(), ok.err());
    }
  }

  @Test
  void aBadSettingValueIsOneLineNamingTheKey() {
    Run r = run("train", "--set", "numEnvs=abc", "--out", dir.resolve("bad-set").toString());
    assertEquals(2, r.code(), r.err());
    contains(r.oneLine(), "numEnvs", "abc");
  }

  @Test
  void aUsageErrorIsTheErrorAndOneHintNotTheWholeUsage() {
    Run r = run("train", "--num-envs", "many");
    assertEquals(2, r.code(), r.err());
    contains(r.lineAndHint("agent train"), "--num-envs", "many");

    Run typo = run("train", "--total-step", "5");
    assertEquals(2, typo.code(), typo.err());
    contains(typo.lineAndHint("agent train"), "--total-step", "did you mean --total-steps");
  }

  @Test
  void aPortOutOfRangeSaysWhatAnAddressLooksLike() {
    Run r = run("envs", "--server", "127.0.0.1:99999");
    assertEquals(2, r.code(), r.err());
    contains(r.oneLine(), "127.0.0.1:99999", "port in 1..65535");
  }
}
