package io.gymbridge.examples.corridor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.gymbridge.server.EnvServer;
import io.gymbridge.server.EnvServerMain;
import io.gymbridge.server.ServerConfig;
import io.gymbridge.v1.DType;
import io.gymbridge.v1.EnvServiceGrpc;
import io.gymbridge.v1.ListEnvsRequest;
import io.gymbridge.v1.MakeRequest;
import io.gymbridge.v1.MakeResponse;
import io.gymbridge.v1.ResetRequest;
import io.gymbridge.v1.StepRequest;
import io.gymbridge.v1.StepResponse;
import io.gymbridge.v1.Tensor;
import io.gymbridge.v1.Value;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The plugin as the server loads it: found on the classpath through its service file, served over a
 * real socket with the server's sessions, vector stepping, time limit and autoreset.
 */
class CorridorPluginServerTest {
  @Test
  void theServerFindsThePluginAndServesItsEnv() throws Exception {
    ServerConfig config = ServerConfig.defaults().toBuilder().port(0).build();
    try (EnvServer server =
        new EnvServer(EnvServerMain.nettyBuilder(config), EnvServerMain.registry(null), config)
            .start()) {
      ManagedChannel channel =
          ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
      try {
        var env = EnvServiceGrpc.newBlockingStub(channel);
        assertTrue(
            env.listEnvs(ListEnvsRequest.getDefaultInstance()).getEnvsList().stream()
                .anyMatch(s -> s.getId().equals("Corridor-v0")));
        MakeResponse made =
            env.make(
                MakeRequest.newBuilder()
                    .setEnvId("Corridor-v0")
                    .setNumEnvs(3)
                    .putKwargs("length", Value.newBuilder().setIntValue(4).build())
                    .build());
        assertEquals(100, made.getSpec().getMaxEpisodeSteps());
        assertEquals(0.9, made.getSpec().getRewardThreshold());
        assertEquals(List.of(4L), made.getSpec().getObservationSpace().getBox().getShapeList());
        String id = made.getSessionId();
        env.reset(ResetRequest.newBuilder().setSessionId(id).setSeed(1).build());
        StepResponse s = null;
        for (int t = 0; t < 3; t++) {
          s = env.step(right(id, 3));
        }
        assertEquals(List.of(true, true, true), s.getTerminatedList());
        assertEquals(List.of(1.0, 1.0, 1.0), s.getRewardsList());
        // The next step autoresets (Gymnasium's next-step mode): back in cell 0.
        StepResponse after = env.step(right(id, 3));
        float[] obs = floats(after.getObservation().getTensor());
        assertEquals(1f, obs[0]);
        assertEquals(1f, obs[4]);
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  private static StepRequest right(String session, int n) {
    ByteBuffer b = ByteBuffer.allocate(8 * n).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      b.putLong(8 * i, 1);
    }
    Tensor actions =
        Tensor.newBuilder()
            .setDtype(DType.DTYPE_INT64)
            .addShape(n)
            .setData(ByteString.copyFrom(b.array()))
            .build();
    return StepRequest.newBuilder()
        .setSessionId(session)
        .setAction(Value.newBuilder().setTensor(actions))
        .build();
  }

  private static float[] floats(Tensor t) {
    ByteBuffer b = t.getData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    float[] out = new float[b.remaining() / 4];
    b.asFloatBuffer().get(out);
    return out;
  }
}
