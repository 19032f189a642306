package io.gymbridge.agent.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class EpsilonScheduleTest {
  @Test
  void linearGoesFromStartToEndOverItsDurationThenStays() {
    // CleanRL dqn.py defaults: 1.0 to 0.05 over 0.5 of 500k steps = 250k steps, slope -3.8e-6.
    EpsilonSchedule e = EpsilonSchedule.linear(1.0, 0.05, 0.5, 500_000);
    assertEquals(new EpsilonSchedule.Linear(1.0, 0.05, 250_000), e);
    assertEquals(1.0, e.value(0), 1e-12);
    assertEquals(0.962, e.value(10_000), 1e-12); // 1 - 0.95 * 10k / 250k = 1 - 0.038
    assertEquals(0.525, e.value(125_000), 1e-12); // halfway
    assertEquals(0.05, e.value(250_000), 1e-12);
    assertEquals(0.05, e.value(400_000), 0.0);
  }

  @Test
  void linearMatchesNatureDqn() {
    // 1.0 to 0.1 over 1M frames: 0.55 at 500k, 0.1 from 1M on.
    EpsilonSchedule e = new EpsilonSchedule.Linear(1.0, 0.1, 1_000_000);
    assertEquals(0.55, e.value(500_000), 1e-12);
    assertEquals(0.1, e.value(1_000_000), 0.0);
    assertEquals(0.1, e.value(50_000_000), 0.0);
  }

  @Test
  void linearWithZeroDurationIsConstantEnd() {
    assertEquals(0.05, new EpsilonSchedule.Linear(1.0, 0.05, 0).value(0), 0.0);
  }

  @Test
  void exponentialFollowsThePyTorchTutorialFormula() {
    // 0.05 + 0.85 * exp(-t / 1000):
    // t = 0: 0.9; t = 1000: 0.05 + 0.85 * 0.3678794 = 0.3626975;
    // t = 2000: 0.05 + 0.85 * 0.1353353 = 0.1650350; t = 10000: 0.05 + 0.85 * 4.54e-5 = 0.0500386
    EpsilonSchedule e = new EpsilonSchedule.Exponential(0.9, 0.05, 1000);
    assertEquals(0.9, e.value(0), 1e-12);
    assertEquals(0.3626975, e.value(1000), 1e-7);
    assertEquals(0.1650350, e.value(2000), 1e-7);
    assertEquals(0.0500386, e.value(10_000), 1e-7);
  }

  @Test
  void schedulesRejectNegativeStepsAndOutOfRangeSettings() {
    assertThrows(
        IllegalArgumentException.class, () -> new EpsilonSchedule.Linear(1, 0.1, 10).value(-1));
    assertThrows(IllegalArgumentException.class, () -> new EpsilonSchedule.Linear(1.5, 0.1, 10));
    assertThrows(
        IllegalArgumentException.class, () -> new EpsilonSchedule.Exponential(0.9, 0.05, 0));
    assertThrows(IllegalArgumentException.class, () -> EpsilonSchedule.linear(1, 0.05, 2, 100));
  }
}
