package io.gymbridge.agent.dqn;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The Q-network's forward pass and the whole DQN update as one native call each: the TorchScript
 * module {@code dqn_update.pt}, written by {@code agent/src/main/torchscript/dqn_update.py}, whose
 * docstring gives the update and the precision rules. It holds code only, no tensors, so one
 * instance serves every learner and device in the process; the parameters, Adam's moments and the
 * batch come in as arguments and the parameters and moments are updated in place.
 *
 * <p>Why one call: DJL's blocks run the network op by op from Java and have no mixed precision, and
 * an update in pieces cannot compute its TD target beside the online network's backward pass.
 * Results belong to the manager of the first array passed in and to the caller's NDScope.
 */
final class UpdateKernel {
  private static final String FILE = "dqn_update.pt";
  private static final UpdateKernel INSTANCE = new UpdateKernel();

  private final PtSymbolBlock module;

  private UpdateKernel() {
    Torch.intraOpThreads(); // loads the engine (JniUtils alone would not)
    // The module lives as long as the process: a manager of its own that is never closed.
    PtNDManager owner = (PtNDManager) NDManager.newBaseManager("PyTorch");
    try (InputStream in = UpdateKernel.class.getResourceAsStream(FILE)) {
      if (in == null) {
        throw new IllegalStateException(FILE + " is missing from the agent's jar");
      }
      module = JniUtils.loadModule(owner, in, true, false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + FILE, e);
    }
  }

  static UpdateKernel instance() {
    return INSTANCE;
  }

  /** What one update returns, fp32, on the learner's device. */
  record Outcome(NDArray loss, NDArray meanQ, NDArray tdErrors, NDArray gradNorm) {}

  /** The architecture and the update's switches, fixed for a learner. */
  record Switches(
      boolean cnn,
      boolean dueling,
      boolean doubleDqn,
      boolean huber,
      Precision precision,
      boolean forkTarget) {}

  /** The batch, on the learner's device: actions int64 [n], the rest as the learner sends them. */
  record Inputs(
      NDArray obs,
      NDArray nextObs,
      NDArray actions,
      NDArray rewards,
      NDArray discounts,
      NDArray weights) {}

  /**
   * One update: TD target, loss, gradients of {@code online}, clipping to {@code maxGradNorm} (0:
   * off), and Adam step {@code t = adam.steps() + 1} in place. The caller turns autograd on for its
   * thread around it (TorchScript cannot) and counts the Adam step when the returned norm is finite
   * (an fp16 step with overflowing gradients is skipped). Names the arrays of {@code online},
   * {@code target} and Adam's moments after the lists they travel in.
   */
  Outcome update(
      List<NDArray> online,
      List<NDArray> target,
      Adam adam,
      Inputs in,
      Switches s,
      double lossScale,
      double maxGradNorm) {
    NDList args = new NDList();
    // DJL runs a module with autograd only in training mode, which only its NDList call offers:
    // it takes tensors and, named "name[]", lists of them, so the scalars travel as two small CPU
    // tensors. The results belong to the parameters' manager and the caller's NDScope.
    named(args, "online[]", online);
    named(args, "target[]", target);
    named(args, "m[]", adam.firstMoments());
    named(args, "v[]", adam.secondMoments());
    args.addAll(
        List.of(in.obs(), in.nextObs(), in.actions(), in.rewards(), in.discounts(), in.weights()));
    try (NDManager cpu = NDManager.newBaseManager(Device.cpu())) {
      args.add(
          cpu.create(
              new long[] {
                bit(s.cnn()),
                bit(s.dueling()),
                bit(s.doubleDqn()),
                bit(s.huber()),
                s.precision().code,
                bit(s.forkTarget())
              }));
      args.add(
          cpu.create(
              new double[] {
                lossScale,
                adam.steps() + 1,
                adam.learningRate(),
                adam.beta1(),
                adam.beta2(),
                adam.eps(),
                maxGradNorm
              }));
      NDList out = IValueUtils.forward(module, args, true);
      return new Outcome(out.get(0), out.get(1), out.get(2), out.get(3));
    }
  }

  private static void named(NDList args, String name, List<NDArray> arrays) {
    for (NDArray a : arrays) {
      a.setName(name);
      args.add(a);
    }
  }

  private static long bit(boolean b) {
    return b ? 1 : 0;
  }

  /** Q-values [n, actions], fp32, of {@code obs} under {@code params}; no autograd. */
  NDArray qValues(
      List<NDArray> params, NDArray obs, boolean cnn, boolean dueling, Precision precision) {
    IValue[] args = {
      list(params),
      tensor(obs),
      IValue.from(cnn),
      IValue.from(dueling),
      IValue.from((long) precision.code)
    };
    try (IValue result = IValueUtils.runMethod(module, "q_values", args)) {
      return result.toTensor((PtNDManager) obs.getManager());
    } finally {
      close(args);
    }
  }

  /**
   * The backward pass of {@code loss} (recorded by DJL from {@code params}), clipping and Adam
   * step, in place: the fp32 MLP's route. The graph is freed. Returns the norm before clipping (-1
   * when clipping is off).
   */
  NDArray minimize(NDArray loss, List<NDArray> params, Adam adam, double maxGradNorm) {
    IValue[] args = withAdam(tensor(loss), list(params), adam, maxGradNorm);
    try (IValue result = IValueUtils.runMethod(module, "minimize", args)) {
      return result.toTensor((PtNDManager) params.get(0).getManager());
    } finally {
      close(args);
    }
  }

  /**
   * The update's clipping and Adam step alone, on given gradients: what {@link #update} does after
   * its backward pass; {@code grads} are clipped in place. Returns the norm before clipping (-1
   * when clipping is off).
   */
  NDArray applyAdam(List<NDArray> params, List<NDArray> grads, Adam adam, double maxGradNorm) {
    IValue[] args = withAdam(list(params), list(grads), adam, maxGradNorm);
    try (IValue result = IValueUtils.runMethod(module, "adam", args)) {
      return result.toTensor((PtNDManager) params.get(0).getManager());
    } finally {
      close(args);
    }
  }

  /** {@code a, b}, then Adam's moments, step {@code t}, settings and the clipping norm. */
  private static IValue[] withAdam(IValue a, IValue b, Adam adam, double maxGradNorm) {
    return new IValue[] {
      a,
      b,
      list(adam.firstMoments()),
      list(adam.secondMoments()),
      IValue.from((double) adam.steps() + 1),
      IValue.from(adam.learningRate()),
      IValue.from(adam.beta1()),
      IValue.from(adam.beta2()),
      IValue.from(adam.eps()),
      IValue.from(maxGradNorm)
    };
  }

  private static IValue tensor(NDArray a) {
    return IValue.from((PtNDArray) a);
  }

  private static IValue list(List<NDArray> arrays) {
    PtNDArray[] pt = new PtNDArray[arrays.size()];
    for (int i = 0; i < pt.length; i++) {
      pt[i] = (PtNDArray) arrays.get(i);
    }
    return IValue.listFrom(pt);
  }

  private static void close(IValue[] values) {
    for (IValue v : values) {
      v.close();
    }
  }
}
