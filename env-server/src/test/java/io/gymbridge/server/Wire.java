package io.gymbridge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.gymbridge.codec.Tensors;
import io.gymbridge.v1.AutoresetMode;
import io.gymbridge.v1.CloseRequest;
import io.gymbridge.v1.MakeRequest;
import io.gymbridge.v1.RenderRequest;
import io.gymbridge.v1.ResetRequest;
import io.gymbridge.v1.StepRequest;
import io.gymbridge.v1.StepResponse;
import io.gymbridge.v1.StreamRequest;
import io.gymbridge.v1.StreamResponse;
import io.gymbridge.v1.Tensor;
import io.gymbridge.v1.Value;
import java.util.function.Supplier;

/** Request builders and status assertions shared by the server tests. */
final class Wire {
  private Wire() {}

  static MakeRequest make(String envId, int numEnvs) {
    return MakeRequest.newBuilder().setEnvId(envId).setNumEnvs(numEnvs).build();
  }

  static MakeRequest make(String envId, int numEnvs, AutoresetMode mode, int maxEpisodeSteps) {
    return make(envId, numEnvs).toBuilder()
        .setAutoresetMode(mode)
        .setMaxEpisodeSteps(maxEpisodeSteps)
        .build();
  }

  static ResetRequest reset(String session) {
    return ResetRequest.newBuilder().setSessionId(session).build();
  }

  static ResetRequest reset(String session, long seed) {
    return ResetRequest.newBuilder().setSessionId(session).setSeed(seed).build();
  }

  /** Discrete actions, one per env: an int64 tensor of shape [n]. */
  static StepRequest step(String session, long... actions) {
    return StepRequest.newBuilder()
        .setSessionId(session)
        .setAction(Value.newBuilder().setTensor(Tensors.ofInt64(actions, actions.length)))
        .build();
  }

  static StepRequest step(String session, Tensor action) {
    return StepRequest.newBuilder()
        .setSessionId(session)
        .setAction(Value.newBuilder().setTensor(action))
        .build();
  }

  static RenderRequest render(String session) {
    return RenderRequest.newBuilder().setSessionId(session).build();
  }

  static CloseRequest close(String session) {
    return CloseRequest.newBuilder().setSessionId(session).build();
  }

  static Value floatValue(double v) {
    return Value.newBuilder().setFloatValue(v).build();
  }

  static Value intValue(long v) {
    return Value.newBuilder().setIntValue(v).build();
  }

  static Value boolValue(boolean v) {
    return Value.newBuilder().setBoolValue(v).build();
  }

  static StreamRequest streamed(MakeRequest r) {
    return StreamRequest.newBuilder().setMake(r).build();
  }

  static StreamRequest streamed(ResetRequest r) {
    return StreamRequest.newBuilder().setReset(r).build();
  }

  static StreamRequest streamed(StepRequest r) {
    return StreamRequest.newBuilder().setStep(r).build();
  }

  static StreamRequest streamed(RenderRequest r) {
    return StreamRequest.newBuilder().setRender(r).build();
  }

  static StreamRequest streamed(CloseRequest r) {
    return StreamRequest.newBuilder().setClose(r).build();
  }

  /** The float32 observations of a batched observation value, flattened. */
  static float[] obs(Value observation) {
    return Tensors.toFloat32(observation.getTensor());
  }

  /** The raw bytes of env {@code i}'s observation in a batch of CartPole observations. */
  static ByteString obsBytes(Value observation, int i) {
    return observation.getTensor().getData().substring(i * 16, (i + 1) * 16);
  }

  static StepResponse stepOk(StepResponse r, int n) {
    assertEquals(n, r.getRewardsCount());
    assertEquals(n, r.getTerminatedCount());
    assertEquals(n, r.getTruncatedCount());
    return r;
  }

  /**
   * Runs {@code call}, expecting it to fail with {@code code} and a message that contains every
   * fragment (the field it names, the limit it quotes).
   */
  static StatusRuntimeException assertStatus(
      Status.Code code, Supplier<?> call, String... fragments) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::get);
    assertEquals(code, e.getStatus().getCode(), () -> "status was " + e.getStatus());
    assertMessage(e.getStatus().getDescription(), fragments);
    return e;
  }

  /** Asserts a stream response is an in-band error with {@code code} and the fragments. */
  static void assertStreamError(StreamResponse r, Status.Code code, String... fragments) {
    assertTrue(r.hasError(), () -> "expected an error, got " + r);
    assertEquals(code.value(), r.getError().getCode(), () -> "error was " + r.getError());
    assertMessage(r.getError().getMessage(), fragments);
  }

  private static void assertMessage(String message, String... fragments) {
    for (String f : fragments) {
      assertTrue(
          message != null && message.contains(f),
          () -> "message '" + message + "' does not mention '" + f + "'");
    }
  }
}
