package io.gymbridge.server;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.gymbridge.codec.ClientText;
import io.gymbridge.codec.InvalidValueException;
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
 * written, so a client that stops reading cannot make the server buffer without bound, and a stream
 * has at most one request in flight. A cheap request is answered inline on the event loop; a slow
 * one ({@link CallExecutor}) on a call thread, which then answers and asks for the next. So the
 * stream's state is touched from both: it is guarded by this object's lock. The client may
 * half-close or cancel while a request is in flight; the stream then completes after that answer,
 * or drops it and closes every session made on the stream, including one that request made.
 */
final class SessionStream implements StreamObserver<StreamRequest> {
  private final SessionRegistry sessions;
  private final CallExecutor calls;
  private final String client;
  private final ServerCallStreamObserver<StreamResponse> out;

  // Guarded by this.
  private final Set<String> owned = new LinkedHashSet<>();
  private boolean wantNext;
  private boolean inFlight;
  private boolean halfClosed;
  private boolean ended;

  SessionStream(
      SessionRegistry sessions,
      CallExecutor calls,
      StreamObserver<StreamResponse> out,
      String client) {
    this.sessions = sessions;
    this.client = client;
    this.calls = calls;
    this.out = (ServerCallStreamObserver<StreamResponse>) out;
    this.out.disableAutoRequest();
    this.out.setOnReadyHandler(this::onReady);
    this.out.request(1);
  }

  private synchronized void onReady() {
    if (wantNext && !ended && out.isReady()) {
      wantNext = false;
      out.request(1);
    }
  }

  @Override
  public void onNext(StreamRequest request) {
    synchronized (this) {
      inFlight = true;
    }
    boolean accepted = calls.run(isCheap(request), () -> answer(handle(request)));
    if (!accepted) {
      answer(error(Status.RESOURCE_EXHAUSTED.withDescription(calls.busyMessage())));
    }
  }

  private boolean isCheap(StreamRequest request) {
    return switch (request.getRequestCase()) {
      case MAKE -> false;
      case RESET -> sessions.isCheapToReset(request.getReset().getSessionId());
      case STEP -> sessions.isCheapToStep(request.getStep().getSessionId());
      case RENDER -> false;
      case CLOSE -> sessions.isCheapToStep(request.getClose().getSessionId());
      case REQUEST_NOT_SET -> true;
    };
  }

  /** Sends the answer to the request in flight, then completes or asks for the next request. */
  private synchronized void answer(StreamResponse response) {
    inFlight = false;
    if (ended) {
      closeOwned("stream ended"); // a session the dropped request made goes too
      return;
    }
    try {
      out.onNext(response);
    } catch (IllegalStateException | StatusRuntimeException e) {
      ended = true; // cancelled under us
      closeOwned("stream ended");
      return;
    }
    if (halfClosed) {
      finish();
    } else if (out.isReady()) {
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
          var made = sessions.make(request.getMake(), client);
          synchronized (this) {
            owned.add(made.getSessionId());
          }
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
          synchronized (this) {
            owned.remove(id);
          }
          b.setClose(CloseResponse.getDefaultInstance());
        }
        case REQUEST_NOT_SET ->
            throw new InvalidValueException(
                "request: expected one of make, reset, step, render, close");
      }
      return b.build();
    } catch (Throwable t) {
      return error(StatusMapping.toStatus(t, rpc).getStatus());
    }
  }

  private static StreamResponse error(Status status) {
    com.google.rpc.Status.Builder s =
        com.google.rpc.Status.newBuilder().setCode(status.getCode().value());
    if (status.getDescription() != null) {
      // In-band, so CallGuard's cap on status descriptions does not reach it: cap here too.
      s.setMessage(ClientText.capDescription(status.getDescription()));
    }
    return StreamResponse.newBuilder().setError(s).build();
  }

  @Override
  public synchronized void onError(Throwable t) {
    ended = true;
    closeOwned("stream ended: " + Status.fromThrowable(t).getCode());
  }

  @Override
  public synchronized void onCompleted() {
    halfClosed = true;
    if (!inFlight) {
      finish();
    }
  }

  private void finish() {
    ended = true;
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
