package io.gymbridge.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gymbridge.server.EmbeddedEnvServer;
import io.gymbridge.transport.ClientSecurity;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** --server values: dns:/// names expand to every address; --wait-for-servers waits for health. */
class ServerAddressesTest {
  private static final PrintStream QUIET =
      new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

  @Test
  void plainAddressesPassThroughUnchanged() throws Exception {
    assertEquals(
        List.of("a.example:1", "10.0.0.2:50051"),
        ServerAddresses.expand(List.of("a.example:1", "10.0.0.2:50051")));
  }

  @Test
  void aDnsTargetBecomesEveryAddressOfTheName() throws Exception {
    List<String> out = ServerAddresses.expand(List.of("dns:///localhost:50051", "x:2"));
    assertTrue(out.contains("127.0.0.1:50051"), out.toString());
    assertEquals("x:2", out.get(out.size() - 1));
  }

  @Test
  void anUnresolvableNameWithoutWaitIsAnArgumentError() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ServerAddresses.resolve(
                    List.of("dns:///no-such-host.invalid:1"),
                    Duration.ZERO,
                    QUIET,
                    ClientSecurity.plaintext()));
    assertTrue(e.getMessage().contains("no-such-host.invalid"), e.getMessage());
  }

  @Test
  void waitingReturnsOnceTheServerIsServing() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    // Nobody listens yet: the server comes up during the second pause between probes.
    FakeClock clock = new FakeClock();
    EmbeddedEnvServer[] later = new EmbeddedEnvServer[1];
    clock.onSleep(
        pause -> {
          if (pause == 2) {
            try {
              later[0] = TestServers.startOn(port);
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          }
        });
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    try {
      List<String> out =
          ServerAddresses.resolve(
              List.of("127.0.0.1:" + port),
              Duration.ofSeconds(20),
              new PrintStream(log, true, StandardCharsets.UTF_8),
              ClientSecurity.plaintext(),
              clock);
      assertEquals(List.of("127.0.0.1:" + port), out);
      assertEquals(List.of(Duration.ofMillis(500), Duration.ofMillis(500)), clock.sleeps());
      String printed = log.toString(StandardCharsets.UTF_8);
      assertTrue(printed.contains("waiting up to 20 s for env servers"), printed);
      assertTrue(printed.contains("env servers ready after 1.0 s"), printed);
    } finally {
      if (later[0] != null) {
        later[0].close();
      }
    }
  }

  @Test
  void waitingGivesUpWithTheServerAndWhy() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String address = "127.0.0.1:" + port;
    FakeClock clock = new FakeClock();
    ServersNotReadyException e =
        assertThrows(
            ServersNotReadyException.class,
            () ->
                ServerAddresses.resolve(
                    List.of(address),
                    Duration.ofSeconds(1),
                    QUIET,
                    ClientSecurity.plaintext(),
                    clock));
    // Probes 0.5 s apart until the second after the wait began: three probes, two pauses.
    assertEquals(List.of(Duration.ofMillis(500), Duration.ofMillis(500)), clock.sleeps());
    assertTrue(
        e.getMessage().contains(address + " (UNAVAILABLE: nothing listens there"), e.getMessage());
    assertEquals(List.of(address), List.copyOf(e.notReady().keySet()));
  }
}
