package io.gymbridge.agent.dqn;

/**
 * Dynamic loss scaling for fp16, as {@code torch.amp.GradScaler} with its defaults: the loss is
 * multiplied by the scale before the backward pass so that small gradients do not underflow
 * float16; a step whose gradients overflow is skipped and halves the scale, and 2,000 finite steps
 * in a row double it. bf16 and fp32 have fp32's range and use a scale of 1. Not saved in
 * checkpoints: a resumed run starts again at 2^16 and finds its level within a few steps.
 */
final class LossScale {
  static final double INITIAL = 65536;
  static final int GROWTH_INTERVAL = 2000;

  private final boolean dynamic;
  private double scale;
  private int finiteSteps;

  LossScale(Precision precision) {
    dynamic = precision == Precision.FP16;
    scale = dynamic ? INITIAL : 1;
  }

  double value() {
    return scale;
  }

  /** Records a step's outcome: finite gradients (the step was taken) or an overflow (skipped). */
  void update(boolean finite) {
    if (!dynamic) {
      return;
    }
    if (!finite) {
      scale /= 2;
      finiteSteps = 0;
    } else if (++finiteSteps == GROWTH_INTERVAL) {
      scale *= 2;
      finiteSteps = 0;
    }
  }
}
