package io.gymbridge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import io.grpc.ManagedChannel;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Server reflection v1, which grpcurl and Postman use to discover the contract. */
class ReflectionTest {
  private TestServer server;

  @BeforeEach
  void start() throws Exception {
    server = TestServer.start();
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  /** One request on a reflection stream, and its single response. */
  static ServerReflectionResponse ask(ManagedChannel channel, ServerReflectionRequest request)
      throws Exception {
    CompletableFuture<ServerReflectionResponse> answer = new CompletableFuture<>();
    StreamObserver<ServerReflectionRequest> requests =
        ServerReflectionGrpc.newStub(channel)
            .withDeadlineAfter(TestServer.DEADLINE_SECONDS, TimeUnit.SECONDS)
            .serverReflectionInfo(
                new StreamObserver<>() {
                  @Override
                  public void onNext(ServerReflectionResponse value) {
                    answer.complete(value);
                  }

                  @Override
                  public void onError(Throwable t) {
                    answer.completeExceptionally(t);
                  }

                  @Override
                  public void onCompleted() {
                    answer.completeExceptionally(new AssertionError("completed without an answer"));
                  }
                });
    requests.onNext(request);
    requests.onCompleted();
    return answer.get(TestServer.DEADLINE_SECONDS, TimeUnit.SECONDS);
  }

  @Test
  void listServicesIncludesEnvServiceHealthAndReflection() throws Exception {
    ServerReflectionResponse r =
        ask(server.channel(), ServerReflectionRequest.newBuilder().setListServices("").build());

    List<String> names =
        r.getListServicesResponse().getServiceList().stream()
            .map(ServiceResponse::getName)
            .toList();
    assertTrue(names.contains("gymbridge.v1.EnvService"), names::toString);
    assertTrue(names.contains("grpc.health.v1.Health"), names::toString);
    assertTrue(names.contains("grpc.reflection.v1.ServerReflection"), names::toString);
  }

  @Test
  void envServiceSymbolResolvesToTheContractFile() throws Exception {
    ServerReflectionResponse r =
        ask(
            server.channel(),
            ServerReflectionRequest.newBuilder()
                .setFileContainingSymbol("gymbridge.v1.EnvService")
                .build());

    FileDescriptorProto file =
        FileDescriptorProto.parseFrom(r.getFileDescriptorResponse().getFileDescriptorProto(0));
    assertEquals("gymbridge/v1/env_service.proto", file.getName());
    assertEquals("gymbridge.v1", file.getPackage());
    assertEquals(
        List.of("GetServerInfo", "ListEnvs", "Make", "Reset", "Step", "Render", "Close", "Stream"),
        file.getService(0).getMethodList().stream().map(m -> m.getName()).toList());
  }
}
