package io.gymbridge.server;

import static io.gymbridge.server.Wire.assertStreamError;
import static io.gymbridge.server.Wire.close;
import static io.gymbridge.server.Wire.make;
import static io.gymbridge.server.Wire.render;
import static io.gymbridge.server.Wire.reset;
import static io.gymbridge.server.Wire.step;
import static io.gymbridge.server.Wire.streamed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.grpc.Status.Code;
import io.grpc.StatusRuntimeException;
import io.gymbridge.v1.StreamRequest;
import io.gymbridge.v1.StreamResponse;
import io.gymbridge.v1.StreamResponse.ResponseCase;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The bidirectional Stream RPC: ordering, in-band errors, and session cleanup when it ends. */
class StreamTest {
  private TestServer server;

  @BeforeEach
  void start() throws Exception {
    server = TestServer.start();
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  @Test
  void makeResetStepRenderCloseOnOneStreamAnswerInRequestOrder() throws Exception {
    try (TestServer.StreamClient stream = server.stream()) {
      StreamResponse made =
          stream.call(
              streamed(make("CartPole-v1", 2).toBuilder().setRenderMode("rgb_array").build()));
      assertEquals(2, made.getMake().getNumEnvs());
      String id = made.getMake().getSessionId();

      // Pipelined: every request is sent before any answer is read.
      List<StreamRequest> requests =
          List.of(
              streamed(reset(id, 42)),
              streamed(step(id, 1, 0)),
              streamed(step(id, 2, 0)), // refused in-band, in its place
              streamed(step(id, 0, 1)),
              streamed(render(id)),
              streamed(close(id)),
              streamed(step(id, 0, 0)));
      requests.forEach(stream::send);
      List<ResponseCase> cases = new ArrayList<>();
      for (int i = 0; i < requests.size(); i++) {
        cases.add(stream.next().getResponseCase());
      }

      assertEquals(
          List.of(
              ResponseCase.RESET,
              ResponseCase.STEP,
              ResponseCase.ERROR,
              ResponseCase.STEP,
              ResponseCase.RENDER,
              ResponseCase.CLOSE,
              ResponseCase.ERROR),
          cases);
      assertNull(stream.complete(), "the server completes the stream normally");
      assertTrue(stream.unread().isEmpty());
    }
  }

  @Test
  void streamResultsEqualUnaryResults() throws Exception {
    String unary = server.env().make(make("CartPole-v1", 2)).getSessionId();
    try (TestServer.StreamClient stream = server.stream()) {
      String streamed = stream.call(streamed(make("CartPole-v1", 2))).getMake().getSessionId();

      assertEquals(
          server.env().reset(reset(unary, 5)).getObservation(),
          stream.call(streamed(reset(streamed, 5))).getReset().getObservation());
      for (long a : new long[] {1, 0, 0, 1}) {
        var u = server.env().step(step(unary, a, 1 - a));
        var s = stream.call(streamed(step(streamed, a, 1 - a))).getStep();
        assertEquals(u, s);
      }
    }
  }

  @Test
  void anErrorComesBackInBandAndTheStreamKeepsWorking() throws Exception {
    try (TestServer.StreamClient stream = server.stream()) {
      String id = stream.call(streamed(make("CartPole-v1", 1))).getMake().getSessionId();

      assertStreamError(stream.call(streamed(step(id, 0))), Code.FAILED_PRECONDITION, "Reset");
      assertTrue(stream.call(streamed(reset(id, 1))).hasReset());
      assertStreamError(
          stream.call(streamed(step(id, 2))),
          Code.INVALID_ARGUMENT,
          "action[env 0]",
          "Discrete(2)");
      assertStreamError(
          stream.call(streamed(make("CartPole-v9", 1))), Code.NOT_FOUND, "env_id", "CartPole-v1");
      assertStreamError(stream.call(streamed(step("s-unknown", 0))), Code.NOT_FOUND, "session_id");
      assertStreamError(stream.call(streamed(render(id))), Code.FAILED_PRECONDITION, "render_mode");
      assertStreamError(
          stream.call(StreamRequest.getDefaultInstance()), Code.INVALID_ARGUMENT, "request");
      assertStreamError(stream.call(streamed(reset(id, -2))), Code.INVALID_ARGUMENT, "seed");

      StreamResponse ok = stream.call(streamed(step(id, 1)));
      assertEquals(List.of(1.0), ok.getStep().getRewardsList());
      assertTrue(stream.call(streamed(close(id))).hasClose());
      assertStreamError(stream.call(streamed(close(id))), Code.NOT_FOUND, "session_id");
      assertNull(stream.complete());
    }
  }

  @Test
  void sessionsMadeOnAStreamCloseWhenTheClientCompletesIt() throws Exception {
    TestServer.StreamClient stream = server.stream();
    List<String> ids = makeTwo(stream);

    assertNull(stream.complete());

    ids.forEach(this::awaitGone);
  }

  @Test
  void sessionsMadeOnAStreamCloseWhenTheClientCancelsIt() throws Exception {
    TestServer.StreamClient stream = server.stream();
    List<String> ids = makeTwo(stream);

    stream.cancel();

    ids.forEach(this::awaitGone);
  }

  @Test
  void sessionsMadeWithUnaryCallsOutliveAStream() throws Exception {
    String unary = server.env().make(make("CartPole-v1", 1)).getSessionId();
    TestServer.StreamClient stream = server.stream();
    // Used on the stream, but not made there: the stream does not own it.
    assertTrue(stream.call(streamed(reset(unary, 0))).hasReset());
    List<String> owned = makeTwo(stream);
    stream.cancel();
    owned.forEach(this::awaitGone);

    assertEquals(1, server.env().step(step(unary, 0)).getRewardsCount());
  }

  /** Makes two sessions on the stream and checks they work from unary calls while it lasts. */
  private List<String> makeTwo(TestServer.StreamClient stream) throws InterruptedException {
    List<String> ids =
        List.of(
            stream.call(streamed(make("CartPole-v1", 1))).getMake().getSessionId(),
            stream.call(streamed(make("CartPole-v0", 3))).getMake().getSessionId());
    for (String id : ids) {
      server.env().reset(reset(id, 0));
    }
    return ids;
  }

  /**
   * Stream teardown is asynchronous: poll a unary Reset until it answers NOT_FOUND. The limit only
   * ends a test whose session is never closed: it returns as soon as the session is gone, so it is
   * generous enough for a busy 2-core machine.
   */
  private void awaitGone(String id) {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (System.nanoTime() < deadline) {
      try {
        server.env().reset(reset(id, 0));
      } catch (StatusRuntimeException e) {
        assertEquals(Code.NOT_FOUND, e.getStatus().getCode(), e::toString);
        assertTrue(e.getStatus().getDescription().contains(id), e::toString);
        return;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        fail("interrupted");
      }
    }
    fail("session " + id + " still open 30 s after its stream ended");
  }
}
