package io.gymbridge.server;

import static io.gymbridge.server.Wire.make;
import static io.gymbridge.server.Wire.reset;
import static io.gymbridge.server.Wire.step;
import static io.gymbridge.server.Wire.streamed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.Status.Code;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.gymbridge.v1.EnvServiceGrpc;
import io.gymbridge.v1.GetServerInfoRequest;
import io.gymbridge.v1.MakeRequest;
import io.gymbridge.v1.StepRequest;
import io.gymbridge.v1.StreamResponse;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * What a hostile or broken client can try over real sockets, health first (it needs no token):
 * oversized and idle health calls, more health calls than one client may hold, 60 MB ids echoed
 * back, an empty token file. Each test also checks that the server goes on answering another
 * client.
 */
class HostileClientsTest {
  /** Under the server's 64 MiB message limit, as in the security review. */
  private static final int HUGE = 60_000_000;

  @TempDir Path tmp;

  private static HealthCheckResponse.ServingStatus health(ManagedChannel channel) {
    return HealthGrpc.newBlockingStub(channel)
        .withDeadlineAfter(TestServer.DEADLINE_SECONDS, TimeUnit.SECONDS)
        .check(HealthCheckRequest.getDefaultInstance())
        .getStatus();
  }

  /** Another client's health check and GetServerInfo, on a connection of its own. */
  private static void othersAreStillAnswered(TestServer server) {
    ManagedChannel other = server.newChannel();
    assertEquals(ServingStatus.SERVING, health(other));
    assertEquals(
        "gymbridge.v1",
        TestServer.env(other)
            .getServerInfo(GetServerInfoRequest.getDefaultInstance())
            .getProtocol());
  }

  /**
   * A call started with its headers only: its request never comes. Completes with its status. The
   * method is called as a bidirectional stream, because gRPC Java holds back the headers of a call
   * whose client sends one message until that message; a hostile client sends them at once.
   */
  private static <Q, R> CompletableFuture<Status> idleCall(
      ManagedChannel channel, MethodDescriptor<Q, R> method) {
    CompletableFuture<Status> closed = new CompletableFuture<>();
    MethodDescriptor<Q, R> headersAtOnce =
        method.toBuilder().setType(MethodDescriptor.MethodType.BIDI_STREAMING).build();
    ClientCall<Q, R> call =
        channel.newCall(headersAtOnce, CallOptions.DEFAULT.withDeadlineAfter(60, TimeUnit.SECONDS));
    call.start(
        new ClientCall.Listener<>() {
          @Override
          public void onClose(Status status, Metadata trailers) {
            closed.complete(status);
          }
        },
        new Metadata());
    call.request(1);
    return closed;
  }

  private static Status await(CompletableFuture<Status> call) throws Exception {
    return call.get(30, TimeUnit.SECONDS);
  }

  @Test
  void anOversizedHealthRequestIsRefusedWhileOthersAreAnswered() throws Exception {
    try (TestServer server = TestServer.start()) {
      String longName = "x".repeat(HUGE);
      ExecutorService attackers = Executors.newFixedThreadPool(4);
      try {
        List<Future<StatusRuntimeException>> calls = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
          ManagedChannel channel = server.newChannel();
          calls.add(
              attackers.submit(
                  () ->
                      assertThrows(
                          StatusRuntimeException.class,
                          () ->
                              HealthGrpc.newBlockingStub(channel)
                                  .withDeadlineAfter(60, TimeUnit.SECONDS)
                                  .check(
                                      HealthCheckRequest.newBuilder()
                                          .setService(longName)
                                          .build()))));
        }
        othersAreStillAnswered(server);
        for (Future<StatusRuntimeException> call : calls) {
          Status status = call.get(90, TimeUnit.SECONDS).getStatus();
          assertEquals(Code.RESOURCE_EXHAUSTED, status.getCode(), status.toString());
          assertTrue(status.getDescription().contains("at most 4096 bytes"), status.toString());
        }
      } finally {
        attackers.shutdownNow();
      }
      // Just over the limit too; and a short unknown name is answered as before.
      StatusRuntimeException over =
          assertThrows(
              StatusRuntimeException.class,
              () ->
                  HealthGrpc.newBlockingStub(server.channel())
                      .withDeadlineAfter(10, TimeUnit.SECONDS)
                      .check(HealthCheckRequest.newBuilder().setService("y".repeat(5000)).build()));
      assertEquals(Code.RESOURCE_EXHAUSTED, over.getStatus().getCode());
      StatusRuntimeException unknown =
          assertThrows(
              StatusRuntimeException.class,
              () ->
                  HealthGrpc.newBlockingStub(server.channel())
                      .withDeadlineAfter(10, TimeUnit.SECONDS)
                      .check(
                          HealthCheckRequest.newBuilder().setService("no.such.Service").build()));
      assertEquals(Code.NOT_FOUND, unknown.getStatus().getCode());
      othersAreStillAnswered(server);
    }
  }

  @Test
  void callsWhoseRequestNeverArrivesTimeOutWhileOthersAreAnswered() throws Exception {
    CallLimits quick =
        CallLimits.DEFAULTS.withTimeouts(Duration.ofMillis(500), Duration.ofMillis(800));
    try (TestServer server = TestServer.start(TestServer.config(), quick)) {
      ManagedChannel idle = server.newChannel();
      List<CompletableFuture<Status>> checks = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        checks.add(idleCall(idle, HealthGrpc.getCheckMethod()));
      }
      CompletableFuture<Status> watch = idleCall(idle, HealthGrpc.getWatchMethod());
      CompletableFuture<Status> info = idleCall(idle, EnvServiceGrpc.getGetServerInfoMethod());
      CompletableFuture<Status> stream = idleCall(idle, EnvServiceGrpc.getStreamMethod());

      othersAreStillAnswered(server);

      for (CompletableFuture<Status> check : checks) {
        Status s = await(check);
        assertEquals(Code.DEADLINE_EXCEEDED, s.getCode(), s.toString());
        assertTrue(s.getDescription().contains("did not arrive within 500 ms"), s.toString());
      }
      assertEquals(Code.DEADLINE_EXCEEDED, await(watch).getCode());
      Status infoStatus = await(info);
      assertEquals(Code.DEADLINE_EXCEEDED, infoStatus.getCode(), infoStatus.toString());
      assertTrue(infoStatus.getDescription().contains("GetServerInfo request did not arrive"));
      Status streamStatus = await(stream);
      assertEquals(Code.DEADLINE_EXCEEDED, streamStatus.getCode(), streamStatus.toString());
      assertTrue(streamStatus.getDescription().contains("within 800 ms"), streamStatus.toString());
      othersAreStillAnswered(server);
    }
  }

  @Test
  void oneClientMayHoldOnlySixteenHealthCallsOpen() throws Exception {
    // The real limits: the 16 stay open the 10 s of the health timeout, far longer than the 17th
    // takes to come even on a loaded machine; then the test sees them end and the count go back.
    try (TestServer server = TestServer.start(TestServer.config(), CallLimits.DEFAULTS)) {
      ManagedChannel idle = server.newChannel();
      List<CompletableFuture<Status>> open = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        open.add(idleCall(idle, HealthGrpc.getCheckMethod()));
      }
      // A round trip behind them on their connection: the server has taken in all 16 once it is
      // answered (one connection's frames are read in order, and calls start as they are read).
      TestServer.env(idle).getServerInfo(GetServerInfoRequest.getDefaultInstance());
      StatusRuntimeException refused =
          assertThrows(StatusRuntimeException.class, () -> health(server.newChannel()));
      assertEquals(Code.RESOURCE_EXHAUSTED, refused.getStatus().getCode());
      assertTrue(
          refused.getStatus().getDescription().contains("already has 16 grpc.health.v1 calls"),
          refused.getStatus().toString());
      for (CompletableFuture<Status> call : open) {
        assertNotEquals(Code.RESOURCE_EXHAUSTED, await(call).getCode(), "one of the first 16");
      }
      // Their ends gave the count back: this client is answered again.
      othersAreStillAnswered(server);
    }
  }

  @Test
  void hugeIdsAreQuotedShortInErrorsAndLogLines() throws Exception {
    Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
    Logger refusals = (Logger) LoggerFactory.getLogger(StatusMapping.class);
    Level before = refusals.getLevel();
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    root.addAppender(lines);
    refusals.setLevel(Level.DEBUG); // refusals are logged at DEBUG: check those lines too
    try (TestServer server = TestServer.start()) {
      String huge = "s-" + "0".repeat(HUGE);
      List<StatusRuntimeException> errors = new ArrayList<>();
      errors.add(
          assertThrows(
              StatusRuntimeException.class,
              () -> server.env().step(StepRequest.newBuilder().setSessionId(huge).build())));
      errors.add(
          assertThrows(
              StatusRuntimeException.class,
              () -> server.env().make(MakeRequest.newBuilder().setEnvId(huge).build())));
      errors.add(
          assertThrows(
              StatusRuntimeException.class,
              () ->
                  server
                      .env()
                      .make(
                          make("CartPole-v1", 1).toBuilder()
                              .putKwargs(huge, Wire.intValue(1))
                              .build())));
      for (StatusRuntimeException e : errors) {
        String d = e.getStatus().getDescription();
        assertTrue(d.length() < 1000, e.getStatus().getCode() + " with " + d.length() + " chars");
        assertTrue(d.contains("(60000002 characters)"), d);
      }
      try (TestServer.StreamClient stream = server.stream()) {
        StreamResponse r =
            stream.call(streamed(StepRequest.newBuilder().setSessionId(huge).build()));
        assertEquals(Code.NOT_FOUND.value(), r.getError().getCode());
        assertTrue(r.getError().getMessage().length() < 1000, "in-band error too long");
      }
      // Another client still plays CartPole.
      String id = server.env().make(make("CartPole-v1", 1)).getSessionId();
      server.env().reset(reset(id, 0));
      assertEquals(1, server.env().step(step(id, 0)).getRewardsCount());
    } finally {
      root.detachAppender(lines);
      refusals.setLevel(before);
    }
    assertTrue(lines.list.size() > 0, "nothing was logged");
    for (ILoggingEvent line : lines.list) {
      int length =
          line.getFormattedMessage().length()
              + (line.getThrowableProxy() == null
                  ? 0
                  : String.valueOf(line.getThrowableProxy().getMessage()).length());
      assertTrue(length < 2000, "a log line of " + length + " chars: " + line.getLoggerName());
    }
  }

  @Test
  void anEmptyTokenFileStopsTheServerWithOneLine() throws Exception {
    for (String content : List.of("", " \n\t\n")) {
      Path file = Files.writeString(tmp.resolve("token"), content);
      StringWriter err = new StringWriter();
      int rc =
          assertTimeoutPreemptively(
              Duration.ofSeconds(60), // a server that started would never return
              () -> {
                var cmd = EnvServerMain.commandLine();
                cmd.setErr(new PrintWriter(err, true));
                return cmd.execute("--port", "0", "--token-file", file.toString());
              });
      assertEquals(2, rc, err.toString());
      List<String> out = err.toString().strip().lines().toList();
      assertEquals(1, out.size(), err.toString());
      assertTrue(out.get(0).contains("the bearer token from --token-file " + file + " is empty"));
    }
  }
}
