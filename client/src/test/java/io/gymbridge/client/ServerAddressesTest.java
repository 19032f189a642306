package io.gymbridge.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gymbridge.server.EmbeddedEnvServer;
import io.gymbridge.transport.ClientSecurity;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
    // Nobody listens yet: the server comes up a second into the wait.
    int p = port;
    CompletableFuture<EmbeddedEnvServer> later =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                Thread.sleep(1000);
                return TestServers.startOn(p);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    try {
      List<String> out =
          ServerAddresses.resolve(
              List.of("127.0.0.1:" + port),
              Duration.ofSeconds(20),
              QUIET,
              ClientSecurity.plaintext());
      assertEquals(List.of("127.0.0.1:" + port), out);
    } finally {
      later.get(20, TimeUnit.SECONDS).close();
    }
  }

  @Test
  void waitingGivesUpWithTheServerAndWhy() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String address = "127.0.0.1:" + port;
    ServersNotReadyException e =
        assertThrows(
            ServersNotReadyException.class,
            () ->
                ServerAddresses.resolve(
                    List.of(address), Duration.ofSeconds(1), QUIET, ClientSecurity.plaintext()));
    assertTrue(
        e.getMessage().contains(address + " (UNAVAILABLE: nothing listens there"), e.getMessage());
    assertEquals(List.of(address), List.copyOf(e.notReady().keySet()));
  }
}
