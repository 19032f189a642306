package io.gymbridge.server;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.gymbridge.codec.ClientText;
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
 * has at most one request in flight. Each request takes the unary methods' path ({@link
 * RequestHandler}): a cheap one is answered inline on the event loop, a slow one on a call thread,
 * which then answers and asks for the next. So the stream's state is touched from both: it is
 * guarded by this object's lock. The client may half-close or cancel while a request is in flight;
 * the stream then completes after that answer, or drops it and closes every session made on the
 * stream, including one that request made.
 */
final class SessionStream implements StreamObserver<StreamRequest> {
  private final RequestHandler handler;
  private final SessionRegistry sessions;
  private final String client;
  private final ServerCallStreamObserver<StreamResponse> out;

  // Guarded by this.
  private final Set<String> owned = new LinkedHashSet<>();
  private boolean wantNext;
  private boolean inFlight;
  private boolean halfClosed;
  private boolean ended;

  SessionStream(
      RequestHandler handler,
      SessionRegistry sessions,
      StreamObserver<StreamResponse> out,
      String client) {
    this.handler = handler;
    this.sessions = sessions;
    this.client = client;
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
    handler.handle(
        request,
        client,
        "Stream." + request.getRequestCase(),
        new RequestHandler.Reply<>() {
          @Override
          public void answer(StreamResponse response) {
            SessionStream.this.answer(request, response);
          }

          @Override
          public void fail(StatusRuntimeException status) {
            SessionStream.this.answer(request, error(status.getStatus()));
          }
        });
  }

  /**
   * Sends the answer to the request in flight, then completes or asks for the next request. A
   * session the request made is owned by the stream from here, so that it goes if the stream has
   * ended meanwhile or ends later.
   */
  private synchronized void answer(StreamRequest request, StreamResponse response) {
    inFlight = false;
    if (response.hasMake()) {
      owned.add(response.getMake().getSessionId());
    } else if (response.hasClose()) {
      owned.remove(request.getClose().getSessionId());
    }
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

  /** A failure in-band, so the stream survives it. */
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
