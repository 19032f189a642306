package io.gymbridge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** {@code env-server health}, the container HEALTHCHECK: exit 0 only for a SERVING server. */
@Timeout(60)
class HealthCommandTest {
  private static int health(String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "health";
    System.arraycopy(args, 0, all, 1, args.length);
    return new CommandLine(new EnvServerMain()).execute(all);
  }

  @Test
  void aServingServerExitsZero() throws Exception {
    try (TestServer server = TestServer.start()) {
      String address = "127.0.0.1:" + server.server().port();
      assertEquals(0, health("--address", address));
      assertEquals(0, health("--address", address, "--service", "gymbridge.v1.EnvService"));
    }
  }

  @Test
  void anUnknownServiceExitsOne() throws Exception {
    try (TestServer server = TestServer.start()) {
      assertEquals(
          1,
          health("--address", "127.0.0.1:" + server.server().port(), "--service", "nope.Service"));
    }
  }

  @Test
  void nobodyListeningExitsOneAtOnceSayingUnavailable() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    // A refusal is reported as it comes, not waited out: with a timeout far beyond the test's own,
    // a probe that waited would fail the test at its @Timeout, and say DEADLINE_EXCEEDED.
    PrintStream stdout = System.out;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    try {
      assertEquals(1, health("--address", "127.0.0.1:" + port, "--timeout-seconds", "3600"));
    } finally {
      System.setOut(stdout);
    }
    String line = printed.toString(StandardCharsets.UTF_8);
    assertTrue(line.startsWith("127.0.0.1:" + port + ": UNAVAILABLE"), line);
  }
}
