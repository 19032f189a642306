package io.gymbridge.agent.train;

import io.gymbridge.agent.client.BatchedEnv;
import io.gymbridge.agent.client.StepBatch;
import io.gymbridge.agent.dqn.DqnLearner;
import io.gymbridge.agent.dqn.TrainResult;
import io.gymbridge.agent.replay.Batch;
import io.gymbridge.agent.replay.NStepAccumulator;
import io.gymbridge.agent.replay.PrioritizedReplay;
import io.gymbridge.agent.replay.Replay;
import io.gymbridge.agent.replay.SplitMix64;
import java.io.IOException;

/**
 * The DQN loop, CleanRL-style: act (one forward pass for every env, epsilon-greedy), step the envs,
 * store n-step transitions, and every {@code trainFrequency} env steps run {@code gradientSteps}
 * updates on replay samples. The updates run while the next step is on its way to the servers
 * ({@link BatchedEnv#sendStep}), so env latency hides behind learning. Preprocessing lives in the
 * envs, replay in its package, the learning rule in {@link DqnLearner}: this class only
 * orchestrates and records.
 */
public final class Trainer {
  private final TrainConfig config;
  private final BatchedEnv env;
  private final DqnLearner learner;
  private final Replay replay;
  private final RunDirectory run;
  private final Double rewardThreshold;
  private final EpsilonSchedule epsilon;
  private final NStepAccumulator[] nSteps;
  private SplitMix64 random;
  private final EpisodeLog episodes = new EpisodeLog();
  private final int obsSize;
  private final int numEnvs;

  // Counters, saved in checkpoints.
  private long globalStep;
  private long updates;
  private long envResets;
  private double lastLoss = Double.NaN;
  private double lastQ = Double.NaN;
  private double wallSecondsBefore; // wall time of earlier runs of this training (resume)

  public Trainer(
      TrainConfig config,
      BatchedEnv env,
      DqnLearner learner,
      Replay replay,
      RunDirectory run,
      Double rewardThreshold) {
    this.config = config;
    this.env = env;
    this.learner = learner;
    this.replay = replay;
    this.run = run;
    this.rewardThreshold = rewardThreshold;
    this.epsilon =
        config.epsilonDecay() > 0
            ? new EpsilonSchedule.Exponential(
                config.epsilonStart(), config.epsilonEnd(), config.epsilonDecay())
            : EpsilonSchedule.linear(
                config.epsilonStart(),
                config.epsilonEnd(),
                config.epsilonFraction(),
                config.totalSteps());
    this.obsSize = env.observationSize();
    this.numEnvs = env.numEnvs();
    this.nSteps = new NStepAccumulator[numEnvs];
    for (int i = 0; i < numEnvs; i++) {
      nSteps[i] = new NStepAccumulator(config.nStep(), config.gamma(), replay::add);
    }
    this.random = new SplitMix64(config.seed() ^ 0x5DEECE66DL);
  }

  /** What a finished (or stopped) training reached. */
  public record Summary(
      long steps,
      long episodes,
      double meanReturn100,
      long solvedAtStep,
      double solvedAtSeconds,
      double wallSeconds) {}

  /** Trains until totalSteps; checkpoints, metrics and the curve go to the run directory. */
  public Summary run(Progress progress) throws IOException {
    long startNanos = System.nanoTime();
    double[] episodeReturn = new double[numEnvs];
    int[] episodeLength = new int[numEnvs];
    boolean[] endedLastStep = new boolean[numEnvs];
    float[] s = new float[obsSize];
    float[] s2 = new float[obsSize];
    float[] obs = env.reset(config.seed() + envResets * numEnvs).obs();
    envResets++;
    long nextCheckpoint =
        config.checkpointInterval() > 0 ? globalStep + config.checkpointInterval() : Long.MAX_VALUE;
    long stepsSinceTrain = 0;
    double eps = epsilon.value(globalStep);
    int[] actions = null;
    if (globalStep < config.totalSteps()) {
      actions = selectActions(obs, eps);
      env.sendStep(actions);
    }
    try (MetricsCsv metrics = new MetricsCsv(run.metricsCsv())) {
      while (globalStep < config.totalSteps()) {
        StepBatch next = env.awaitStep();
        double wall = wallSecondsBefore + (System.nanoTime() - startNanos) / 1e9;
        for (int i = 0; i < numEnvs; i++) {
          if (next.restarted()[i]) {
            // A reconnect restarted this env: the partial episode and its pending n-step
            // transitions belong to a session that no longer exists.
            nSteps[i].clear();
            episodeReturn[i] = 0;
            episodeLength[i] = 0;
            endedLastStep[i] = false;
            continue;
          }
          if (endedLastStep[i]) {
            // NEXT_STEP autoreset: this step only reset env i; no transition to learn from.
            endedLastStep[i] = false;
            continue;
          }
          float reward = (float) next.rewards()[i];
          boolean terminated = next.terminated()[i];
          boolean truncated = next.truncated()[i];
          // The accumulator copies what it keeps, so these slices may be reused.
          System.arraycopy(obs, i * obsSize, s, 0, obsSize);
          System.arraycopy(next.obs(), i * obsSize, s2, 0, obsSize);
          nSteps[i].push(s, actions[i], reward, s2, terminated, truncated);
          episodeReturn[i] += next.rewards()[i];
          episodeLength[i]++;
          if (terminated || truncated) {
            long stepAtEnd = globalStep + numEnvs;
            episodes.add(stepAtEnd, episodeReturn[i], wall, rewardThreshold);
            metrics.episode(
                stepAtEnd,
                episodes.episodes(),
                episodeReturn[i],
                episodeLength[i],
                eps,
                lastLoss,
                lastQ,
                progress.stepsPerSecond(),
                wall);
            episodeReturn[i] = 0;
            episodeLength[i] = 0;
            endedLastStep[i] = true;
          }
        }
        obs = next.obs();
        globalStep += numEnvs;
        stepsSinceTrain += numEnvs;
        if (globalStep < config.totalSteps()) {
          // Act before learning: the envs step on their servers while the updates below run.
          // The policy acting is the one before those updates, a lag of one batch of steps.
          eps = epsilon.value(globalStep);
          actions = selectActions(obs, eps);
          env.sendStep(actions);
        }

        if (globalStep >= config.learningStarts() && replay.size() >= config.batchSize()) {
          while (stepsSinceTrain >= config.trainFrequency()) {
            stepsSinceTrain -= config.trainFrequency();
            for (int g = 0; g < config.gradientSteps(); g++) {
              update();
            }
          }
        } else {
          stepsSinceTrain = Math.min(stepsSinceTrain, config.trainFrequency());
        }

        progress.update(globalStep, config.totalSteps(), episodes, eps, lastLoss);
        if (progress.curveDue()) {
          writeCurve();
        }
        if (globalStep >= nextCheckpoint) {
          saveCheckpoint(wall);
          nextCheckpoint += config.checkpointInterval();
        }
      }
    }
    double wall = wallSecondsBefore + (System.nanoTime() - startNanos) / 1e9;
    saveCheckpoint(wall);
    writeCurve();
    progress.finish(globalStep, episodes);
    return new Summary(
        globalStep,
        episodes.episodes(),
        episodes.meanReturn(),
        episodes.solvedAtStep(),
        episodes.solvedAtSeconds(),
        wall);
  }

  private int[] selectActions(float[] obs, double eps) {
    int[] greedy = learner.greedyActions(obs, numEnvs);
    for (int i = 0; i < numEnvs; i++) {
      if (random.nextDouble() < eps) {
        greedy[i] = random.nextInt(env.numActions());
      }
    }
    return greedy;
  }

  private void update() {
    if (replay instanceof PrioritizedReplay per) {
      double progress = Math.min(1.0, (double) globalStep / config.totalSteps());
      per.setBeta(config.priorityBetaStart() + progress * (1.0 - config.priorityBetaStart()));
    }
    Batch batch = replay.sample(config.batchSize());
    TrainResult result = learner.train(batch);
    replay.updatePriorities(batch.indices(), result.tdErrors());
    lastLoss = result.loss();
    lastQ = result.meanQ();
    updates++;
  }

  private void writeCurve() throws IOException {
    LearningCurve.write(
        run.learningCurvePng(),
        config.envId() + " DQN, seed " + config.seed(),
        episodes.points(),
        config.totalSteps(),
        rewardThreshold);
  }

  private void saveCheckpoint(double wallSeconds) throws IOException {
    Checkpoints.save(
        run,
        globalStep,
        learner,
        replay,
        new TrainerState(
            globalStep,
            updates,
            envResets,
            random.state(),
            lastLoss,
            lastQ,
            wallSeconds,
            episodes.solvedAtStep(),
            episodes.solvedAtSeconds()));
  }

  /** Restores counters and exploration from a checkpoint (learner and replay load themselves). */
  public void restore(TrainerState state, Iterable<LearningCurve.Point> history) {
    globalStep = state.globalStep();
    updates = state.updates();
    envResets = state.envResets();
    random = SplitMix64.fromState(state.explorationState());
    lastLoss = state.lastLoss();
    lastQ = state.lastQ();
    wallSecondsBefore = state.wallSeconds();
    for (LearningCurve.Point p : history) {
      episodes.add(p.step(), p.episodeReturn(), 0, null);
    }
    episodes.restoreSolved(state.solvedAtStep(), state.solvedAtSeconds());
  }

  long globalStep() {
    return globalStep;
  }

  long updates() {
    return updates;
  }
}
