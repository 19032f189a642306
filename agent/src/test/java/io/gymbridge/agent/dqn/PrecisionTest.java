package io.gymbridge.agent.dqn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.gymbridge.agent.dqn.LearnerConfig.Network;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrecisionTest {
  private static final Set<String> AVX2 = Set.of("fpu", "sse2", "avx", "avx2", "fma");
  private static final Set<String> SAPPHIRE_RAPIDS =
      Set.of("avx2", "avx512f", "avx512_bf16", "amx_bf16", "amx_tile");
  private static final Set<String> ZEN4 = Set.of("avx2", "avx512f", "avx512_bf16");

  private static Precision.Choice auto(Network network, Set<String> flags) {
    return Precision.resolve(Precision.AUTO, Device.cpu(), network, () -> flags);
  }

  @Test
  void autoPicksBf16ForTheCnnOnlyWhereTheCpuHasBf16Instructions() {
    assertEquals(Precision.FP32, auto(Network.NATURE_CNN, AVX2).precision());
    assertEquals(Precision.BF16, auto(Network.NATURE_CNN, ZEN4).precision());
    assertEquals(Precision.BF16, auto(Network.NATURE_CNN, SAPPHIRE_RAPIDS).precision());
    assertTrue(auto(Network.NATURE_CNN, ZEN4).reason().contains("avx512_bf16"));
    assertTrue(
        auto(Network.NATURE_CNN, SAPPHIRE_RAPIDS).reason().contains("avx512_bf16 and amx_bf16"));
    assertTrue(auto(Network.NATURE_CNN, AVX2).reason().contains("neither AVX-512 BF16 nor AMX"));
  }

  @Test
  void autoKeepsTheMlpInFp32AndAnExplicitChoiceIsKept() {
    assertEquals(Precision.FP32, auto(Network.MLP, SAPPHIRE_RAPIDS).precision());
    for (Precision p : new Precision[] {Precision.FP32, Precision.BF16, Precision.FP16}) {
      Precision.Choice c = Precision.resolve(p, Device.cpu(), Network.MLP, () -> AVX2);
      assertEquals(p, c.precision());
      assertEquals("set", c.reason());
    }
  }

  @Test
  void parsesAnyCaseAndNamesTheValuesWhenItCannot() {
    assertEquals(Precision.BF16, Precision.parse("bf16"));
    assertEquals(Precision.AUTO, Precision.parse("AUTO"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Precision.parse("half"));
    assertEquals("precision: expected auto, fp32, bf16 or fp16, got 'half'", e.getMessage());
  }

  @Test
  void readsTheFlagsOfACpuinfoFileAndNothingFromAMissingOne(@TempDir Path dir) throws IOException {
    Path cpuinfo = dir.resolve("cpuinfo");
    Files.writeString(
        cpuinfo,
        "processor\t: 0\nmodel name\t: AMD EPYC\nflags\t\t: fpu avx2 avx512_bf16\n\n"
            + "processor\t: 1\nflags\t\t: fpu avx2 avx512_bf16\n");
    assertEquals(Set.of("fpu", "avx2", "avx512_bf16"), Precision.cpuFlags(cpuinfo));
    assertEquals(Set.of(), Precision.cpuFlags(dir.resolve("missing")));
  }
}
