package io.gymbridge.agent.train;

import io.gymbridge.agent.dqn.DqnLearner;
import io.gymbridge.agent.dqn.TrainResult;
import io.gymbridge.agent.replay.Batch;
import io.gymbridge.agent.replay.Replay;
import io.gymbridge.agent.replay.SplitMix64;
import io.gymbridge.agent.replay.StepSink;
import io.gymbridge.client.BatchedEnv;
import io.gymbridge.client.ObsType;
import io.gymbridge.client.StepBatch;
import java.io.IOException;
import java.util.function.BooleanSupplier;

/**
 * The DQN loop, CleanRL-style: act (one forward pass for every env, epsilon-greedy), step the envs,
 * store the experience ({@link StepSink}: n-step transitions of vectors, or frames once), and every
 * {@code trainFrequency} env steps run {@code gradientSteps} updates on replay samples. The updates
 * run while the next step is on its way to the servers ({@link BatchedEnv#sendStep}), so env
 * latency hides behind learning. Preprocessing lives in the envs, replay in its package, the
 * learning rule in {@link DqnLearner}: this class only orchestrates and records.
 */
public final class Trainer {
  private final TrainConfig config;
  private final BatchedEnv env;
  private final DqnLearner learner;
  private final Replay replay;
  private final RunDirectory run;
  private final Double rewardThreshold;
  private final EpsilonSchedule epsilon;
  private final StepSink experience;
  private SplitMix64 random;
  private final EpisodeLog episodes = new EpisodeLog();
  private TensorBoardLog board; // events.out.tfevents.*, open during run()
  private final int numEnvs;

  // Counters, saved in checkpoints.
  private long globalStep;
  private long updates;
  private long envResets;
  private double lastLoss = Double.NaN;
  private double lastQ = Double.NaN;
  private double wallSecondsBefore; // wall time of earlier runs of this training (resume)
  private long learnFromStep; // learningStarts, or later after a resume without a saved replay

  // The loop's state during run(), set up by startEnvs().
  private long startNanos;
  private EpisodeTracker episodeTracker;
  private StepBatch current; // the observations the actions in flight were chosen from
  private int[] actions; // the actions in flight: sent, their step not yet awaited
  private double eps; // the exploration rate they were chosen with
  private long stepsSinceTrain; // env steps not yet paid for with updates
  private long nextCheckpoint;
  private long nextEval;

  // Evaluation during training (evalInterval): none unless a command sets one.
  private PolicyEvaluation evaluation;
  private BooleanSupplier stopRequested = () -> false;
  private double bestEval = Double.NEGATIVE_INFINITY;

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
    this.numEnvs = env.numEnvs();
    this.experience = replay.sink(numEnvs, config.nStep(), config.gamma());
    this.learnFromStep = config.learningStarts();
    this.random = new SplitMix64(config.seed() ^ 0x5DEECE66DL);
  }

  /**
   * Evaluates the policy with {@code evaluation} every evalInterval env steps (when the config sets
   * one), logging to eval.csv and keeping the best as checkpoints/best.
   */
  public void evaluateWith(PolicyEvaluation evaluation) {
    this.evaluation = evaluation;
  }

  /**
   * Stops the training early once {@code stop} says so (asked after each batch of env steps): the
   * run then ends as a finished one does, with a checkpoint and the curve, at the step reached.
   */
  public void stopWhen(BooleanSupplier stop) {
    this.stopRequested = stop;
  }

  /** What a finished (or stopped) training reached; {@code stopped}: before totalSteps. */
  public record Summary(
      boolean stopped,
      long steps,
      long episodes,
      double meanReturn100,
      long solvedAtStep,
      double solvedAtSeconds,
      double wallSeconds) {}

  /**
   * Trains until totalSteps; checkpoints, metrics and the curve go to the run directory. Each turn
   * of the loop receives one batch of env steps, stores it, sends the next actions, and learns
   * while that step is on its way.
   */
  public Summary run(Progress progress) throws IOException {
    bestEval = Checkpoints.bestScore(run).orElse(Double.NEGATIVE_INFINITY);
    startEnvs();
    actIfStepsLeft();
    try (MetricsCsv metrics = new MetricsCsv(run.metricsCsv());
        TensorBoardLog board = TensorBoardLog.open(run.root(), globalStep, numEnvs)) {
      this.board = board;
      while (globalStep < config.totalSteps()) {
        StepBatch next = env.awaitStep();
        double wall = wallSeconds();
        for (int i = 0; i < numEnvs; i++) {
          storeStep(i, next, metrics, progress, wall);
        }
        current = next;
        globalStep += numEnvs;
        stepsSinceTrain += numEnvs;
        if (stopRequested.getAsBoolean()) {
          break; // before acting: no step is left in flight on the envs
        }
        // Act before learning: the envs step on their servers while the updates below run.
        // The policy acting is the one before those updates, a lag of one batch of steps.
        actIfStepsLeft();
        learn();
        report(progress, wall);
      }
    }
    return finish(progress);
  }

  /** Resets the envs (a fresh seed each time) and starts the loop's state. */
  private void startEnvs() {
    startNanos = System.nanoTime();
    episodeTracker = new EpisodeTracker(numEnvs);
    current = env.reset(config.seed() + envResets * numEnvs);
    envResets++;
    for (int i = 0; i < numEnvs; i++) {
      experience.episodeStart(i, current);
    }
    stepsSinceTrain = 0;
    nextCheckpoint =
        config.checkpointInterval() > 0 ? globalStep + config.checkpointInterval() : Long.MAX_VALUE;
    // On the grid of evalInterval, also after a resume, so evaluations of one run line up.
    long every = config.evalInterval();
    nextEval = every > 0 && evaluation != null ? (globalStep / every + 1) * every : Long.MAX_VALUE;
  }

  /** Chooses the actions for {@code current} and sends them, unless the training is done. */
  private void actIfStepsLeft() {
    if (globalStep < config.totalSteps()) {
      eps = epsilon.value(globalStep);
      actions = selectActions(current, eps);
      env.sendStep(actions);
    }
  }

  /** Stores env {@code i}'s step in {@code next} and logs the episode it ended, if any. */
  private void storeStep(
      int i, StepBatch next, MetricsCsv metrics, Progress progress, double wall) {
    EpisodeTracker.Step step = episodeTracker.observe(next, i);
    if (step == EpisodeTracker.Step.EPISODE_START) {
      // A reconnect restarted env i (its partial episode belongs to a session that no longer
      // exists), or NEXT_STEP autoreset only reset it: a new episode, no transition.
      experience.episodeStart(i, next);
      return;
    }
    boolean terminated = next.terminated()[i];
    boolean truncated = next.truncated()[i];
    experience.step(i, actions[i], (float) next.rewards()[i], current, next, terminated, truncated);
    long stepAtEnd = globalStep + numEnvs;
    if (config.episodeStatsFromInfo()) {
      // The env's own record of the whole game (RecordEpisodeStatistics beneath the life-loss
      // and clipping wrappers), on the step where the game ended.
      double infoReturn = next.episodeReturns()[i];
      if (!Double.isNaN(infoReturn)) {
        logEpisode(metrics, progress, stepAtEnd, infoReturn, next.episodeLengths()[i], wall);
      }
    } else if (step == EpisodeTracker.Step.EPISODE_END) {
      double ret = episodeTracker.episodeReturn(i);
      logEpisode(metrics, progress, stepAtEnd, ret, episodeTracker.episodeLength(i), wall);
    }
  }

  /**
   * Once learning has started, runs {@code gradientSteps} updates per {@code trainFrequency} env
   * steps taken since the last round; before that, carries over at most one round's worth.
   */
  private void learn() {
    if (globalStep >= learnFromStep && replay.size() >= config.batchSize()) {
      while (stepsSinceTrain >= config.trainFrequency()) {
        stepsSinceTrain -= config.trainFrequency();
        for (int g = 0; g < config.gradientSteps(); g++) {
          update();
        }
      }
    } else {
      stepsSinceTrain = Math.min(stepsSinceTrain, config.trainFrequency());
    }
  }

  /** The progress line, the learning curve when due, and a checkpoint when due. */
  private void report(Progress progress, double wall) throws IOException {
    progress.update(globalStep, config.totalSteps(), episodes, eps, lastLoss);
    board.trainingStats(globalStep, updates, eps, lastLoss, lastQ, progress.stepsPerSecond());
    if (progress.curveDue()) {
      writeCurve();
    }
    if (globalStep >= nextCheckpoint) {
      saveCheckpoint(wall, config.saveReplay());
      nextCheckpoint += config.checkpointInterval();
    }
    if (globalStep >= nextEval) {
      evaluate(progress, wall);
      nextEval += config.evalInterval();
    }
  }

  /**
   * One evaluation during training: its score goes to eval.csv and the progress output, and a new
   * best replaces checkpoints/best. The training envs wait meanwhile (a step is in flight on them);
   * the time counts in the run's wall time.
   */
  private void evaluate(Progress progress, double wall) throws IOException {
    long start = System.nanoTime();
    PolicyEvaluation.Score score = evaluation.evaluate();
    double seconds = (System.nanoTime() - start) / 1e9;
    boolean best = score.meanReturn() > bestEval;
    if (best) {
      bestEval = score.meanReturn();
      Checkpoints.saveBest(run, globalStep, learner, score);
    }
    EvalCsv.append(run.evalCsv(), globalStep, score, seconds, wall + seconds);
    board.scalar("eval/episodic_return", globalStep, score.meanReturn());
    board.scalar("eval/episodic_length", globalStep, score.meanLength());
    progress.evaluation(globalStep, score, seconds, best);
  }

  /** The final checkpoint and curve, and what the training reached. */
  private Summary finish(Progress progress) throws IOException {
    double wall = wallSeconds();
    boolean stopped = globalStep < config.totalSteps();
    boolean withReplay = config.saveReplay() || (stopped && config.replayOnStop());
    saveCheckpoint(wall, withReplay);
    writeCurve();
    if (stopped) {
      progress.stopped(globalStep, config.totalSteps(), withReplay, episodes);
    } else {
      progress.finish(globalStep, episodes);
    }
    return new Summary(
        stopped,
        globalStep,
        episodes.episodes(),
        episodes.meanReturn(),
        episodes.solvedAtStep(),
        episodes.solvedAtSeconds(),
        wall);
  }

  /** Training wall time, earlier runs of it included. */
  private double wallSeconds() {
    return wallSecondsBefore + (System.nanoTime() - startNanos) / 1e9;
  }

  private void logEpisode(
      MetricsCsv metrics, Progress progress, long step, double ret, long length, double wall) {
    episodes.add(step, ret, wall, rewardThreshold);
    metrics.episode(
        step,
        episodes.episodes(),
        ret,
        length,
        eps,
        lastLoss,
        lastQ,
        progress.stepsPerSecond(),
        wall);
    board.episode(step, ret, length);
  }

  private int[] selectActions(StepBatch obs, double rate) {
    int[] greedy =
        env.observationType() == ObsType.UINT8
            ? learner.greedyActions(obs.obsBytes(), numEnvs)
            : learner.greedyActions(obs.obs(), numEnvs);
    for (int i = 0; i < numEnvs; i++) {
      if (random.nextDouble() < rate) {
        greedy[i] = random.nextInt(env.numActions());
      }
    }
    return greedy;
  }

  private void update() {
    if (config.prioritized()) {
      double progress = Math.min(1.0, (double) globalStep / config.totalSteps());
      replay.setBeta(config.priorityBetaStart() + progress * (1.0 - config.priorityBetaStart()));
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
        EvalCsv.read(run.evalCsv()),
        config.totalSteps(),
        rewardThreshold);
  }

  private void saveCheckpoint(double wallSeconds, boolean withReplay) throws IOException {
    Checkpoints.save(
        run,
        globalStep,
        learner,
        withReplay ? replay : null,
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
    if (replay.size() == 0) {
      // The checkpoint held no replay (saveReplay false, not a stop): refill it first.
      learnFromStep = Math.max(config.learningStarts(), globalStep + config.learningStarts());
    }
  }

  /** Env steps taken so far (0 until the first batch of steps came back). */
  public long globalStep() {
    return globalStep;
  }

  long updates() {
    return updates;
  }
}
