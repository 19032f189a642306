package io.gymbridge.agent.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gymbridge.agent.dqn.LearnerConfig;
import io.gymbridge.agent.dqn.Precision;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @Test
  void everyPresetBuildsAValidConfig() {
    for (String preset : ConfigLoader.PRESETS) {
      TrainConfig c = new ConfigLoader().preset(preset).build();
      boolean atari = preset.startsWith("atari") || preset.equals("nature");
      assertEquals(atari ? "ALE/Breakout-v5" : "CartPole-v1", c.envId(), preset);
      assertEquals(atari ? "nature" : null, c.envKwargs().get("preprocessing"), preset);
      assertEquals(atari, c.episodeStatsFromInfo(), preset);
      assertEquals(!atari, c.saveReplay(), preset);
      assertEquals(atari ? 0.05 : 0.0, c.evalEpsilon(), preset);
    }
  }

  @Test
  void atariPresetsCarryTheirSourcesHyperparameters() {
    TrainConfig cleanrl = new ConfigLoader().preset("atari").build();
    assertEquals(1e-4, cleanrl.learningRate());
    assertEquals(1_000_000, cleanrl.bufferSize());
    assertEquals(32, cleanrl.batchSize());
    assertEquals(80_000, cleanrl.learningStarts());
    assertEquals(250, cleanrl.targetUpdateInterval()); // 1,000 env steps at one update per 4
    assertEquals(0.1, cleanrl.epsilonFraction());
    assertEquals(10_000_000, cleanrl.totalSteps());
    assertEquals(false, cleanrl.evalEnvKwargs().get("episodic_life"));
    assertEquals(false, cleanrl.evalEnvKwargs().get("clip_reward"));
    TrainConfig fast = new ConfigLoader().preset("atari-fast").build();
    assertTrue(fast.doubleDqn() && fast.dueling());
    assertEquals(3, fast.nStep());
  }

  @Test
  void precisionIsAutoUnlessSetAndAnUnknownOneIsRefusedByName() {
    assertEquals(Precision.AUTO, new ConfigLoader().build().precision());
    assertEquals(Precision.AUTO, new ConfigLoader().build().learnerConfig(true).precision());
    TrainConfig bf16 = new ConfigLoader().set("precision=bf16").set("forkTarget=true").build();
    assertEquals(Precision.BF16, bf16.learnerConfig(true).precision());
    assertEquals(true, bf16.learnerConfig(true).forkTarget());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> new ConfigLoader().set("precision=half").build());
    assertTrue(
        e.getMessage().contains("expected auto, fp32, bf16 or fp16, got 'half'"), e.getMessage());
  }

  @Test
  void aRunWrittenBeforeAKeyExistedReadsWithThatKeysDefault(@TempDir Path dir) throws Exception {
    // config.json of a CartPole run made before Atari support: no network, envKwargs, ...
    Path old = dir.resolve("config.json");
    var node =
        (com.fasterxml.jackson.databind.node.ObjectNode)
            ConfigLoader.JSON.readTree(ConfigLoader.toJson(new ConfigLoader().build()));
    node.remove(
        List.of(
            "envKwargs",
            "network",
            "saveReplay",
            "episodeStatsFromInfo",
            "evalEpsilon",
            "evalEnvKwargs"));
    String json = node.toString();
    assertFalse(json.contains("network"), json);
    Files.writeString(old, json);
    TrainConfig c = ConfigLoader.read(old);
    assertEquals(LearnerConfig.Network.AUTO, c.network());
    assertTrue(c.saveReplay());
    assertEquals(0.0, c.evalEpsilon());
    assertTrue(c.envKwargs().isEmpty());
  }

  @Test
  void aConfigJsonWrittenBeforeTheKeysReadsAndWritesBackByteForByte(@TempDir Path dir)
      throws Exception {
    // The config.json of a Breakout run written by the record-based TrainConfig (git c327717).
    String written;
    try (var in = getClass().getResourceAsStream("/configs/breakout-c327717.json")) {
      written = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    Path file = dir.resolve("config.json");
    Files.writeString(file, written);
    TrainConfig c = ConfigLoader.read(file);
    assertEquals(LearnerConfig.Network.AUTO, c.network());
    assertEquals(1e-4, c.learningRate());
    // Byte for byte, but for the one key added since, written at its default after saveReplay.
    String now = ConfigLoader.toJson(c);
    String added = "  \"replayOnStop\" : true,\n";
    assertTrue(now.contains("\"saveReplay\" : false,\n" + added), now);
    assertEquals(written.strip(), now.replace(added, "").strip());
  }

  @Test
  void theClosedSetsReadTheirLowercaseNamesAndWriteThemBack() throws Exception {
    TrainConfig c = new ConfigLoader().set("network=nature-cnn").set("precision=fp16").build();
    assertEquals(LearnerConfig.Network.NATURE_CNN, c.network());
    assertEquals(Precision.FP16, c.precision());
    var json = ConfigLoader.JSON.readTree(ConfigLoader.toJson(c));
    assertEquals("nature-cnn", json.get("network").asText());
    assertEquals("fp16", json.get("precision").asText());
    // Older builds wrote precision as given; any case still reads (network was always exact).
    assertEquals(Precision.BF16, new ConfigLoader().set("precision=BF16").build().precision());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> new ConfigLoader().set("network=MLP").build());
    assertEquals(
        "invalid config: network must be one of [auto, mlp, nature-cnn], got MLP", e.getMessage());
  }

  @Test
  void aValueOfTheWrongTypeIsRefusedNamingTheKey() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> new ConfigLoader().set("numEnvs=abc").build());
    assertTrue(
        e.getMessage().startsWith("invalid config: numEnvs: Cannot deserialize"), e.getMessage());
    IllegalArgumentException element =
        assertThrows(
            IllegalArgumentException.class,
            () -> new ConfigLoader().set("hiddenSizes=[64,\"a\"]").build());
    assertTrue(
        element.getMessage().startsWith("invalid config: hiddenSizes[1]: "), element.getMessage());
  }

  @Test
  void presetsCarryTheirSourcesHyperparameters() {
    TrainConfig cleanrl = new ConfigLoader().preset("cleanrl").build();
    assertEquals(List.of(120, 84), cleanrl.hiddenSizes());
    assertEquals(2.5e-4, cleanrl.learningRate());
    assertFalse(cleanrl.doubleDqn());
    TrainConfig tutorial = new ConfigLoader().preset("tutorial").build();
    assertEquals(0.005, tutorial.tau());
    assertEquals(2500.0, tutorial.epsilonDecay());
  }

  @Test
  void laterLayersOverrideEarlierOnes(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("c.json");
    Files.writeString(file, "{\"batchSize\": 32, \"gamma\": 0.9}");
    TrainConfig c =
        new ConfigLoader()
            .preset("cleanrl")
            .file(file)
            .set("gamma=0.95")
            .set("hiddenSizes=[64,64]")
            .build();
    assertEquals(32, c.batchSize());
    assertEquals(0.95, c.gamma());
    assertEquals(List.of(64, 64), c.hiddenSizes());
    assertEquals(10000, c.bufferSize()); // from the preset
  }

  @Test
  void anUnknownKeyIsRefusedWithTheValidKeys() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new ConfigLoader().set("gama=0.9"));
    assertTrue(e.getMessage().contains("unknown key 'gama'"), e.getMessage());
    assertTrue(e.getMessage().contains("gamma"), e.getMessage());
  }

  @Test
  void anInvalidValueIsRefusedWithTheReason() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new ConfigLoader().set("tau=0").build());
    assertTrue(e.getMessage().contains("tau must be in (0, 1]"), e.getMessage());
  }

  @Test
  void theConfigRoundTripsThroughItsJson(@TempDir Path dir) throws Exception {
    TrainConfig c = new ConfigLoader().preset("sb3-zoo").set("seed=7").build();
    Path file = dir.resolve("config.json");
    Files.writeString(file, ConfigLoader.toJson(c));
    assertEquals(c, ConfigLoader.read(file));
  }
}
