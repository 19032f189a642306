package io.gymbridge.bench;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.gymbridge.v1.DType;
import io.gymbridge.v1.EnvServiceGrpc;
import io.gymbridge.v1.MakeRequest;
import io.gymbridge.v1.ResetRequest;
import io.gymbridge.v1.StepRequest;
import io.gymbridge.v1.StreamRequest;
import io.gymbridge.v1.StreamResponse;
import io.gymbridge.v1.Tensor;
import io.gymbridge.v1.Value;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A client that sends each next step from the response callback, on gRPC's I/O thread, so no thread
 * hand-off happens on the client side. With {@code sessions > 1} the sessions' steps are in flight
 * together on one stream (double buffering, as EnvPool's async mode): while the server steps one,
 * the client prepares the other.
 */
final class CallbackClient {
  private final ManagedChannel channel;
  private final MakeRequest make;
  private final int envs;
  private final int numActions;
  private final int sessions;
  private final double warmupSeconds;
  private final double seconds;

  /**
   * {@code sessions} sessions, each made by {@code make} (env id, kwargs, num_envs) and stepped
   * with uniform random Discrete actions in [0, numActions).
   */
  CallbackClient(
      ManagedChannel channel,
      MakeRequest make,
      int numActions,
      int sessions,
      double warmupSeconds,
      double seconds) {
    this.channel = channel;
    this.make = make;
    this.envs = Math.max(1, make.getNumEnvs());
    this.numActions = numActions;
    this.sessions = sessions;
    this.warmupSeconds = warmupSeconds;
    this.seconds = seconds;
  }

  /** Runs warm-up then measurement; returns round trips/s of all sessions' envs together. */
  double run() throws InterruptedException {
    SplittableRandom random = new SplittableRandom(0);
    List<String> ids = new ArrayList<>();
    CountDownLatch done = new CountDownLatch(1);
    long warmEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
    long measureEnd = warmEnd + (long) (seconds * 1e9);
    long[] window = new long[3]; // start nanos, end nanos, responses at start
    long[] responses = new long[1];
    @SuppressWarnings("unchecked")
    StreamObserver<StreamRequest>[] out = new StreamObserver[1];
    out[0] =
        EnvServiceGrpc.newStub(channel).stream(
            new StreamObserver<>() {
              @Override
              public void onNext(StreamResponse r) {
                if (r.hasError()) {
                  throw new IllegalStateException(r.getError().getMessage());
                }
                if (r.hasMake()) {
                  ids.add(r.getMake().getSessionId());
                  String id = r.getMake().getSessionId();
                  out[0].onNext(reset(id));
                  return;
                }
                if (r.hasReset()) {
                  if (ids.size() < sessions) {
                    out[0].onNext(make());
                  } else {
                    ids.forEach(id -> out[0].onNext(step(id, random)));
                  }
                  return;
                }
                long now = System.nanoTime();
                long count = ++responses[0];
                if (window[0] == 0 && now >= warmEnd) {
                  window[0] = now;
                  window[2] = count;
                }
                if (now >= measureEnd) {
                  if (window[1] == 0) {
                    window[1] = now;
                    window[2] = count - window[2];
                    out[0].onCompleted();
                  }
                  return;
                }
                // Responses come in request order, so this one answers ids[(count-1) % n].
                out[0].onNext(step(ids.get((int) ((count - 1) % sessions)), random));
              }

              @Override
              public void onError(Throwable t) {
                System.err.println("stream failed: " + t);
                done.countDown();
              }

              @Override
              public void onCompleted() {
                done.countDown();
              }
            });
    out[0].onNext(make());
    if (!done.await((long) (warmupSeconds + seconds + 30), TimeUnit.SECONDS)) {
      throw new IllegalStateException("the callback client did not finish");
    }
    double perSecond = window[2] / ((window[1] - window[0]) / 1e9);
    return perSecond / sessions;
  }

  private StreamRequest make() {
    return StreamRequest.newBuilder().setMake(make).build();
  }

  private static StreamRequest reset(String id) {
    return StreamRequest.newBuilder()
        .setReset(ResetRequest.newBuilder().setSessionId(id).setSeed(0))
        .build();
  }

  private StreamRequest step(String id, SplittableRandom random) {
    ByteBuffer b = ByteBuffer.allocate(8 * envs).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < envs; i++) {
      b.putLong(i * 8, random.nextInt(numActions));
    }
    Tensor t =
        Tensor.newBuilder()
            .setDtype(DType.DTYPE_INT64)
            .addShape(envs)
            .setData(ByteString.copyFrom(b.array()))
            .build();
    return StreamRequest.newBuilder()
        .setStep(
            StepRequest.newBuilder().setSessionId(id).setAction(Value.newBuilder().setTensor(t)))
        .build();
  }
}
