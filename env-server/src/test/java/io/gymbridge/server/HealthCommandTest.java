package io.gymbridge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code env-server health}, the container HEALTHCHECK: exit 0 only for a SERVING server. */
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
  void nobodyListeningExitsOneWithinTheTimeout() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    long start = System.nanoTime();
    assertEquals(1, health("--address", "127.0.0.1:" + port, "--timeout-seconds", "1"));
    assertEquals(true, System.nanoTime() - start < 5_000_000_000L);
  }
}
