package io.gymbridge.agent.train;

import io.gymbridge.agent.dqn.LearnerConfig;
import io.gymbridge.agent.dqn.Precision;
import io.gymbridge.agent.dqn.TdLoss;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every hyperparameter of a DQN run, in one immutable record (CleanRL's Args): written to
 * config.json at the start of every run, so a run directory says exactly what produced it. The JSON
 * keys are the field names.
 *
 * <p>Each field's meaning is its {@link Doc}, beside it here; its default is in {@link Builder};
 * {@link ConfigKeys} lists both for users ({@code bin/agent train --list-keys}, docs/agent.md).
 * {@link #defaults()} is {@code builder().build()} and the base layer under every preset ({@link
 * ConfigLoader}). Validation happens once, in the constructor, whatever built the config (JSON,
 * presets, {@code --set}, the builder): each message names the field and its bad value. The fields
 * the learner takes are checked by {@link LearnerConfig}'s constructor, the one set of rules for
 * both.
 */
public record TrainConfig(
    @Doc("The env to train on, e.g. \"CartPole-v1\".") String envId,
    @Doc(
            "Make kwargs for the env (gymnasium.make(envId, **envKwargs)), e.g. {\"preprocessing\": \"nature\"} for the DQN Atari pipeline on the server.")
        Map<String, Object> envKwargs,
    @Doc("Envs stepped as one batch (one forward pass picks all their actions).") int numEnvs,
    @Doc(
            "Env steps to train for (all envs together; the last batch may pass it by up to numEnvs - 1).")
        long totalSteps,
    @Doc("Seeds the envs (env i: seed + i), the network init, exploration and replay.") long seed,
    @Doc(
            "\"auto\" (the Nature CNN for uint8 image observations, else the MLP), \"mlp\" or \"nature-cnn\".")
        String network,
    @Doc("Hidden layer widths of the Q-network MLP (unused by the CNN); empty: a linear Q.")
        List<Integer> hiddenSizes,
    @Doc("Dueling head: Q = V + A - mean(A) (Wang et al. 2016).") boolean dueling,
    @Doc("Double DQN targets: the online net picks a', the target net values it.")
        boolean doubleDqn,
    @Doc("Huber (smooth L1, delta 1) loss; false: mean squared error.") boolean huberLoss,
    @Doc("Adam's step size.") double learningRate,
    @Doc("Adam's epsilon.") double adamEps,
    @Doc("Global gradient-norm clip; 0 turns it off.") double maxGradNorm,
    @Doc(
            "The learner's number type: \"fp32\", \"bf16\", \"fp16\" (mixed precision: weights, Adam, targets and loss stay fp32; checkpoints are fp32 in every mode) or \"auto\": bf16 for the Nature CNN on a CPU with AVX-512 BF16 or AMX or a CUDA GPU with bf16, fp32 elsewhere.")
        String precision,
    @Doc(
            "Compute each update's TD target on libtorch's inter-op thread, beside the online network's forward and backward pass (a second core's work; see docs/agent.md, \"Threads\").")
        boolean forkTarget,
    @Doc("Discount factor.") double gamma,
    @Doc("N-step returns (1: plain one-step DQN).") int nStep,
    @Doc("Replay capacity in transitions.") int bufferSize,
    @Doc("Proportional prioritized replay (Schaul et al. 2016); false: uniform.")
        boolean prioritized,
    @Doc("How much priorities count (0: uniform).") double priorityAlpha,
    @Doc("Importance-sampling exponent at the start, annealed linearly to 1.")
        double priorityBetaStart,
    @Doc("Transitions per gradient step.") int batchSize,
    @Doc("Env steps of pure exploration before the first update.") long learningStarts,
    @Doc("Env steps between rounds of updates.") int trainFrequency,
    @Doc("Gradient steps per round.") int gradientSteps,
    @Doc("Gradient steps between target updates.") int targetUpdateInterval,
    @Doc("Target update weight: 1 copies (hard update), below 1 blends (soft, Polyak).") double tau,
    @Doc("Exploration rate at the start.") double epsilonStart,
    @Doc("Exploration rate at the end.") double epsilonEnd,
    @Doc("Linear schedule: fraction of totalSteps to go from start to end.") double epsilonFraction,
    @Doc("If > 0, exponential schedule: end + (start - end) * exp(-step / decay); 0: linear.")
        double epsilonDecay,
    @Doc("Env steps between checkpoints (0: only at the end).") long checkpointInterval,
    @Doc(
            "Whether checkpoints hold the replay buffer (resume then continues exactly); false keeps an Atari checkpoint at the network's size instead of the buffer's ~7 GB, and a resumed run refills its buffer for learningStarts steps before it learns again.")
        boolean saveReplay,
    @Doc(
            "Report episodes from the env's own record, info[\"episode\"] (Gymnasium RecordEpisodeStatistics' \"r\" and \"l\"), instead of summing the rewards the agent sees: under life-loss termination and reward clipping that is the full game's raw score, as papers, CleanRL and SB3 report it.")
        boolean episodeStatsFromInfo,
    @Doc("Random-action probability of bin/agent eval (Nature's Atari protocol: 0.05).")
        double evalEpsilon,
    @Doc(
            "Make kwargs that eval lays over envKwargs, e.g. the Atari protocol's full games with raw rewards: {\"episodic_life\": false, \"clip_reward\": false}.")
        Map<String, Object> evalEnvKwargs,
    @Doc(
            "Env steps between evaluations during training (0: none): evalEpisodes episodes on separate envs made with evalEnvKwargs, at evalEpsilon, logged to eval.csv; the best so far is kept as checkpoints/best.")
        long evalInterval,
    @Doc("Episodes per evaluation during training.") int evalEpisodes) {

  /** The values {@code network} takes. */
  public static final List<String> NETWORKS = List.of("auto", "mlp", "nature-cnn");

  public TrainConfig {
    require(envId != null && !envId.isBlank(), "envId must be set, got '" + envId + "'");
    envKwargs = sortedCopy(envKwargs);
    evalEnvKwargs = sortedCopy(evalEnvKwargs);
    require(numEnvs > 0, "numEnvs must be > 0, got " + numEnvs);
    require(totalSteps > 0, "totalSteps must be > 0, got " + totalSteps);
    require(NETWORKS.contains(network), "network must be one of " + NETWORKS + ", got " + network);
    // hiddenSizes, learningRate, adamEps, maxGradNorm, precision, targetUpdateInterval, tau: the
    // learner's rules and messages (the network does not matter to them).
    learnerConfig(
        hiddenSizes,
        dueling,
        doubleDqn,
        huberLoss,
        learningRate,
        adamEps,
        maxGradNorm,
        precision,
        forkTarget,
        targetUpdateInterval,
        tau,
        seed,
        LearnerConfig.Network.MLP);
    hiddenSizes = List.copyOf(hiddenSizes);
    require(gamma >= 0 && gamma <= 1, "gamma must be in [0, 1], got " + gamma);
    require(nStep >= 1, "nStep must be >= 1, got " + nStep);
    require(batchSize > 0, "batchSize must be > 0, got " + batchSize);
    require(
        bufferSize >= batchSize,
        "bufferSize must be >= batchSize (" + batchSize + "), got " + bufferSize);
    require(
        priorityAlpha >= 0 && Double.isFinite(priorityAlpha),
        "priorityAlpha must be >= 0, got " + priorityAlpha);
    require(
        priorityBetaStart >= 0 && priorityBetaStart <= 1,
        "priorityBetaStart must be in [0, 1], got " + priorityBetaStart);
    require(learningStarts >= 0, "learningStarts must be >= 0, got " + learningStarts);
    require(trainFrequency > 0, "trainFrequency must be > 0, got " + trainFrequency);
    require(gradientSteps > 0, "gradientSteps must be > 0, got " + gradientSteps);
    require(
        epsilonStart >= 0 && epsilonStart <= 1,
        "epsilonStart must be in [0, 1], got " + epsilonStart);
    require(epsilonEnd >= 0 && epsilonEnd <= 1, "epsilonEnd must be in [0, 1], got " + epsilonEnd);
    require(
        epsilonFraction >= 0 && epsilonFraction <= 1,
        "epsilonFraction must be in [0, 1], got " + epsilonFraction);
    require(
        epsilonDecay >= 0 && Double.isFinite(epsilonDecay),
        "epsilonDecay must be >= 0 (0: the linear schedule), got " + epsilonDecay);
    require(
        checkpointInterval >= 0,
        "checkpointInterval must be >= 0 (0: only at the end), got " + checkpointInterval);
    require(
        evalEpsilon >= 0 && evalEpsilon <= 1, "evalEpsilon must be in [0, 1], got " + evalEpsilon);
    require(evalInterval >= 0, "evalInterval must be >= 0 (0: no evaluation), got " + evalInterval);
    require(evalEpisodes > 0, "evalEpisodes must be > 0, got " + evalEpisodes);
  }

  /** The defaults, as {@link Builder} lists them. */
  public static TrainConfig defaults() {
    return builder().build();
  }

  /** A builder holding the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this config's fields, to change some of them. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** The learner's part of this config, for float32 vector observations. */
  public LearnerConfig learnerConfig() {
    return learnerConfig(false);
  }

  /**
   * The learner's part of this config; {@code images}: the observations are uint8 images, which
   * "auto" gives the Nature CNN.
   */
  public LearnerConfig learnerConfig(boolean images) {
    LearnerConfig.Network net =
        switch (network) {
          case "mlp" -> LearnerConfig.Network.MLP;
          case "nature-cnn" -> LearnerConfig.Network.NATURE_CNN;
          default -> images ? LearnerConfig.Network.NATURE_CNN : LearnerConfig.Network.MLP;
        };
    return learnerConfig(
        hiddenSizes,
        dueling,
        doubleDqn,
        huberLoss,
        learningRate,
        adamEps,
        maxGradNorm,
        precision,
        forkTarget,
        targetUpdateInterval,
        tau,
        seed,
        net);
  }

  /**
   * The one mapping from these fields to the learner's config: the compact constructor validates
   * through it (before the fields are assigned, hence static) and {@link #learnerConfig(boolean)}
   * builds with it.
   */
  private static LearnerConfig learnerConfig(
      List<Integer> hiddenSizes,
      boolean dueling,
      boolean doubleDqn,
      boolean huberLoss,
      double learningRate,
      double adamEps,
      double maxGradNorm,
      String precision,
      boolean forkTarget,
      int targetUpdateInterval,
      double tau,
      long seed,
      LearnerConfig.Network network) {
    return LearnerConfig.builder()
        .hiddenSizes(hiddenSizes)
        .dueling(dueling)
        .doubleDqn(doubleDqn)
        .loss(huberLoss ? TdLoss.HUBER : TdLoss.MSE)
        .learningRate(learningRate)
        .adamEps(adamEps)
        .maxGradNorm(maxGradNorm)
        .precision(Precision.parse(precision))
        .forkTarget(forkTarget)
        .targetUpdateInterval(targetUpdateInterval)
        .tau(tau)
        .seed(seed)
        .network(network)
        .build();
  }

  /**
   * Every field with its default (its meaning is the record component's {@link Doc}); the JSON key
   * of each is its name. The defaults are tuned for time to solve CartPole-v1 on a 2-core CPU
   * ({@code bin/agent bench}): a plain MLP head (Dueling cost ~40% more per update and solved no
   * sooner), Double DQN targets (with the fused Adam update, seeds 1-20 and held-out 31-50: 37/40
   * solved within 150k steps against 30/40 without; ~10% more time per env step), 5-step returns,
   * 16 envs, one update per 16 env steps, epsilon to 0.01 over the first 10k steps. The presets
   * (agent/src/main/resources/presets) lay their sources' values over these.
   *
   * <p>Setters change fields by name; {@link #build} validates them all (the constructor does).
   */
  public static final class Builder {
    private String envId = "CartPole-v1";

    private Map<String, Object> envKwargs = Map.of();

    private int numEnvs = 16;

    private long totalSteps = 150_000;

    private long seed = 1;

    private String network = "auto";

    private List<Integer> hiddenSizes = List.of(128, 128);

    private boolean dueling = false;

    private boolean doubleDqn = true;

    private boolean huberLoss = true;

    private double learningRate = 1e-3;

    private double adamEps = 1e-8;

    private double maxGradNorm = 10;

    private String precision = "auto";

    private boolean forkTarget = false;

    private double gamma = 0.99;

    private int nStep = 5;

    private int bufferSize = 50_000;

    private boolean prioritized = false;

    private double priorityAlpha = 0.6;

    private double priorityBetaStart = 0.4;

    private int batchSize = 128;

    private long learningStarts = 1000;

    private int trainFrequency = 16;

    private int gradientSteps = 1;

    private int targetUpdateInterval = 50;

    private double tau = 1;

    private double epsilonStart = 1;

    private double epsilonEnd = 0.01;

    private double epsilonFraction = 0.0666667;

    private double epsilonDecay = 0;

    private long checkpointInterval = 0;

    private boolean saveReplay = true;

    private boolean episodeStatsFromInfo = false;

    private double evalEpsilon = 0;

    private Map<String, Object> evalEnvKwargs = Map.of();

    private long evalInterval = 0;

    private int evalEpisodes = 10;

    private Builder() {}

    private Builder(TrainConfig c) {
      envId = c.envId;
      envKwargs = c.envKwargs;
      numEnvs = c.numEnvs;
      totalSteps = c.totalSteps;
      seed = c.seed;
      network = c.network;
      hiddenSizes = c.hiddenSizes;
      dueling = c.dueling;
      doubleDqn = c.doubleDqn;
      huberLoss = c.huberLoss;
      learningRate = c.learningRate;
      adamEps = c.adamEps;
      maxGradNorm = c.maxGradNorm;
      precision = c.precision;
      forkTarget = c.forkTarget;
      gamma = c.gamma;
      nStep = c.nStep;
      bufferSize = c.bufferSize;
      prioritized = c.prioritized;
      priorityAlpha = c.priorityAlpha;
      priorityBetaStart = c.priorityBetaStart;
      batchSize = c.batchSize;
      learningStarts = c.learningStarts;
      trainFrequency = c.trainFrequency;
      gradientSteps = c.gradientSteps;
      targetUpdateInterval = c.targetUpdateInterval;
      tau = c.tau;
      epsilonStart = c.epsilonStart;
      epsilonEnd = c.epsilonEnd;
      epsilonFraction = c.epsilonFraction;
      epsilonDecay = c.epsilonDecay;
      checkpointInterval = c.checkpointInterval;
      saveReplay = c.saveReplay;
      episodeStatsFromInfo = c.episodeStatsFromInfo;
      evalEpsilon = c.evalEpsilon;
      evalEnvKwargs = c.evalEnvKwargs;
      evalInterval = c.evalInterval;
      evalEpisodes = c.evalEpisodes;
    }

    public Builder envId(String value) {
      envId = value;
      return this;
    }

    public Builder envKwargs(Map<String, Object> value) {
      envKwargs = value;
      return this;
    }

    public Builder numEnvs(int value) {
      numEnvs = value;
      return this;
    }

    public Builder totalSteps(long value) {
      totalSteps = value;
      return this;
    }

    public Builder seed(long value) {
      seed = value;
      return this;
    }

    public Builder network(String value) {
      network = value;
      return this;
    }

    public Builder hiddenSizes(List<Integer> value) {
      hiddenSizes = value;
      return this;
    }

    public Builder dueling(boolean value) {
      dueling = value;
      return this;
    }

    public Builder doubleDqn(boolean value) {
      doubleDqn = value;
      return this;
    }

    public Builder huberLoss(boolean value) {
      huberLoss = value;
      return this;
    }

    public Builder learningRate(double value) {
      learningRate = value;
      return this;
    }

    public Builder adamEps(double value) {
      adamEps = value;
      return this;
    }

    public Builder maxGradNorm(double value) {
      maxGradNorm = value;
      return this;
    }

    public Builder precision(String value) {
      precision = value;
      return this;
    }

    public Builder forkTarget(boolean value) {
      forkTarget = value;
      return this;
    }

    public Builder gamma(double value) {
      gamma = value;
      return this;
    }

    public Builder nStep(int value) {
      nStep = value;
      return this;
    }

    public Builder bufferSize(int value) {
      bufferSize = value;
      return this;
    }

    public Builder prioritized(boolean value) {
      prioritized = value;
      return this;
    }

    public Builder priorityAlpha(double value) {
      priorityAlpha = value;
      return this;
    }

    public Builder priorityBetaStart(double value) {
      priorityBetaStart = value;
      return this;
    }

    public Builder batchSize(int value) {
      batchSize = value;
      return this;
    }

    public Builder learningStarts(long value) {
      learningStarts = value;
      return this;
    }

    public Builder trainFrequency(int value) {
      trainFrequency = value;
      return this;
    }

    public Builder gradientSteps(int value) {
      gradientSteps = value;
      return this;
    }

    public Builder targetUpdateInterval(int value) {
      targetUpdateInterval = value;
      return this;
    }

    public Builder tau(double value) {
      tau = value;
      return this;
    }

    public Builder epsilonStart(double value) {
      epsilonStart = value;
      return this;
    }

    public Builder epsilonEnd(double value) {
      epsilonEnd = value;
      return this;
    }

    public Builder epsilonFraction(double value) {
      epsilonFraction = value;
      return this;
    }

    public Builder epsilonDecay(double value) {
      epsilonDecay = value;
      return this;
    }

    public Builder checkpointInterval(long value) {
      checkpointInterval = value;
      return this;
    }

    public Builder saveReplay(boolean value) {
      saveReplay = value;
      return this;
    }

    public Builder episodeStatsFromInfo(boolean value) {
      episodeStatsFromInfo = value;
      return this;
    }

    public Builder evalEpsilon(double value) {
      evalEpsilon = value;
      return this;
    }

    public Builder evalEnvKwargs(Map<String, Object> value) {
      evalEnvKwargs = value;
      return this;
    }

    public Builder evalInterval(long value) {
      evalInterval = value;
      return this;
    }

    public Builder evalEpisodes(int value) {
      evalEpisodes = value;
      return this;
    }

    public TrainConfig build() {
      return new TrainConfig(
          envId,
          envKwargs,
          numEnvs,
          totalSteps,
          seed,
          network,
          hiddenSizes,
          dueling,
          doubleDqn,
          huberLoss,
          learningRate,
          adamEps,
          maxGradNorm,
          precision,
          forkTarget,
          gamma,
          nStep,
          bufferSize,
          prioritized,
          priorityAlpha,
          priorityBetaStart,
          batchSize,
          learningStarts,
          trainFrequency,
          gradientSteps,
          targetUpdateInterval,
          tau,
          epsilonStart,
          epsilonEnd,
          epsilonFraction,
          epsilonDecay,
          checkpointInterval,
          saveReplay,
          episodeStatsFromInfo,
          evalEpsilon,
          evalEnvKwargs,
          evalInterval,
          evalEpisodes);
    }
  }

  private static Map<String, Object> sortedCopy(Map<String, Object> kwargs) {
    return kwargs == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(kwargs));
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
