"""Close and the Stream: sessions end when asked, and with the stream that made them."""

import time

import grpc

from gymbridge.v1 import env_service_pb2 as pb

from .conftest import actions, status_of


def test_a_closed_session_is_not_found(raw):
    made = raw.make()
    raw.Close(pb.CloseRequest(session_id=made.session_id))
    err = status_of(raw.reset, made.session_id, 0)
    assert err.code() == grpc.StatusCode.NOT_FOUND, err.details()


def test_closing_twice_is_not_found(raw):
    made = raw.make()
    raw.Close(pb.CloseRequest(session_id=made.session_id))
    err = status_of(raw.Close, pb.CloseRequest(session_id=made.session_id))
    assert err.code() == grpc.StatusCode.NOT_FOUND, err.details()


def test_an_unknown_session_is_not_found(raw):
    err = status_of(raw.reset, "s-no-such-session", 0)
    assert err.code() == grpc.StatusCode.NOT_FOUND, err.details()


def test_the_stream_answers_in_order_with_in_band_errors(raw):
    one = raw.make()  # only to build a well-formed action
    reqs = [
        pb.StreamRequest(make=pb.MakeRequest(env_id=raw.env_id)),
        pb.StreamRequest(make=pb.MakeRequest(env_id="NoSuchEnv-v9")),
    ]
    responses = raw.stub.Stream(iter(reqs), timeout=raw.timeout_s)
    made = next(responses)
    assert made.WhichOneof("response") == "make"
    err = next(responses)
    assert err.WhichOneof("response") == "error"
    assert err.error.code == grpc.StatusCode.NOT_FOUND.value[0] and err.error.message
    responses.cancel()
    del one


def test_a_stream_runs_make_reset_step_close_and_its_sessions_end_with_it(raw):
    import queue

    q = queue.Queue()
    responses = raw.stub.Stream(iter(q.get, None), timeout=raw.timeout_s)
    q.put(pb.StreamRequest(make=pb.MakeRequest(env_id=raw.env_id, num_envs=2)))
    made = next(responses).make
    sid = made.session_id
    q.put(pb.StreamRequest(reset=pb.ResetRequest(session_id=sid, seed=0)))
    assert next(responses).WhichOneof("response") == "reset"
    q.put(pb.StreamRequest(step=pb.StepRequest(session_id=sid, action=actions(made, 0))))
    assert len(next(responses).step.rewards) == 2
    q.put(pb.StreamRequest(make=pb.MakeRequest(env_id=raw.env_id)))
    second = next(responses).make.session_id
    q.put(pb.StreamRequest(close=pb.CloseRequest(session_id=second)))
    assert next(responses).WhichOneof("response") == "close"
    q.put(None)  # end the stream: the session made on it must close
    for _ in responses:
        pass
    deadline = time.monotonic() + 5
    while True:
        try:
            raw.reset(sid, 0)
        except grpc.RpcError as e:
            assert e.code() == grpc.StatusCode.NOT_FOUND, e.details()
            return
        assert time.monotonic() < deadline, "a session made on a stream outlived the stream"
        time.sleep(0.05)
