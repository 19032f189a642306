package io.gymbridge.client;

import io.grpc.Status;
import io.gymbridge.codec.DTypes;
import io.gymbridge.codec.InvalidValueException;
import io.gymbridge.codec.Tensors;
import io.gymbridge.v1.DType;
import io.gymbridge.v1.StepResponse;
import io.gymbridge.v1.StreamResponse;
import io.gymbridge.v1.Tensor;
import io.gymbridge.v1.Value;
import io.gymbridge.v1.ValueMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads one session's responses into a {@link StepBatch}, checking each against the contract and
 * the session's spaces: a response that breaks them is a server bug, reported as INTERNAL with what
 * was expected and what came, since retrying will not help.
 */
final class ResponseReader {
  private final String address;
  private final int numEnvs;
  private final int obsSize;
  private final ObsType obsType;
  private final List<Long> batchedObsShape;

  ResponseReader(String address, int numEnvs, long[] obsShape, ObsType obsType) {
    this.address = address;
    this.numEnvs = numEnvs;
    this.obsSize = Math.toIntExact(Tensors.elementCount(obsShape));
    this.obsType = obsType;
    List<Long> batched = new ArrayList<>(List.of((long) numEnvs));
    Arrays.stream(obsShape).forEach(batched::add);
    this.batchedObsShape = List.copyOf(batched);
  }

  /** A Reset's observations, into {@code out} from env {@code envOffset} on. */
  void reset(StreamClient.Pending p, StreamResponse r, StepBatch out, int envOffset) {
    if (!r.hasReset()) {
      throw unexpected(p, r);
    }
    observation(r.getReset().getObservation(), out, envOffset, p);
  }

  /** A Step's observations, rewards, flags and episode records, from env {@code envOffset} on. */
  void step(StreamClient.Pending p, StreamResponse r, StepBatch out, int envOffset) {
    if (!r.hasStep()) {
      throw unexpected(p, r);
    }
    StepResponse s = r.getStep();
    if (s.getRewardsCount() != numEnvs
        || s.getTerminatedCount() != numEnvs
        || s.getTruncatedCount() != numEnvs) {
      throw malformed(
          p,
          "expected "
              + numEnvs
              + " rewards, terminated and truncated flags, got "
              + s.getRewardsCount()
              + ", "
              + s.getTerminatedCount()
              + ", "
              + s.getTruncatedCount());
    }
    observation(s.getObservation(), out, envOffset, p);
    for (int i = 0; i < numEnvs; i++) {
      out.rewards()[envOffset + i] = s.getRewards(i);
      out.terminated()[envOffset + i] = s.getTerminated(i);
      out.truncated()[envOffset + i] = s.getTruncated(i);
    }
    if (s.getInfosCount() == numEnvs) {
      for (int i = 0; i < numEnvs; i++) {
        episodeRecord(s.getInfos(i), out, envOffset + i, p);
      }
    }
  }

  /** A Render's frames, {@code [numEnvs, height, width, 3]} uint8. */
  Tensor frames(StreamClient.Pending p, StreamResponse r) {
    if (!r.hasRender()) {
      throw unexpected(p, r);
    }
    Tensor frames = r.getRender().getFrames();
    if (frames.getDtype() != DType.DTYPE_UINT8
        || frames.getShapeCount() != 4
        || frames.getShape(0) != numEnvs
        || frames.getShape(3) != 3) {
      throw malformed(
          p,
          "frames: expected uint8 ["
              + numEnvs
              + ", height, width, 3], got "
              + DTypes.numpyName(frames.getDtype())
              + " "
              + frames.getShapeList());
    }
    return frames;
  }

  /** Reads {@code info["episode"]} ("r", "l"), RecordEpisodeStatistics' record, if present. */
  private void episodeRecord(ValueMap info, StepBatch out, int env, StreamClient.Pending p) {
    Value episode = info.getEntriesOrDefault("episode", null);
    if (episode == null) {
      return;
    }
    Value r = episode.hasMap() ? episode.getMap().getEntriesOrDefault("r", null) : null;
    Value l = episode.hasMap() ? episode.getMap().getEntriesOrDefault("l", null) : null;
    if (r == null || l == null) {
      throw malformed(p, "info['episode'] of env " + env + ": expected a dict with 'r' and 'l'");
    }
    out.episodeReturns()[env] = number(r, "info['episode']['r']", p);
    out.episodeLengths()[env] = (long) number(l, "info['episode']['l']", p);
  }

  private double number(Value v, String what, StreamClient.Pending p) {
    return switch (v.getKindCase()) {
      case FLOAT_VALUE -> v.getFloatValue();
      case INT_VALUE -> v.getIntValue();
      case TENSOR -> {
        // numpy scalars travel as 0-d tensors; read the one element as a double.
        Tensor t = v.getTensor();
        if (Tensors.elementCount(t.getShapeList()) != 1) {
          throw malformed(
              p, what + ": expected a number, got a tensor of shape " + t.getShapeList());
        }
        yield Tensors.getDouble(Tensors.buffer(t), t.getDtype(), 0);
      }
      default -> throw malformed(p, what + ": expected a number, got " + v.getKindCase());
    };
  }

  private void observation(Value v, StepBatch out, int envOffset, StreamClient.Pending p) {
    if (!v.hasTensor()) {
      throw malformed(p, "observation: expected a tensor, got " + v.getKindCase());
    }
    Tensor t = v.getTensor();
    DType expected = obsType == ObsType.UINT8 ? DType.DTYPE_UINT8 : DType.DTYPE_FLOAT32;
    if (t.getDtype() != expected || !t.getShapeList().equals(batchedObsShape)) {
      throw malformed(
          p,
          "observation: expected "
              + DTypes.numpyName(expected)
              + " "
              + batchedObsShape
              + ", got "
              + DTypes.numpyName(t.getDtype())
              + " "
              + t.getShapeList());
    }
    try {
      Tensors.validate(t, "observation");
    } catch (InvalidValueException e) {
      throw malformed(p, e.getMessage());
    }
    if (obsType == ObsType.UINT8) {
      t.getData().copyTo(out.obsBytes(), envOffset * obsSize);
    } else {
      Tensors.buffer(t).asFloatBuffer().get(out.obs(), envOffset * obsSize, numEnvs * obsSize);
    }
  }

  private RemoteEnvException unexpected(StreamClient.Pending p, StreamResponse r) {
    return malformed(p, "the server answered with " + r.getResponseCase());
  }

  private RemoteEnvException malformed(StreamClient.Pending p, String detail) {
    return new RemoteEnvException(
        address,
        Status.Code.INTERNAL,
        "server " + address + ": " + p.what + " got a malformed response: " + detail);
  }
}
