package io.gymbridge.agent.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.gymbridge.agent.dqn.LearnerConfig;
import io.gymbridge.agent.dqn.TdLoss;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainConfigTest {
  /** presets/default.json as it was when it held the defaults: what runs written then recorded. */
  private static final String DEFAULTS_AS_THEY_WERE =
      """
      {"envId": "CartPole-v1", "envKwargs": {}, "numEnvs": 16, "totalSteps": 150000, "seed": 1,
       "network": "auto", "hiddenSizes": [128, 128], "dueling": false, "doubleDqn": true,
       "huberLoss": true, "learningRate": 0.001, "adamEps": 1e-08, "maxGradNorm": 10.0,
       "gamma": 0.99, "nStep": 5, "bufferSize": 50000, "prioritized": false,
       "priorityAlpha": 0.6, "priorityBetaStart": 0.4, "batchSize": 128, "learningStarts": 1000,
       "trainFrequency": 16, "gradientSteps": 1, "targetUpdateInterval": 50, "tau": 1.0,
       "epsilonStart": 1.0, "epsilonEnd": 0.01, "epsilonFraction": 0.0666667,
       "epsilonDecay": 0.0, "checkpointInterval": 0, "saveReplay": true,
       "episodeStatsFromInfo": false, "evalEpsilon": 0.0, "evalEnvKwargs": {}}
      """;

  @Test
  void theDefaultsAreTheOnesRunsRecordedBeforeTheyMovedIntoTheBuilder(@TempDir Path dir)
      throws Exception {
    Path old = dir.resolve("config.json");
    Files.writeString(old, DEFAULTS_AS_THEY_WERE);
    assertEquals(TrainConfig.defaults(), ConfigLoader.read(old));
    assertEquals(TrainConfig.defaults(), new ConfigLoader().build());
    assertEquals(TrainConfig.defaults(), new ConfigLoader().preset("default").build());
    // Keys added since keep their values; the keys added since are the learner's precision ones
    // and evaluation during training (off by default).
    var now =
        (com.fasterxml.jackson.databind.node.ObjectNode)
            ConfigLoader.JSON.readTree(ConfigLoader.toJson(TrainConfig.defaults()));
    assertEquals("auto", now.remove("precision").asText());
    assertEquals(false, now.remove("forkTarget").asBoolean());
    assertEquals(0, now.remove("evalInterval").asLong());
    assertEquals(10, now.remove("evalEpisodes").asInt());
    assertEquals(ConfigLoader.JSON.readTree(DEFAULTS_AS_THEY_WERE), now);
  }

  @Test
  void toBuilderKeepsEveryFieldOfEveryPreset() {
    for (String preset : ConfigLoader.PRESETS) {
      TrainConfig c = new ConfigLoader().preset(preset).build();
      assertEquals(c, c.toBuilder().build(), preset);
    }
    TrainConfig c = TrainConfig.builder().gamma(0.9).envKwargs(Map.of("b", 1, "a", 2)).build();
    assertEquals(0.9, c.gamma());
    assertEquals(List.of("a", "b"), List.copyOf(c.envKwargs().keySet()));
    assertEquals(TrainConfig.defaults(), c.toBuilder().gamma(0.99).envKwargs(Map.of()).build());
  }

  @Test
  void theLearnerConfigCarriesEveryLearnerField() {
    TrainConfig c = new ConfigLoader().preset("tutorial").set("seed=9").set("dueling=true").build();
    LearnerConfig expected =
        LearnerConfig.builder()
            .hiddenSizes(List.of(128, 128))
            .dueling(true)
            .doubleDqn(false)
            .loss(TdLoss.HUBER)
            .learningRate(3e-4)
            .adamEps(1e-8)
            .maxGradNorm(100)
            .softTargetUpdate(0.005)
            .seed(9)
            .network(LearnerConfig.Network.MLP)
            .build();
    assertEquals(expected, c.learnerConfig());
    assertEquals(
        expected.toBuilder().network(LearnerConfig.Network.NATURE_CNN).build(),
        c.learnerConfig(true));
    assertEquals(
        expected,
        c.toBuilder().network("mlp").build().learnerConfig(true),
        "network mlp stays an MLP on images");
  }

  @Test
  void everyBadValueIsRefusedOnceNamingTheFieldAndTheValue() {
    assertRefused(b -> b.numEnvs(0), "numEnvs must be > 0, got 0");
    assertRefused(b -> b.envId(" "), "envId must be set, got ' '");
    assertRefused(b -> b.network("cnn"), "network must be one of [auto, mlp, nature-cnn], got cnn");
    assertRefused(b -> b.gamma(1.5), "gamma must be in [0, 1], got 1.5");
    assertRefused(b -> b.bufferSize(64), "bufferSize must be >= batchSize (128), got 64");
    assertRefused(b -> b.epsilonFraction(2), "epsilonFraction must be in [0, 1], got 2.0");
    assertRefused(b -> b.priorityBetaStart(-1), "priorityBetaStart must be in [0, 1], got -1.0");
    assertRefused(b -> b.checkpointInterval(-5), "checkpointInterval must be >= 0");
    // The learner's fields: LearnerConfig's rules and messages, the same for both layers.
    assertRefused(b -> b.learningRate(-1), "learningRate must be > 0, got -1.0");
    assertRefused(b -> b.adamEps(0), "adamEps must be > 0, got 0.0");
    assertRefused(b -> b.hiddenSizes(List.of(64, 0)), "hiddenSizes must be positive, got [64, 0]");
    assertRefused(b -> b.targetUpdateInterval(0), "targetUpdateInterval must be >= 1");
    assertRefused(b -> b.tau(0), "tau must be in (0, 1], got 0.0");
    IllegalArgumentException viaJson =
        assertThrows(
            IllegalArgumentException.class, () -> new ConfigLoader().set("adamEps=0").build());
    assertEquals("invalid config: adamEps must be > 0, got 0.0", viaJson.getMessage());
  }

  @Test
  void anEmptyHiddenSizesIsALinearQForBothLayers() {
    TrainConfig c = TrainConfig.builder().hiddenSizes(List.of()).build();
    assertEquals(List.of(), c.learnerConfig().hiddenSizes());
  }

  private static void assertRefused(UnaryOperator<TrainConfig.Builder> change, String message) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> change.apply(TrainConfig.builder()).build());
    assertEquals(true, e.getMessage().startsWith(message), e.getMessage());
  }
}
