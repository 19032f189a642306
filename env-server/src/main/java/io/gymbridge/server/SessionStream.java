package io.gymbridge.server;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.gymbridge.v1.CloseResponse;
import io.gymbridge.v1.StreamRequest;
import io.gymbridge.v1.StreamResponse;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * One client's Stream call: answers each request in order, reports failures in-band so the stream
 * survives them, and closes the sessions made on it when it ends, however it ends.
 *
 * <p>Flow control is manual: the next request is read only once the previous response could be
 * written, so a client that stops reading cannot make the server buffer without bound.
 */
final class SessionStream implements StreamObserver<StreamRequest> {
  private final SessionRegistry sessions;
  private final ServerCallStreamObserver<StreamResponse> out;

  /** Sessions made on this stream; grpc serializes the callbacks that touch it. */
  private final Set<String> owned = new LinkedHashSet<>();

  private boolean wantNext;

  SessionStream(SessionRegistry sessions, StreamObserver<StreamResponse> out) {
    this.sessions = sessions;
    this.out = (ServerCallStreamObserver<StreamResponse>) out;
    this.out.disableAutoRequest();
    this.out.setOnReadyHandler(
        () -> {
          if (wantNext && this.out.isReady()) {
            wantNext = false;
            this.out.request(1);
          }
        });
    this.out.request(1);
  }

  @Override
  public void onNext(StreamRequest request) {
    out.onNext(handle(request));
    if (out.isReady()) {
      out.request(1);
    } else {
      wantNext = true;
    }
  }

  private StreamResponse handle(StreamRequest request) {
    String rpc = "Stream." + request.getRequestCase();
    try {
      StreamResponse.Builder b = StreamResponse.newBuilder();
      switch (request.getRequestCase()) {
        case MAKE -> {
          var made = sessions.make(request.getMake());
          owned.add(made.getSessionId());
          b.setMake(made);
        }
        case RESET ->
            b.setReset(sessions.get(request.getReset().getSessionId()).reset(request.getReset()));
        case STEP ->
            b.setStep(sessions.get(request.getStep().getSessionId()).step(request.getStep()));
        case RENDER -> b.setRender(sessions.get(request.getRender().getSessionId()).render());
        case CLOSE -> {
          String id = request.getClose().getSessionId();
          sessions.close(id, "client asked");
          owned.remove(id);
          b.setClose(CloseResponse.getDefaultInstance());
        }
        case REQUEST_NOT_SET ->
            throw Status.INVALID_ARGUMENT
                .withDescription("request: expected one of make, reset, step, render, close")
                .asRuntimeException();
      }
      return b.build();
    } catch (Throwable t) {
      StatusRuntimeException e = StatusMapping.toStatus(t, rpc);
      com.google.rpc.Status.Builder status =
          com.google.rpc.Status.newBuilder().setCode(e.getStatus().getCode().value());
      if (e.getStatus().getDescription() != null) {
        status.setMessage(e.getStatus().getDescription());
      }
      return StreamResponse.newBuilder().setError(status).build();
    }
  }

  @Override
  public void onError(Throwable t) {
    closeOwned("stream ended: " + Status.fromThrowable(t).getCode());
  }

  @Override
  public void onCompleted() {
    closeOwned("stream completed");
    out.onCompleted();
  }

  private void closeOwned(String why) {
    for (String id : owned) {
      sessions.closeQuietly(id, why);
    }
    owned.clear();
  }
}
