package io.gymbridge.server;

import static io.gymbridge.server.Wire.make;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.gymbridge.atari.AtariRegistrations;
import io.gymbridge.atari.TestRoms;
import io.gymbridge.envs.EnvRegistry;
import io.gymbridge.v1.BoxSpace;
import io.gymbridge.v1.EnvServiceGrpc;
import io.gymbridge.v1.EnvSpec;
import io.gymbridge.v1.ListEnvsRequest;
import io.gymbridge.v1.ListEnvsResponse;
import io.gymbridge.v1.MakeRequest;
import io.gymbridge.v1.MakeResponse;
import io.gymbridge.v1.Value;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * With every Atari ROM, ListEnvs (~352 Atari ids) fits a client's default 4 MiB message limit, and
 * is quick even the first time: image Boxes send scalar bounds, and specs need no ROM load.
 */
class AtariListEnvsRpcTest {
  private static final int GRPC_DEFAULT_MAX_INBOUND = 4 * 1024 * 1024;

  @Test
  void listEnvsWithAllAtariIdsFitsTheDefaultClientLimitAndMakeSendsScalarBounds() throws Exception {
    EnvRegistry registry = EnvRegistry.builtin();
    AtariRegistrations.register(registry, TestRoms.require());
    try (TestServer server = TestServer.start(TestServer.config(), registry)) {
      // A client as grpc-java builds it by default: 4 MiB inbound limit.
      ManagedChannel plain =
          Grpc.newChannelBuilder("127.0.0.1:" + server.port(), InsecureChannelCredentials.create())
              .build();
      try {
        var stub = EnvServiceGrpc.newBlockingStub(plain);
        long start = System.nanoTime();
        ListEnvsResponse first =
            stub.withDeadlineAfter(60, TimeUnit.SECONDS)
                .listEnvs(ListEnvsRequest.getDefaultInstance());
        double firstS = (System.nanoTime() - start) / 1e9;
        start = System.nanoTime();
        ListEnvsResponse second =
            stub.withDeadlineAfter(60, TimeUnit.SECONDS)
                .listEnvs(ListEnvsRequest.getDefaultInstance());
        double secondS = (System.nanoTime() - start) / 1e9;
        long atari = first.getEnvsCount() - EnvRegistry.builtin().all().size();
        System.out.printf(
            "ListEnvs: %d envs (%d Atari), %d bytes; first call %.2f s, second %.3f s%n",
            first.getEnvsCount(), atari, first.getSerializedSize(), firstS, secondS);
        assertEquals(352, atari, "every Atari id of the 104 games is listed");
        assertTrue(
            first.getSerializedSize() < GRPC_DEFAULT_MAX_INBOUND,
            "ListEnvs is " + first.getSerializedSize() + " bytes");
        assertEquals(first, second);
        for (EnvSpec spec : first.getEnvsList()) {
          if (spec.getId().startsWith("ALE/")) {
            BoxSpace box = spec.getObservationSpace().getBox();
            assertEquals(List.of(), box.getLow().getShapeList(), spec.getId());
            assertEquals(List.of(), box.getHigh().getShapeList(), spec.getId());
          }
        }

        MakeResponse made =
            stub.withDeadlineAfter(60, TimeUnit.SECONDS).make(make("ALE/Pong-v5", 2));
        BoxSpace box = made.getSpec().getObservationSpace().getBox();
        assertEquals(List.of(210L, 160L, 3L), box.getShapeList());
        assertEquals(List.of(), box.getLow().getShapeList());
        assertEquals(1, box.getLow().getData().size());
        assertEquals(0, box.getLow().getData().byteAt(0));
        assertEquals(List.of(), box.getHigh().getShapeList());
        assertEquals((byte) 255, box.getHigh().getData().byteAt(0));
        assertTrue(made.getSerializedSize() < 4096, "Make is " + made.getSerializedSize() + " B");

        MakeRequest adventure =
            make("ALE/Adventure-v5", 1).toBuilder()
                .putKwargs("obs_type", Value.newBuilder().setStringValue("grayscale").build())
                .build();
        BoxSpace gray =
            stub.withDeadlineAfter(60, TimeUnit.SECONDS)
                .make(adventure)
                .getSpec()
                .getObservationSpace()
                .getBox();
        assertEquals(List.of(250L, 160L), gray.getShapeList(), "adventure's screen has 250 rows");
        assertEquals(List.of(), gray.getHigh().getShapeList());
      } finally {
        plain.shutdownNow();
        plain.awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }
}
