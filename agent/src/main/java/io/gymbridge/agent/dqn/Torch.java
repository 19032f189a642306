package io.gymbridge.agent.dqn;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * The few PyTorch-engine calls that DJL's API lacks.
 *
 * <p>Autograd's on/off switch is thread-local in libtorch and starts ON in every thread except the
 * one that loaded the engine (DJL turns it off there only). A {@code GradientCollector} turns it on
 * and, on close, back off only if it was off before. So on any other thread, forward passes would
 * record graphs and in-place updates of parameters would fail ("a leaf Variable that requires grad
 * is being used in an in-place operation"). Call {@link #noGrad()} before such work.
 */
final class Torch {
  static {
    Engine.getEngine("PyTorch"); // loads libtorch; JniUtils alone would not
  }

  private Torch() {}

  /** Autograd off on the calling thread; cheap (one JNI call). */
  static void noGrad() {
    JniUtils.setGradMode(false);
  }

  /** Autograd on or off on the calling thread. */
  static void gradMode(boolean on) {
    JniUtils.setGradMode(on);
  }

  /** Inter-op threads libtorch uses (ai.djl.pytorch.num_interop_threads). */
  static int interOpThreads() {
    return JniUtils.getNumInteropThreads();
  }

  /** Intra-op threads libtorch uses (ai.djl.pytorch.num_threads). */
  static int intraOpThreads() {
    return JniUtils.getNumThreads();
  }
}
