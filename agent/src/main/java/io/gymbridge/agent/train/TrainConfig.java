package io.gymbridge.agent.train;

import io.gymbridge.agent.dqn.LearnerConfig;
import io.gymbridge.agent.dqn.LearnerConfig.Network;
import io.gymbridge.agent.dqn.Precision;
import io.gymbridge.agent.dqn.TdLoss;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every hyperparameter of a DQN run (CleanRL's Args), immutable, written to config.json at the
 * start of every run. Each is one {@link Key} below, declared once (JSON name, type, default,
 * meaning and rules side by side) beside the accessor readers call; the rest iterates {@link
 * #keys()}: validation here, whatever built the config (messages name the key and its value), the
 * JSON layers of {@link ConfigLoader}, {@code --list-keys} and docs/agent.md ({@link ConfigKeys}).
 * {@link LearnerConfig} is derived here, with no defaults of its own.
 *
 * <p>The defaults are tuned for time to solve CartPole-v1 on a 2-core CPU ({@code bin/agent
 * bench}): a plain MLP head (Dueling cost ~40% more per update and solved no sooner), Double DQN
 * targets (with the fused Adam update, seeds 1-20 and held-out 31-50: 37/40 solved within 150k
 * steps against 30/40 without; ~10% more time per env step), 5-step returns, 16 envs, one update
 * per 16 env steps, epsilon to 0.01 over the first 10k steps. The presets
 * (agent/src/main/resources/presets) lay their sources' values over these.
 */
public record TrainConfig(Map<Key<?>, Object> values) {
  private static final Key.Registry KEYS = new Key.Registry();

  public static final Key<String> ENV_ID =
      KEYS.text("envId", "CartPole-v1", "The env to train on, e.g. \"CartPole-v1\".")
          .check(v -> !v.isBlank(), "must be set");

  public String envId() {
    return get(ENV_ID);
  }

  public static final Key<Map<String, Object>> ENV_KWARGS =
      KEYS.kwargs(
          "envKwargs",
          "Make kwargs for the env (gymnasium.make(envId, **envKwargs)), e.g. {\"preprocessing\":"
              + " \"nature\"} for the DQN Atari pipeline on the server.");

  public Map<String, Object> envKwargs() {
    return get(ENV_KWARGS);
  }

  public static final Key<Integer> NUM_ENVS =
      KEYS.integer(
              "numEnvs",
              16,
              "Envs stepped as one batch (one forward pass picks all their actions).")
          .check(v -> v > 0, "must be > 0");

  public int numEnvs() {
    return get(NUM_ENVS);
  }

  public static final Key<Long> TOTAL_STEPS =
      KEYS.longInteger(
              "totalSteps",
              150_000,
              "Env steps to train for (all envs together; the last batch may pass it by up to"
                  + " numEnvs - 1).")
          .check(v -> v > 0, "must be > 0");

  public long totalSteps() {
    return get(TOTAL_STEPS);
  }

  public static final Key<Long> SEED =
      KEYS.longInteger(
          "seed", 1, "Seeds the envs (env i: seed + i), the network init, exploration and replay.");

  public long seed() {
    return get(SEED);
  }

  public static final Key<Network> NETWORK =
      KEYS.choice(
          "network",
          Network.AUTO,
          "\"auto\" (the Nature CNN for uint8 image observations, else the MLP), \"mlp\" or"
              + " \"nature-cnn\".");

  public Network network() {
    return get(NETWORK);
  }

  public static final Key<List<Integer>> HIDDEN_SIZES =
      KEYS.ints(
              "hiddenSizes",
              List.of(128, 128),
              "Hidden layer widths of the Q-network MLP (unused by the CNN); empty: a linear Q.")
          .check(v -> v.stream().allMatch(h -> h != null && h > 0), "must be positive")
          .unsetHint(" (empty for a linear Q)");

  public List<Integer> hiddenSizes() {
    return get(HIDDEN_SIZES);
  }

  public static final Key<Boolean> DUELING =
      KEYS.flag("dueling", false, "Dueling head: Q = V + A - mean(A) (Wang et al. 2016).");

  public boolean dueling() {
    return get(DUELING);
  }

  public static final Key<Boolean> DOUBLE_DQN =
      KEYS.flag(
          "doubleDqn",
          true,
          "Double DQN targets: the online net picks a', the target net values it.");

  public boolean doubleDqn() {
    return get(DOUBLE_DQN);
  }

  /** A flag rather than a {@link TdLoss} key: config.json files have always said huberLoss. */
  public static final Key<Boolean> HUBER_LOSS =
      KEYS.flag("huberLoss", true, "Huber (smooth L1, delta 1) loss; false: mean squared error.");

  public boolean huberLoss() {
    return get(HUBER_LOSS);
  }

  public static final Key<Double> LEARNING_RATE =
      KEYS.real("learningRate", 1e-3, "Adam's step size.")
          .check(v -> v > 0 && Double.isFinite(v), "must be > 0");

  public double learningRate() {
    return get(LEARNING_RATE);
  }

  public static final Key<Double> ADAM_EPS =
      KEYS.real("adamEps", 1e-8, "Adam's epsilon.")
          .check(v -> v > 0 && Double.isFinite(v), "must be > 0");

  public double adamEps() {
    return get(ADAM_EPS);
  }

  public static final Key<Double> MAX_GRAD_NORM =
      KEYS.real("maxGradNorm", 10, "Global gradient-norm clip; 0 turns it off.")
          .check(v -> v >= 0 && Double.isFinite(v), "must be >= 0 (0 = off)");

  public double maxGradNorm() {
    return get(MAX_GRAD_NORM);
  }

  public static final Key<Precision> PRECISION =
      KEYS.choice(
              "precision",
              Precision.AUTO,
              "The learner's number type: \"fp32\", \"bf16\", \"fp16\" (mixed precision: weights,"
                  + " Adam, targets and loss stay fp32; checkpoints are fp32 in every mode) or"
                  + " \"auto\": bf16 for the Nature CNN on a CPU with AVX-512 BF16 or AMX or a CUDA"
                  + " GPU with bf16, fp32 elsewhere.",
              Precision::parse)
          .unsetHint(" (auto, fp32, bf16 or fp16)");

  public Precision precision() {
    return get(PRECISION);
  }

  public static final Key<Boolean> FORK_TARGET =
      KEYS.flag(
          "forkTarget",
          false,
          "Compute each update's TD target on libtorch's inter-op thread, beside the online"
              + " network's forward and backward pass (a second core's work; see docs/agent.md,"
              + " \"Threads\").");

  public boolean forkTarget() {
    return get(FORK_TARGET);
  }

  public static final Key<Double> GAMMA =
      KEYS.real("gamma", 0.99, "Discount factor.")
          .check(v -> v >= 0 && v <= 1, "must be in [0, 1]");

  public double gamma() {
    return get(GAMMA);
  }

  public static final Key<Integer> N_STEP =
      KEYS.integer("nStep", 5, "N-step returns (1: plain one-step DQN).")
          .check(v -> v >= 1, "must be >= 1");

  public int nStep() {
    return get(N_STEP);
  }

  /** At least {@link #BATCH_SIZE}: see {@link #requireAcrossKeys}. */
  public static final Key<Integer> BUFFER_SIZE =
      KEYS.integer("bufferSize", 50_000, "Replay capacity in transitions.");

  public int bufferSize() {
    return get(BUFFER_SIZE);
  }

  public static final Key<Boolean> PRIORITIZED =
      KEYS.flag(
          "prioritized",
          false,
          "Proportional prioritized replay (Schaul et al. 2016); false: uniform.");

  public boolean prioritized() {
    return get(PRIORITIZED);
  }

  public static final Key<Double> PRIORITY_ALPHA =
      KEYS.real("priorityAlpha", 0.6, "How much priorities count (0: uniform).")
          .check(v -> v >= 0 && Double.isFinite(v), "must be >= 0");

  public double priorityAlpha() {
    return get(PRIORITY_ALPHA);
  }

  public static final Key<Double> PRIORITY_BETA_START =
      KEYS.real(
              "priorityBetaStart",
              0.4,
              "Importance-sampling exponent at the start, annealed linearly to 1.")
          .check(v -> v >= 0 && v <= 1, "must be in [0, 1]");

  public double priorityBetaStart() {
    return get(PRIORITY_BETA_START);
  }

  public static final Key<Integer> BATCH_SIZE =
      KEYS.integer("batchSize", 128, "Transitions per gradient step.")
          .check(v -> v > 0, "must be > 0");

  public int batchSize() {
    return get(BATCH_SIZE);
  }

  public static final Key<Long> LEARNING_STARTS =
      KEYS.longInteger(
              "learningStarts", 1000, "Env steps of pure exploration before the first update.")
          .check(v -> v >= 0, "must be >= 0");

  public long learningStarts() {
    return get(LEARNING_STARTS);
  }

  public static final Key<Integer> TRAIN_FREQUENCY =
      KEYS.integer("trainFrequency", 16, "Env steps between rounds of updates.")
          .check(v -> v > 0, "must be > 0");

  public int trainFrequency() {
    return get(TRAIN_FREQUENCY);
  }

  public static final Key<Integer> GRADIENT_STEPS =
      KEYS.integer("gradientSteps", 1, "Gradient steps per round.")
          .check(v -> v > 0, "must be > 0");

  public int gradientSteps() {
    return get(GRADIENT_STEPS);
  }

  public static final Key<Integer> TARGET_UPDATE_INTERVAL =
      KEYS.integer("targetUpdateInterval", 50, "Gradient steps between target updates.")
          .check(v -> v >= 1, "must be >= 1 train steps");

  public int targetUpdateInterval() {
    return get(TARGET_UPDATE_INTERVAL);
  }

  public static final Key<Double> TAU =
      KEYS.real(
              "tau",
              1,
              "Target update weight: 1 copies (hard update), below 1 blends (soft, Polyak).")
          .check(v -> v > 0 && v <= 1, "must be in (0, 1]");

  public double tau() {
    return get(TAU);
  }

  public static final Key<Double> EPSILON_START =
      KEYS.real("epsilonStart", 1, "Exploration rate at the start.")
          .check(v -> v >= 0 && v <= 1, "must be in [0, 1]");

  public double epsilonStart() {
    return get(EPSILON_START);
  }

  public static final Key<Double> EPSILON_END =
      KEYS.real("epsilonEnd", 0.01, "Exploration rate at the end.")
          .check(v -> v >= 0 && v <= 1, "must be in [0, 1]");

  public double epsilonEnd() {
    return get(EPSILON_END);
  }

  public static final Key<Double> EPSILON_FRACTION =
      KEYS.real(
              "epsilonFraction",
              0.0666667,
              "Linear schedule: fraction of totalSteps to go from start to end.")
          .check(v -> v >= 0 && v <= 1, "must be in [0, 1]");

  public double epsilonFraction() {
    return get(EPSILON_FRACTION);
  }

  public static final Key<Double> EPSILON_DECAY =
      KEYS.real(
              "epsilonDecay",
              0,
              "If > 0, exponential schedule: end + (start - end) * exp(-step / decay); 0: linear.")
          .check(v -> v >= 0 && Double.isFinite(v), "must be >= 0 (0: the linear schedule)");

  public double epsilonDecay() {
    return get(EPSILON_DECAY);
  }

  public static final Key<Long> CHECKPOINT_INTERVAL =
      KEYS.longInteger(
              "checkpointInterval", 0, "Env steps between checkpoints (0: only at the end).")
          .check(v -> v >= 0, "must be >= 0 (0: only at the end)");

  public long checkpointInterval() {
    return get(CHECKPOINT_INTERVAL);
  }

  public static final Key<Boolean> SAVE_REPLAY =
      KEYS.flag(
          "saveReplay",
          true,
          "Whether checkpoints hold the replay buffer (resume then continues exactly); false keeps"
              + " an Atari checkpoint at the network's size instead of the buffer's ~7 GB, and a"
              + " resumed run refills its buffer for learningStarts steps before it learns again.");

  public boolean saveReplay() {
    return get(SAVE_REPLAY);
  }

  public static final Key<Boolean> REPLAY_ON_STOP =
      KEYS.flag(
          "replayOnStop",
          true,
          "Whether the checkpoint of a run stopped early (Ctrl-C, SIGTERM) holds the replay buffer"
              + " even when saveReplay is false, so --resume goes on learning at once instead of"
              + " refilling it (an Atari replay: up to ~7 GB, written at the stop only).");

  public boolean replayOnStop() {
    return get(REPLAY_ON_STOP);
  }

  public static final Key<Boolean> EPISODE_STATS_FROM_INFO =
      KEYS.flag(
          "episodeStatsFromInfo",
          false,
          "Report episodes from the env's own record, info[\"episode\"] (Gymnasium"
              + " RecordEpisodeStatistics' \"r\" and \"l\"), instead of summing the rewards the"
              + " agent sees: under life-loss termination and reward clipping that is the full"
              + " game's raw score, as papers, CleanRL and SB3 report it.");

  public boolean episodeStatsFromInfo() {
    return get(EPISODE_STATS_FROM_INFO);
  }

  public static final Key<Double> EVAL_EPSILON =
      KEYS.real(
              "evalEpsilon",
              0,
              "Random-action probability of bin/agent eval (Nature's Atari protocol: 0.05).")
          .check(v -> v >= 0 && v <= 1, "must be in [0, 1]");

  public double evalEpsilon() {
    return get(EVAL_EPSILON);
  }

  public static final Key<Map<String, Object>> EVAL_ENV_KWARGS =
      KEYS.kwargs(
          "evalEnvKwargs",
          "Make kwargs that eval lays over envKwargs, e.g. the Atari protocol's full games with raw"
              + " rewards: {\"episodic_life\": false, \"clip_reward\": false}.");

  public Map<String, Object> evalEnvKwargs() {
    return get(EVAL_ENV_KWARGS);
  }

  public static final Key<Long> EVAL_INTERVAL =
      KEYS.longInteger(
              "evalInterval",
              0,
              "Env steps between evaluations during training (0: none): evalEpisodes episodes on"
                  + " separate envs made with evalEnvKwargs, at evalEpsilon, logged to eval.csv;"
                  + " the best so far is kept as checkpoints/best.")
          .check(v -> v >= 0, "must be >= 0 (0: no evaluation)");

  public long evalInterval() {
    return get(EVAL_INTERVAL);
  }

  public static final Key<Integer> EVAL_EPISODES =
      KEYS.integer("evalEpisodes", 10, "Episodes per evaluation during training.")
          .check(v -> v > 0, "must be > 0");

  public int evalEpisodes() {
    return get(EVAL_EPISODES);
  }

  /** The rules between keys; each key's own rules are beside it above. */
  private void requireAcrossKeys() {
    if (bufferSize() < batchSize()) {
      throw new IllegalArgumentException(
          "bufferSize must be >= batchSize (" + batchSize() + "), got " + bufferSize());
    }
  }

  /**
   * Every key's value from {@code values}, else the key's default, validated: each key's rules,
   * then {@link #requireAcrossKeys}. {@link #builder()} is the typed way to make one.
   */
  public TrainConfig(Map<Key<?>, Object> values) {
    Map<Key<?>, Object> checked = new LinkedHashMap<>();
    keys().forEach(k -> checked.put(k, k.validate(values.getOrDefault(k, k.defaultValue()))));
    this.values = Collections.unmodifiableMap(checked);
    requireAcrossKeys();
  }

  /** Every key, in the order above (grouped by subject). */
  public static List<Key<?>> keys() {
    return KEYS.keys();
  }

  /** Every key at its default. */
  public static TrainConfig defaults() {
    return builder().build();
  }

  /** A builder holding the defaults. */
  public static Builder builder() {
    return new Builder(Map.of());
  }

  /** A builder holding this config's values, to change some of them. */
  public Builder toBuilder() {
    return new Builder(values);
  }

  /** This config with one value changed (validated). */
  public <T> TrainConfig with(Key<T> key, T value) {
    return toBuilder().set(key, value).build();
  }

  @SuppressWarnings("unchecked")
  public <T> T get(Key<T> key) {
    return (T) values.get(key);
  }

  /**
   * Values by key (a key not set keeps its default); {@link #build} validates them all, whichever
   * order they were set in.
   */
  public static final class Builder {
    private final Map<Key<?>, Object> values;

    private Builder(Map<Key<?>, Object> from) {
      values = new HashMap<>(from);
    }

    public <T> Builder set(Key<T> key, T value) {
      values.put(key, value);
      return this;
    }

    public TrainConfig build() {
      return new TrainConfig(values);
    }
  }

  /** The learner's part; "auto" is the CNN for {@code images} (uint8 obs), else the MLP. */
  public LearnerConfig learnerConfig(boolean images) {
    Network net = network() != Network.AUTO ? network() : images ? Network.NATURE_CNN : Network.MLP;
    return new LearnerConfig(
        hiddenSizes(),
        dueling(),
        doubleDqn(),
        huberLoss() ? TdLoss.HUBER : TdLoss.MSE,
        learningRate(),
        adamEps(),
        maxGradNorm(),
        targetUpdateInterval(),
        tau(),
        seed(),
        net,
        precision(),
        forkTarget());
  }
}
