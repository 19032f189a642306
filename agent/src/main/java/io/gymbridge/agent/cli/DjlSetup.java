package io.gymbridge.agent.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import io.gymbridge.agent.dqn.DqnLearner;

/**
 * DJL settings that must be in place before the engine starts: never reach the network (the native
 * library ships in the jar; the engine otherwise probes a metadata address and a telemetry URL),
 * and one intra-op thread to start with (see {@link #threadsFor} for the learner's own choice).
 * Each can be overridden by setting the property or environment variable first.
 */
final class DjlSetup {
  private static boolean userThreads; // GYMBRIDGE_TORCH_THREADS or -Dai.djl.pytorch.num_threads

  private DjlSetup() {}

  static void configureBeforeEngineStart() {
    if (System.getenv("DJL_OFFLINE") == null) {
      setIfAbsent("ai.djl.offline", "true"); // DJL_OFFLINE=false lets a GPU build download libtorch
    }
    setIfAbsent("OPT_OUT_TRACKING", "true");
    userThreads =
        System.getProperty("ai.djl.pytorch.num_threads") != null
            || !envOr("GYMBRIDGE_TORCH_THREADS", "").isEmpty();
    setIfAbsent("ai.djl.pytorch.num_threads", envOr("GYMBRIDGE_TORCH_THREADS", "1"));
    setIfAbsent(
        "ai.djl.pytorch.num_interop_threads", envOr("GYMBRIDGE_TORCH_INTEROP_THREADS", "1"));
  }

  /** The most intra-op threads {@link #threadsFor} gives the CNN (more were not measured). */
  static final int MAX_AUTO_THREADS = 4;

  /**
   * Intra-op threads for a learner of this network when the user named none: the MLP 1 (its ops are
   * too small to split; 2 threads made CartPole's update slower); the Nature CNN one per core up to
   * {@link #MAX_AUTO_THREADS}, but only where libgomp's threads sleep while they wait ({@code
   * OMP_WAIT_POLICY=PASSIVE}, which bin/agent and the image set): spinning threads collapsed the
   * training rate to 0.3-0.6x whenever the env-server or another process took a core, while
   * sleeping ones gave 1.1-1.6x on 2 cores (docs/benchmarks.md).
   */
  static int threadsFor(boolean cnn, String ompWaitPolicy, int cores) {
    boolean passive = ompWaitPolicy != null && "passive".equalsIgnoreCase(ompWaitPolicy.trim());
    return cnn && passive ? Math.max(1, Math.min(cores, MAX_AUTO_THREADS)) : 1;
  }

  /**
   * Sets libtorch's intra-op threads for a learner of this network ({@link #threadsFor}), unless
   * GYMBRIDGE_TORCH_THREADS or {@code -Dai.djl.pytorch.num_threads} named them.
   */
  static void setThreadsFor(boolean cnn) {
    if (!userThreads) {
      JniUtils.setNumThreads(
          threadsFor(
              cnn, System.getenv("OMP_WAIT_POLICY"), Runtime.getRuntime().availableProcessors()));
    }
  }

  /** GPU 0 when the engine sees one, else the CPU. */
  static Device chooseDevice(String requested) {
    return switch (requested) {
      case "cpu" -> Device.cpu();
      case "gpu" -> {
        if (Engine.getInstance().getGpuCount() == 0) {
          throw new IllegalArgumentException(
              "--device gpu: PyTorch sees no GPU (the bundled libtorch is the CPU build; see "
                  + "docs/agent.md, 'GPU')");
        }
        yield Device.gpu();
      }
      case "auto" -> DqnLearner.chooseDevice();
      default ->
          throw new IllegalArgumentException(
              "--device: expected auto, cpu or gpu, got '" + requested + "'");
    };
  }

  /** The one line a run prints about where it computes. */
  static String describe(Device device) {
    return "device: " + DqnLearner.describe(device);
  }

  /** The one line a run prints about where and in which precision its learner computes. */
  static String describe(DqnLearner learner) {
    return describe(learner.device()) + "; " + learner.describePrecision();
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null && System.getenv(key) == null) {
      System.setProperty(key, value);
    }
  }

  private static String envOr(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }
}
