package io.gymbridge.agent.dqn;

import ai.djl.Device;
import ai.djl.util.cuda.CudaUtils;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The number type of the learner's convolutions and matrix products. Mixed precision as {@code
 * torch.autocast} does it: in {@link #BF16} and {@link #FP16} the network's layers and activations
 * run in the low type while the parameters, Adam's moments, the TD targets, the loss and the
 * gradients stay fp32, so checkpoints are fp32 whatever the precision and load in any of them.
 */
public enum Precision {
  /** {@link #BF16} where the device runs it fast, else {@link #FP32}; see {@link #resolve}. */
  AUTO(-1),
  /** Everything in float32. */
  FP32(0),
  /** bfloat16 layers: fp32's range, 8 bits of mantissa; no loss scaling needed. */
  BF16(1),
  /**
   * float16 layers with dynamic loss scaling (as {@code torch.amp.GradScaler}): for CUDA GPUs
   * without bf16 (compute capability 7.x).
   */
  FP16(2);

  /** The code the TorchScript kernel takes (dqn_update.py). */
  final int code;

  Precision(int code) {
    this.code = code;
  }

  /** What {@link #AUTO} (or an explicit setting) became, and why, for the device line. */
  public record Choice(Precision precision, String reason) {
    @Override
    public String toString() {
      return precision.name().toLowerCase(Locale.ROOT) + " (" + reason + ")";
    }
  }

  /** Parses {@code auto}, {@code fp32}, {@code bf16}, {@code fp16} (any case). */
  public static Precision parse(String value) {
    if (value == null) {
      throw new IllegalArgumentException("precision must be set (auto, fp32, bf16 or fp16)");
    }
    for (Precision p : values()) {
      if (p.name().equalsIgnoreCase(value)) {
        return p;
      }
    }
    throw new IllegalArgumentException(
        "precision: expected auto, fp32, bf16 or fp16, got '" + value + "'");
  }

  /**
   * The precision to run: an explicit one as it is; {@link #AUTO} picks bf16 for the Nature CNN on
   * a CPU with AVX-512 BF16 or AMX (where oneDNN has bf16 kernels: 0.53x of fp32's update time in
   * PyTorch) and on a CUDA GPU of compute capability 8.0 or more, fp16 with loss scaling on a 7.x
   * GPU (tensor cores without bf16), and fp32 everywhere else: on a CPU without those instructions
   * bf16 is emulated (11x slower than fp32 on an AVX2 EPYC), and the MLP's layers are too small for
   * the casts to pay.
   */
  public static Choice resolve(Precision requested, Device device, LearnerConfig.Network network) {
    return resolve(requested, device, network, () -> cpuFlags(Path.of("/proc/cpuinfo")));
  }

  /** {@link #resolve(Precision, Device, LearnerConfig.Network)} with the CPU's flags given. */
  static Choice resolve(
      Precision requested,
      Device device,
      LearnerConfig.Network network,
      Supplier<Set<String>> cpuFlags) {
    if (requested != AUTO) {
      return new Choice(requested, "set");
    }
    if (network != LearnerConfig.Network.NATURE_CNN) {
      return new Choice(FP32, "auto: the MLP is too small for bf16 to pay");
    }
    if (device.isGpu()) {
      String capability = CudaUtils.getComputeCapability(device.getDeviceId());
      int major = Integer.parseInt(capability.substring(0, capability.length() - 1));
      if (major >= 8) {
        return new Choice(BF16, "auto: CUDA compute capability " + capability + " has bf16");
      }
      if (major == 7) {
        return new Choice(FP16, "auto: CUDA compute capability " + capability + ", no bf16");
      }
      return new Choice(FP32, "auto: CUDA compute capability " + capability);
    }
    Set<String> flags = cpuFlags.get();
    if (flags.contains("avx512_bf16") || flags.contains("amx_bf16")) {
      return new Choice(BF16, "auto: the CPU has " + bf16Flags(flags));
    }
    return new Choice(FP32, "auto: the CPU has neither AVX-512 BF16 nor AMX");
  }

  private static String bf16Flags(Set<String> flags) {
    return Stream.of("avx512_bf16", "amx_bf16")
        .filter(flags::contains)
        .collect(Collectors.joining(" and "));
  }

  /** The instruction-set flags of the first CPU in a /proc/cpuinfo file; empty if unreadable. */
  static Set<String> cpuFlags(Path cpuinfo) {
    try (Stream<String> lines = Files.lines(cpuinfo)) {
      return lines
          .filter(l -> l.startsWith("flags"))
          .findFirst()
          .map(l -> Set.copyOf(Arrays.asList(l.substring(l.indexOf(':') + 1).trim().split("\\s+"))))
          .orElse(Set.of());
    } catch (IOException | RuntimeException e) {
      return Set.of(); // not Linux, or no /proc: fp32 is always correct
    }
  }
}
