package io.gymbridge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.ManagedChannel;
import io.grpc.Status.Code;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.gymbridge.transport.ClientSecurity;
import io.gymbridge.transport.HealthProbe;
import io.gymbridge.v1.EnvServiceGrpc;
import io.gymbridge.v1.GetServerInfoRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS and mutual TLS with real certificates (made by keytool per run), through {@link
 * ClientSecurity}, the credentials every Java client (agent, health command) dials with.
 */
class TlsTest {
  private static final String TOKEN = "tls-test-token";

  @TempDir static Path dir;
  private static TestCertificates serverCa;
  private static TestCertificates clientCa;
  private static TestCertificates otherCa;
  private static Path[] serverCert;
  private static Path[] clientCert;
  private static Path[] strangerCert;

  @BeforeAll
  static void certificates() throws Exception {
    serverCa = new TestCertificates(dir, "server");
    clientCa = new TestCertificates(dir, "client");
    otherCa = new TestCertificates(dir, "other");
    serverCert = serverCa.issue("localhost", TestCertificates.Usage.SERVER);
    clientCert = clientCa.issue("agent", TestCertificates.Usage.CLIENT);
    strangerCert = otherCa.issue("stranger", TestCertificates.Usage.CLIENT);
  }

  private static ServerConfig tls(Path clientCaFile) {
    return TestServer.config().withTls(serverCert[0], serverCert[1], clientCaFile);
  }

  /** GetServerInfo over a fresh channel dialed with {@code security}; returns the protocol. */
  private static String serverInfo(TestServer server, ClientSecurity security) throws Exception {
    ManagedChannel channel = security.channelBuilder("localhost:" + server.port()).build();
    try {
      return EnvServiceGrpc.newBlockingStub(channel)
          .withDeadlineAfter(TestServer.DEADLINE_SECONDS, TimeUnit.SECONDS)
          .getServerInfo(GetServerInfoRequest.getDefaultInstance())
          .getProtocol();
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static ClientSecurity trusting(Path ca) {
    return new ClientSecurity(null, true, ca, null, null, null);
  }

  @Test
  void aClientThatTrustsTheServersCaConnects() throws Exception {
    try (TestServer server = TestServer.start(tls(null))) {
      assertEquals("gymbridge.v1", serverInfo(server, trusting(serverCa.caPem())));
    }
  }

  @Test
  void plaintextAndUntrustedClientsCannotConnect() throws Exception {
    try (TestServer server = TestServer.start(tls(null))) {
      for (ClientSecurity wrong :
          new ClientSecurity[] {ClientSecurity.plaintext(), trusting(otherCa.caPem())}) {
        StatusRuntimeException e =
            assertThrows(StatusRuntimeException.class, () -> serverInfo(server, wrong));
        assertEquals(Code.UNAVAILABLE, e.getStatus().getCode(), wrong + ": " + e.getStatus());
      }
    }
  }

  @Test
  void mutualTlsAdmitsOnlyClientsWithACertificateFromTheClientCa() throws Exception {
    try (TestServer server = TestServer.start(tls(clientCa.caPem()))) {
      ClientSecurity withCert =
          new ClientSecurity(null, true, serverCa.caPem(), clientCert[0], clientCert[1], null);
      assertEquals("gymbridge.v1", serverInfo(server, withCert));
      ClientSecurity stranger =
          new ClientSecurity(null, true, serverCa.caPem(), strangerCert[0], strangerCert[1], null);
      for (ClientSecurity refused : new ClientSecurity[] {trusting(serverCa.caPem()), stranger}) {
        StatusRuntimeException e =
            assertThrows(StatusRuntimeException.class, () -> serverInfo(server, refused));
        assertEquals(Code.UNAVAILABLE, e.getStatus().getCode(), refused + ": " + e.getStatus());
      }
    }
  }

  @Test
  void mutualTlsRefusesACertificateOfTheClientCaThatIsNotForClients() throws Exception {
    // The issue's case: the server's own certificate presented as a client's (serverAuth only),
    // and a certificate that states no usage, both signed by the client CA.
    Path[] serverUsage = clientCa.issue("server-usage", TestCertificates.Usage.SERVER);
    Path[] unstated = clientCa.issue("unstated", TestCertificates.Usage.UNSTATED);
    try (TestServer server = TestServer.start(tls(clientCa.caPem()))) {
      for (Path[] cert : List.of(serverUsage, unstated)) {
        ClientSecurity refused =
            new ClientSecurity(null, true, serverCa.caPem(), cert[0], cert[1], null);
        StatusRuntimeException e =
            assertThrows(StatusRuntimeException.class, () -> serverInfo(server, refused));
        assertEquals(Code.UNAVAILABLE, e.getStatus().getCode(), cert[0] + ": " + e.getStatus());
        // The server goes on serving the clients whose certificates are for clients.
        ClientSecurity withCert =
            new ClientSecurity(null, true, serverCa.caPem(), clientCert[0], clientCert[1], null);
        assertEquals("gymbridge.v1", serverInfo(server, withCert));
      }
    }
  }

  @Test
  void tokenAndTlsTogetherAndHealthWithoutTheToken() throws Exception {
    ServerConfig config = tls(clientCa.caPem()).withToken(TOKEN);
    try (TestServer server = TestServer.start(config)) {
      ClientSecurity noToken =
          new ClientSecurity(null, true, serverCa.caPem(), clientCert[0], clientCert[1], null);
      StatusRuntimeException e =
          assertThrows(StatusRuntimeException.class, () -> serverInfo(server, noToken));
      assertEquals(Code.UNAUTHENTICATED, e.getStatus().getCode());
      assertEquals("gymbridge.v1", serverInfo(server, noToken.withToken(TOKEN)));
      // Health needs TLS (and the client certificate) but no token: orchestrators probe that way.
      assertEquals(
          ServingStatus.SERVING,
          HealthProbe.check("localhost:" + server.port(), "", Duration.ofSeconds(10), noToken));
    }
  }

  @Test
  void theServerNameCanDifferFromTheDialedHost() throws Exception {
    // A certificate that names neither localhost nor 127.0.0.1: dialing localhost succeeds only
    // when the client checks the certificate against the overriding name.
    Path[] elsewhere =
        serverCa.issue("elsewhere", TestCertificates.Usage.SERVER, "dns:envs.gymbridge.test");
    ServerConfig config = TestServer.config().withTls(elsewhere[0], elsewhere[1], null);
    try (TestServer server = TestServer.start(config)) {
      ClientSecurity named =
          new ClientSecurity(null, true, serverCa.caPem(), null, null, "envs.gymbridge.test");
      assertEquals("gymbridge.v1", serverInfo(server, named));
      StatusRuntimeException e =
          assertThrows(
              StatusRuntimeException.class, () -> serverInfo(server, trusting(serverCa.caPem())));
      assertEquals(Code.UNAVAILABLE, e.getStatus().getCode(), e.getStatus().toString());
    }
  }

  @Test
  void theHealthPortAnswersProbesInPlaintextAndServesNothingElse() throws Exception {
    int healthPort;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
      healthPort = free.getLocalPort();
    }
    ServerConfig config = tls(clientCa.caPem()).withToken(TOKEN).withHealthPort(healthPort);
    try (TestServer server = TestServer.start(config)) {
      String probe = "127.0.0.1:" + healthPort;
      assertEquals(
          ServingStatus.SERVING,
          HealthProbe.check(probe, "", Duration.ofSeconds(10), ClientSecurity.plaintext()));
      assertEquals(0, new picocli.CommandLine(new HealthCommand()).execute("--address", probe));
      ManagedChannel channel = ClientSecurity.plaintext().channelBuilder(probe).build();
      try {
        StatusRuntimeException e =
            assertThrows(
                StatusRuntimeException.class,
                () ->
                    EnvServiceGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(TestServer.DEADLINE_SECONDS, TimeUnit.SECONDS)
                        .getServerInfo(GetServerInfoRequest.getDefaultInstance()));
        assertEquals(Code.UNIMPLEMENTED, e.getStatus().getCode());
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void theHealthCommandChecksATlsServer() throws Exception {
    try (TestServer server = TestServer.start(tls(null))) {
      String address = "localhost:" + server.port();
      int ok =
          new picocli.CommandLine(new HealthCommand())
              .execute("--address", address, "--tls-ca", serverCa.caPem().toString());
      assertEquals(0, ok);
      int plaintext = new picocli.CommandLine(new HealthCommand()).execute("--address", address);
      assertEquals(1, plaintext);
    }
  }
}
