package io.gymbridge.agent.train;

import static io.gymbridge.agent.train.TrainConfig.ADAM_EPS;
import static io.gymbridge.agent.train.TrainConfig.BUFFER_SIZE;
import static io.gymbridge.agent.train.TrainConfig.CHECKPOINT_INTERVAL;
import static io.gymbridge.agent.train.TrainConfig.ENV_ID;
import static io.gymbridge.agent.train.TrainConfig.EPSILON_FRACTION;
import static io.gymbridge.agent.train.TrainConfig.GAMMA;
import static io.gymbridge.agent.train.TrainConfig.HIDDEN_SIZES;
import static io.gymbridge.agent.train.TrainConfig.LEARNING_RATE;
import static io.gymbridge.agent.train.TrainConfig.NETWORK;
import static io.gymbridge.agent.train.TrainConfig.NUM_ENVS;
import static io.gymbridge.agent.train.TrainConfig.PRECISION;
import static io.gymbridge.agent.train.TrainConfig.PRIORITY_BETA_START;
import static io.gymbridge.agent.train.TrainConfig.TARGET_UPDATE_INTERVAL;
import static io.gymbridge.agent.train.TrainConfig.TAU;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.gymbridge.agent.dqn.LearnerConfig;
import io.gymbridge.agent.dqn.LearnerConfig.Network;
import io.gymbridge.agent.dqn.Precision;
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
    // Keys added since keep their values; the keys added since are the learner's precision ones,
    // evaluation during training (off by default) and the replay in a stopped run's checkpoint.
    var now =
        (com.fasterxml.jackson.databind.node.ObjectNode)
            ConfigLoader.JSON.readTree(ConfigLoader.toJson(TrainConfig.defaults()));
    assertEquals("auto", now.remove("precision").asText());
    assertEquals(false, now.remove("forkTarget").asBoolean());
    assertEquals(0, now.remove("evalInterval").asLong());
    assertEquals(10, now.remove("evalEpisodes").asInt());
    assertEquals(true, now.remove("replayOnStop").asBoolean());
    assertEquals(ConfigLoader.JSON.readTree(DEFAULTS_AS_THEY_WERE), now);
  }

  @Test
  void toBuilderKeepsEveryFieldOfEveryPreset() {
    for (String preset : ConfigLoader.PRESETS) {
      TrainConfig c = new ConfigLoader().preset(preset).build();
      assertEquals(c, c.toBuilder().build(), preset);
    }
    TrainConfig c =
        TrainConfig.builder()
            .set(TrainConfig.GAMMA, 0.9)
            .set(TrainConfig.ENV_KWARGS, Map.of("b", 1, "a", 2))
            .build();
    assertEquals(0.9, c.gamma());
    assertEquals(List.of("a", "b"), List.copyOf(c.envKwargs().keySet()));
    assertEquals(
        TrainConfig.defaults(),
        c.toBuilder().set(TrainConfig.GAMMA, 0.99).set(TrainConfig.ENV_KWARGS, Map.of()).build());
  }

  @Test
  void theLearnerConfigCarriesEveryLearnerField() {
    TrainConfig c = new ConfigLoader().preset("tutorial").set("seed=9").set("dueling=true").build();
    LearnerConfig expected = learner(Network.MLP);
    assertEquals(expected, c.learnerConfig(false));
    assertEquals(learner(Network.NATURE_CNN), c.learnerConfig(true));
    assertEquals(
        expected,
        c.with(TrainConfig.NETWORK, Network.MLP).learnerConfig(true),
        "network mlp stays an MLP on images");
    assertEquals(
        learner(Network.NATURE_CNN),
        c.with(TrainConfig.NETWORK, Network.NATURE_CNN).learnerConfig(false),
        "network nature-cnn stays the CNN on vectors (the learner then refuses them)");
  }

  /** The tutorial preset's learner with seed 9 and dueling, field by field. */
  private static LearnerConfig learner(Network network) {
    return new LearnerConfig(
        List.of(128, 128),
        true, // dueling
        false, // doubleDqn
        TdLoss.HUBER,
        3e-4, // learningRate
        1e-8, // adamEps
        100, // maxGradNorm
        1, // targetUpdateInterval: a soft update after every step
        0.005, // tau
        9, // seed
        network,
        Precision.AUTO,
        false); // forkTarget
  }

  @Test
  void everyBadValueIsRefusedOnceNamingTheFieldAndTheValue() {
    assertRefused(b -> b.set(NUM_ENVS, 0), "numEnvs must be > 0, got 0");
    assertRefused(b -> b.set(ENV_ID, " "), "envId must be set, got ' '");
    assertRefused(b -> b.set(GAMMA, 1.5), "gamma must be in [0, 1], got 1.5");
    assertRefused(b -> b.set(BUFFER_SIZE, 64), "bufferSize must be >= batchSize (128), got 64");
    assertRefused(b -> b.set(EPSILON_FRACTION, 2.0), "epsilonFraction must be in [0, 1], got 2.0");
    assertRefused(
        b -> b.set(PRIORITY_BETA_START, -1.0), "priorityBetaStart must be in [0, 1], got -1.0");
    assertRefused(b -> b.set(CHECKPOINT_INTERVAL, -5L), "checkpointInterval must be >= 0");
    assertRefused(b -> b.set(LEARNING_RATE, -1.0), "learningRate must be > 0, got -1.0");
    assertRefused(b -> b.set(LEARNING_RATE, Double.NaN), "learningRate must be > 0, got NaN");
    assertRefused(b -> b.set(ADAM_EPS, 0.0), "adamEps must be > 0, got 0.0");
    assertRefused(
        b -> b.set(HIDDEN_SIZES, List.of(64, 0)), "hiddenSizes must be positive, got [64, 0]");
    assertRefused(b -> b.set(HIDDEN_SIZES, null), "hiddenSizes must be set (empty for a linear Q)");
    assertRefused(b -> b.set(TARGET_UPDATE_INTERVAL, 0), "targetUpdateInterval must be >= 1");
    assertRefused(b -> b.set(TAU, 0.0), "tau must be in (0, 1], got 0.0");
    assertRefused(b -> b.set(PRECISION, null), "precision must be set (auto, fp32, bf16 or fp16)");
    assertRefused(b -> b.set(NETWORK, null), "network must be set, got 'null'");
    // A bad value is refused whichever layer brings it, with the same message.
    IllegalArgumentException viaJson =
        assertThrows(
            IllegalArgumentException.class, () -> new ConfigLoader().set("adamEps=0").build());
    assertEquals("invalid config: adamEps must be > 0, got 0.0", viaJson.getMessage());
    IllegalArgumentException network =
        assertThrows(
            IllegalArgumentException.class, () -> new ConfigLoader().set("network=cnn").build());
    assertEquals(
        "invalid config: network must be one of [auto, mlp, nature-cnn], got cnn",
        network.getMessage());
  }

  @Test
  void anEmptyHiddenSizesIsALinearQForBothLayers() {
    TrainConfig c = TrainConfig.defaults().with(HIDDEN_SIZES, List.of());
    assertEquals(List.of(), c.learnerConfig(false).hiddenSizes());
  }

  private static void assertRefused(UnaryOperator<TrainConfig.Builder> change, String message) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> change.apply(TrainConfig.builder()).build());
    assertEquals(true, e.getMessage().startsWith(message), e.getMessage());
  }
}
