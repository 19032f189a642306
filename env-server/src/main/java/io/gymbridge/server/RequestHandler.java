package io.gymbridge.server;

import io.grpc.StatusRuntimeException;
import io.gymbridge.codec.InvalidValueException;
import io.gymbridge.v1.CloseResponse;
import io.gymbridge.v1.StreamRequest;
import io.gymbridge.v1.StreamResponse;
import java.util.function.Supplier;

/**
 * The one path of every EnvService call, unary or on the Stream: where it runs, what it does and
 * how a failure reaches the client. Make, reset, step, render and close come as a {@link
 * StreamRequest} (the unary methods wrap theirs), so the stream and the unary methods share the
 * dispatch to the session registry and the inline-or-pool rule ({@link #runsInline}); a failure
 * becomes a status in {@link StatusMapping}, and a call the pool has no room for is refused
 * RESOURCE_EXHAUSTED. The caller only says how to send the answer ({@link Reply}).
 */
final class RequestHandler {
  /** Where one call's outcome goes; called once, on the thread that ran the call. */
  interface Reply<T> {
    void answer(T response);

    void fail(StatusRuntimeException status);
  }

  private final SessionRegistry sessions;
  private final CallExecutor calls;

  RequestHandler(SessionRegistry sessions, CallExecutor calls) {
    this.sessions = sessions;
    this.calls = calls;
  }

  /**
   * Runs one session request where {@link #runsInline} says.
   *
   * @param client who asks (its IP address, {@link ClientIdentity}), for a Make's budget share;
   *     read on the gRPC thread, since a call thread has no gRPC context
   * @param rpc the method, for logs and for an INTERNAL status's description
   */
  void handle(StreamRequest request, String client, String rpc, Reply<StreamResponse> reply) {
    run(runsInline(request), rpc, () -> dispatch(request, client), reply);
  }

  /**
   * Runs {@code call} inline on the event loop or on the call pool ({@link CallExecutor}), and
   * hands its response or its mapped failure to {@code reply}.
   */
  <T> void run(boolean inline, String rpc, Supplier<T> call, Reply<T> reply) {
    boolean accepted = calls.run(inline, () -> complete(rpc, call, reply));
    if (!accepted) {
      reply.fail(StatusMapping.toStatus(new LimitExceededException(calls.busyMessage()), rpc));
    }
  }

  private static <T> void complete(String rpc, Supplier<T> call, Reply<T> reply) {
    T response;
    try {
      response = call.get();
    } catch (Throwable t) {
      reply.fail(StatusMapping.toStatus(t, rpc));
      return;
    }
    reply.answer(response);
  }

  /**
   * The inline-or-pool rule: a reset, step or close runs inline when its session's recent calls of
   * that kind were cheap (or there is no such session: the NOT_FOUND answer is cheap); a Make
   * (which may load ROMs) and a render (which copies frames) always go to the pool.
   */
  boolean runsInline(StreamRequest request) {
    return switch (request.getRequestCase()) {
      case MAKE, RENDER -> false;
      case RESET -> sessions.isCheapToReset(request.getReset().getSessionId());
      case STEP -> sessions.isCheapToStep(request.getStep().getSessionId());
      case CLOSE -> sessions.isCheapToStep(request.getClose().getSessionId());
      case REQUEST_NOT_SET -> true;
    };
  }

  private StreamResponse dispatch(StreamRequest request, String client) {
    StreamResponse.Builder b = StreamResponse.newBuilder();
    switch (request.getRequestCase()) {
      case MAKE -> b.setMake(sessions.make(request.getMake(), client));
      case RESET ->
          b.setReset(sessions.get(request.getReset().getSessionId()).reset(request.getReset()));
      case STEP ->
          b.setStep(sessions.get(request.getStep().getSessionId()).step(request.getStep()));
      case RENDER -> b.setRender(sessions.get(request.getRender().getSessionId()).render());
      case CLOSE -> {
        sessions.close(request.getClose().getSessionId(), "client asked");
        b.setClose(CloseResponse.getDefaultInstance());
      }
      case REQUEST_NOT_SET ->
          throw new InvalidValueException(
              "request: expected one of make, reset, step, render, close");
    }
    return b.build();
  }
}
