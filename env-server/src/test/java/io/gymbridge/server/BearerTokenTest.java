package io.gymbridge.server;

import static io.gymbridge.server.Wire.assertStatus;
import static io.gymbridge.server.Wire.make;
import static io.gymbridge.server.Wire.reset;
import static io.gymbridge.server.Wire.step;
import static io.gymbridge.server.Wire.streamed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.Status.Code;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.stub.MetadataUtils;
import io.gymbridge.v1.EnvServiceGrpc;
import io.gymbridge.v1.GetServerInfoRequest;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** --token: every call but health checks needs {@code authorization: Bearer <token>}. */
class BearerTokenTest {
  private static final String TOKEN = "s3cret-token";

  private TestServer server;

  @BeforeEach
  void start() throws Exception {
    server = TestServer.start(TestServer.config().withToken(TOKEN));
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  private EnvServiceGrpc.EnvServiceBlockingStub withAuthorization(String value) {
    Metadata headers = new Metadata();
    headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), value);
    return server.env().withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  @Test
  void callWithoutATokenIsUnauthenticated() {
    assertStatus(
        Code.UNAUTHENTICATED,
        () -> server.env().getServerInfo(GetServerInfoRequest.getDefaultInstance()),
        "authorization: Bearer");
    assertStatus(Code.UNAUTHENTICATED, () -> server.env().make(make("CartPole-v1", 1)));
  }

  @Test
  void callWithAWrongTokenIsUnauthenticated() {
    for (String wrong :
        new String[] {"Bearer nope", "Bearer " + TOKEN + "x", TOKEN, "bearer " + TOKEN}) {
      assertStatus(
          Code.UNAUTHENTICATED,
          () -> withAuthorization(wrong).getServerInfo(GetServerInfoRequest.getDefaultInstance()),
          "wrong");
    }
  }

  @Test
  void callWithTheRightTokenWorks() {
    var env = withAuthorization("Bearer " + TOKEN);
    assertEquals(
        "gymbridge.v1", env.getServerInfo(GetServerInfoRequest.getDefaultInstance()).getProtocol());
    String id = withAuthorization("Bearer " + TOKEN).make(make("CartPole-v1", 1)).getSessionId();
    withAuthorization("Bearer " + TOKEN).reset(reset(id, 0));
    assertEquals(1, withAuthorization("Bearer " + TOKEN).step(step(id, 1)).getRewardsCount());
  }

  @Test
  void streamWithoutATokenIsUnauthenticated() throws Exception {
    TestServer.StreamClient stream = server.stream();
    stream.send(streamed(make("CartPole-v1", 1)));
    Throwable ended = stream.complete();
    assertEquals(Code.UNAUTHENTICATED, Status.fromThrowable(ended).getCode());
  }

  @Test
  void reflectionNeedsTheTokenToo() {
    ExecutionException e =
        assertThrows(
            ExecutionException.class,
            () ->
                ReflectionTest.ask(
                    server.channel(),
                    ServerReflectionRequest.newBuilder().setListServices("").build()));
    assertEquals(Code.UNAUTHENTICATED, Status.fromThrowable(e.getCause()).getCode());
  }

  @Test
  void healthChecksNeedNoToken() {
    assertEquals(ServingStatus.SERVING, HealthTest.check(server.channel(), "").getStatus());
    assertEquals(
        ServingStatus.SERVING,
        HealthTest.check(server.channel(), "gymbridge.v1.EnvService").getStatus());
  }
}
