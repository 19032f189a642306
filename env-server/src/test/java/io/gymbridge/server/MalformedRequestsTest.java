package io.gymbridge.server;

import static io.gymbridge.server.Wire.assertStatus;
import static io.gymbridge.server.Wire.make;
import static io.gymbridge.server.Wire.reset;
import static io.gymbridge.server.Wire.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.CallOptions;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.Status.Code;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.gymbridge.v1.EnvServiceGrpc;
import io.gymbridge.v1.GetServerInfoRequest;
import io.gymbridge.v1.StepResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Requests that are not protobuf at all: INVALID_ARGUMENT, and the server keeps serving. */
class MalformedRequestsTest {
  /** Field 1, length-delimited, claiming 100 bytes that never come: no parser accepts it. */
  private static final byte[] TRUNCATED = {0x0a, 100, 1, 2, 3};

  /** A varint that never ends. */
  private static final byte[] ENDLESS_VARINT = {0x08, (byte) 0xff, (byte) 0xff, (byte) 0xff};

  private static <Q, R> MethodDescriptor<byte[], byte[]> raw(MethodDescriptor<Q, R> typed) {
    return typed.toBuilder(Bytes.INSTANCE, Bytes.INSTANCE).build();
  }

  private static byte[] callRaw(TestServer server, MethodDescriptor<?, ?> method, byte[] body) {
    return ClientCalls.blockingUnaryCall(
        server.channel(),
        raw(method),
        CallOptions.DEFAULT.withDeadlineAfter(TestServer.DEADLINE_SECONDS, TimeUnit.SECONDS),
        body);
  }

  @Test
  void everyUnaryMethodAnswersInvalidArgumentAndTheServerGoesOn() throws Exception {
    try (TestServer server = TestServer.start()) {
      List<MethodDescriptor<?, ?>> methods =
          List.of(
              EnvServiceGrpc.getGetServerInfoMethod(),
              EnvServiceGrpc.getListEnvsMethod(),
              EnvServiceGrpc.getMakeMethod(),
              EnvServiceGrpc.getResetMethod(),
              EnvServiceGrpc.getStepMethod(),
              EnvServiceGrpc.getRenderMethod(),
              EnvServiceGrpc.getCloseMethod());
      for (MethodDescriptor<?, ?> method : methods) {
        for (byte[] body : new byte[][] {TRUNCATED, ENDLESS_VARINT}) {
          assertStatus(
              Code.INVALID_ARGUMENT,
              () -> callRaw(server, method, body),
              "the " + method.getBareMethodName() + " request is not a valid gymbridge.v1.",
              "protobuf message");
        }
      }
      // Still serving, on the same connection.
      String id = server.env().make(make("CartPole-v1", 1)).getSessionId();
      server.env().reset(reset(id, 1));
      StepResponse r = server.env().step(step(id, 0));
      assertEquals(1, r.getRewardsCount());
      assertEquals(
          "gymbridge.v1",
          server.env().getServerInfo(GetServerInfoRequest.getDefaultInstance()).getProtocol());
    }
  }

  @Test
  void aMalformedStreamMessageEndsThatStreamAndClosesItsSessions() throws Exception {
    // One session allowed: if the stream's session leaked, the next Make would be refused.
    ServerConfig oneSession = TestServer.config().withLimits(1, 8, 1 << 20);
    try (TestServer server = TestServer.start(oneSession)) {
      CompletableFuture<Status> ended = new CompletableFuture<>();
      StreamObserver<byte[]> requests =
          ClientCalls.asyncBidiStreamingCall(
              server.channel().newCall(raw(EnvServiceGrpc.getStreamMethod()), CallOptions.DEFAULT),
              new StreamObserver<>() {
                @Override
                public void onNext(byte[] value) {}

                @Override
                public void onError(Throwable t) {
                  ended.complete(Status.fromThrowable(t));
                }

                @Override
                public void onCompleted() {
                  ended.complete(Status.OK);
                }
              });
      requests.onNext(Wire.streamed(make("CartPole-v1", 1)).toByteArray());
      requests.onNext(TRUNCATED);
      Status status = ended.get(TestServer.DEADLINE_SECONDS, TimeUnit.SECONDS);
      assertEquals(Code.INVALID_ARGUMENT, status.getCode(), status.toString());
      assertTrue(status.getDescription().contains("gymbridge.v1.StreamRequest"), status.toString());
      // The stream's session is gone: the single slot is free again.
      assertEquals(1, server.env().make(make("CartPole-v1", 1)).getNumEnvs());
    }
  }

  @Test
  void refusalsAreLoggedOncePerWindowWithACountOfTheRest() {
    AtomicLong now = new AtomicLong();
    RefusalLog log = new RefusalLog(now::get);
    log.refused("a malformed Step request", "peer-a"); // logged
    log.refused("a malformed Step request", "peer-a");
    log.refused("a malformed Make request", "peer-b");
    assertEquals(2, log.suppressed());
    now.addAndGet(RefusalLog.WINDOW_NANOS);
    log.refused("a malformed Step request", "peer-a"); // logged, with "2 more"
    assertEquals(0, log.suppressed());
  }

  private enum Bytes implements MethodDescriptor.Marshaller<byte[]> {
    INSTANCE;

    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
