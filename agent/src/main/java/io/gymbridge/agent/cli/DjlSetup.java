package io.gymbridge.agent.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.gymbridge.agent.dqn.DqnLearner;

/**
 * DJL settings that must be in place before the engine starts: never reach the network (the native
 * library ships in the jar; the engine otherwise probes a metadata address and a telemetry URL),
 * and one intra-op thread unless told otherwise (small nets are fastest on one thread, and the
 * agent often shares the machine with an env-server). Each can be overridden by setting the
 * property or environment variable first.
 */
final class DjlSetup {
  private DjlSetup() {}

  static void configureBeforeEngineStart() {
    if (System.getenv("DJL_OFFLINE") == null) {
      setIfAbsent("ai.djl.offline", "true"); // DJL_OFFLINE=false lets a GPU build download libtorch
    }
    setIfAbsent("OPT_OUT_TRACKING", "true");
    setIfAbsent("ai.djl.pytorch.num_threads", envOr("GYMBRIDGE_TORCH_THREADS", "1"));
    setIfAbsent(
        "ai.djl.pytorch.num_interop_threads", envOr("GYMBRIDGE_TORCH_INTEROP_THREADS", "1"));
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
