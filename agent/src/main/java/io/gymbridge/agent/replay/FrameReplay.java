package io.gymbridge.agent.replay;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Replay for frame-stacked pixel observations that stores each frame once (Dopamine's circular
 * buffer, Tianshou's save_only_last_obs): ~7 GB for a million Atari transitions instead of ~56 GB
 * for stacked obs and next_obs per transition. Stacks and n-step returns are rebuilt from indices
 * at sample time.
 *
 * <p><b>What it stores.</b> An observation is a stack of {@code stack} frames of {@code frameBytes}
 * uint8 each, oldest first, as Gymnasium's FrameStackObservation sends it. Each env has its own
 * ring of {@code capacity / numEnvs} frame slots, addressed by an ever-growing position. An episode
 * starts by writing its whole first stack ({@code stack} frames: whatever padding the server used,
 * "reset" copies or zeros, is stored as sent), and every step appends one frame: the newest frame
 * of the next observation. So within an episode frames are contiguous and the stack of the
 * observation whose newest frame sits at position {@code p} is always the frames {@code [p - stack
 * + 1, p]}. That is the whole episode-boundary rule: no stack ever reaches into another episode,
 * because every episode begins with a full stack of its own. {@link #step} checks that the server's
 * next observation really is the current stack shifted by one frame, so a sampled stack is
 * byte-identical to what the server sent.
 *
 * <p><b>Transitions.</b> The transition from the observation at {@code p} keeps its action, reward
 * and end flags at {@code p}. Its n-step return is computed when sampled: {@code r_p + gamma
 * r_{p+1} + ...} over up to {@code nStep} steps, stopping at the episode's end; the next
 * observation is the stack at {@code p + m} (m steps taken), the discount {@code gamma^m}, or 0 if
 * the episode terminated (a truncated one still bootstraps). A transition becomes sampleable once
 * its n steps are known or its episode has ended, and stops being so when the ring overwrites the
 * oldest frame of its stack. {@link #size()} counts the sampleable ones.
 *
 * <p><b>Sampling.</b> Uniform: an env in proportion to its stored frames, a position uniformly in
 * its ring, rejected unless sampleable: exactly uniform over sampleable transitions. Prioritized
 * (alpha &gt; 0): the {@link ProportionalSampler} {@link PrioritizedReplay} uses, told which slots
 * are sampleable as they come and go.
 *
 * <p>Frames live off the Java heap, in direct ByteBuffers of at most 64 MiB allocated as the rings
 * fill (a buffer stops at 2^31 bytes; a 1M-frame replay is ~7 GB), so a full Atari replay needs
 * direct memory rather than heap (bin/agent raises -XX:MaxDirectMemorySize). Not thread-safe.
 */
public final class FrameReplay implements Replay {
  private static final int CHUNK_BYTES = 1 << 26;

  // Flag bits per slot.
  private static final byte ACTED = 1; // a transition starts here (action, reward, flags known)
  private static final byte TERMINATED = 2;
  private static final byte TRUNCATED = 4;
  private static final byte SAMPLEABLE = 8;

  private final int numEnvs;
  private final int slotsPerEnv;
  private final int stack;
  private final int frameBytes;
  private final int nStep;
  private final double gamma;
  private final double alpha;
  private final double priorityEpsilon;
  private final int framesPerChunk;
  private final ByteBuffer[] chunks; // direct (off-heap), allocated as the rings fill
  private final byte[] flags;
  private final int[] actions;
  private final float[] rewards;
  private final SlotSampler sampler;
  private SplitMix64 rng;
  private double beta = 1;

  // Per env: next position to write, and the position of the current observation's newest frame
  // (-1 between episodes) and of the current episode's first observation.
  private final long[] head;
  private final long[] current;
  private final long[] episodeFirst;
  private int sampleable;

  /**
   * @param capacity frame slots in all, split evenly over the envs (the remainder is unused)
   * @param numEnvs envs writing into the replay, each with its own ring
   * @param stack frames per observation (the leading dimension of its shape), >= 1
   * @param frameBytes bytes per frame (e.g. 84 * 84)
   * @param nStep steps per return, >= 1
   * @param gamma discount in [0, 1]
   * @param alpha prioritization exponent; 0 samples uniformly (and keeps no sum tree)
   * @param priorityEpsilon added to |TD error| before the exponent, > 0
   * @param seed sampling seed
   */
  public FrameReplay(
      int capacity,
      int numEnvs,
      int stack,
      int frameBytes,
      int nStep,
      double gamma,
      double alpha,
      double priorityEpsilon,
      long seed) {
    require(numEnvs >= 1, "numEnvs must be >= 1, got " + numEnvs);
    require(stack >= 1, "stack must be >= 1, got " + stack);
    require(frameBytes >= 1, "frameBytes must be >= 1, got " + frameBytes);
    require(nStep >= 1, "nStep must be >= 1, got " + nStep);
    require(gamma >= 0 && gamma <= 1, "gamma must be in [0, 1], got " + gamma);
    require(alpha >= 0 && Double.isFinite(alpha), "alpha must be finite and >= 0, got " + alpha);
    require(priorityEpsilon > 0, "priorityEpsilon must be > 0, got " + priorityEpsilon);
    int perEnv = capacity / numEnvs;
    // A ring must hold the longest stretch one sample reads: a stack, n steps, the next stack.
    require(
        perEnv >= stack + nStep + 1,
        String.format(
            "capacity %d over %d envs leaves %d frames per env, fewer than one stack (%d) plus"
                + " n-step (%d) plus one; raise the buffer size",
            capacity, numEnvs, perEnv, stack, nStep));
    this.numEnvs = numEnvs;
    this.slotsPerEnv = perEnv;
    this.stack = stack;
    this.frameBytes = frameBytes;
    this.nStep = nStep;
    this.gamma = gamma;
    this.alpha = alpha;
    this.priorityEpsilon = priorityEpsilon;
    int slots = perEnv * numEnvs;
    this.framesPerChunk = Math.max(1, CHUNK_BYTES / frameBytes);
    this.chunks = new ByteBuffer[(slots + framesPerChunk - 1) / framesPerChunk];
    this.flags = new byte[slots];
    this.actions = new int[slots];
    this.rewards = new float[slots];
    this.sampler =
        alpha > 0
            ? new ProportionalSampler(slots, alpha, priorityEpsilon, beta)
            : new UniformSampler(this::uniformSlot);
    this.rng = new SplitMix64(seed);
    this.head = new long[numEnvs];
    this.current = new long[numEnvs];
    this.episodeFirst = new long[numEnvs];
    Arrays.fill(current, -1);
  }

  /** The newest frame of each step is stored once; n-step returns are built when sampling. */
  @Override
  public StepSink sink(int numEnvs, int nStep, double gamma) {
    if (numEnvs != this.numEnvs || nStep != this.nStep || gamma != this.gamma) {
      throw new IllegalArgumentException(
          String.format(
              "this frame replay holds %d envs and %d-step returns at gamma %s, not %d, %d, %s",
              this.numEnvs, this.nStep, this.gamma, numEnvs, nStep, gamma));
    }
    return new FrameSink(this, stack * frameBytes);
  }

  /**
   * Starts a new episode of {@code env} with its first observation ({@code stack * frameBytes}
   * bytes of {@code obs} from {@code offset}). An unfinished episode of that env is dropped: its
   * last transitions, still waiting for their n steps, never become sampleable (use this when a
   * reconnect restarted the env).
   */
  public void startEpisode(int env, byte[] obs, int offset) {
    checkEnv(env);
    for (int k = 0; k < stack; k++) {
      writeFrame(env, obs, offset + k * frameBytes);
    }
    current[env] = head[env] - 1;
    episodeFirst[env] = current[env];
  }

  /**
   * Records the step taken from {@code env}'s current observation: its action and reward, and the
   * next observation ({@code stack * frameBytes} bytes of {@code nextObs} from {@code offset}),
   * whose newest frame is stored. A step that terminated or truncated ends the episode: the next
   * call for this env must be {@link #startEpisode}.
   *
   * @throws IllegalStateException no episode is open for this env
   * @throws IllegalArgumentException the next observation is not the current stack shifted by one
   *     frame (the env does not send frame stacks, oldest first)
   */
  public void step(
      int env,
      int action,
      float reward,
      byte[] nextObs,
      int offset,
      boolean terminated,
      boolean truncated) {
    checkEnv(env);
    long p = current[env];
    if (p < 0) {
      throw new IllegalStateException("env " + env + " has no open episode: call startEpisode");
    }
    if (!Float.isFinite(reward)) {
      throw new IllegalArgumentException("reward must be finite, got " + reward);
    }
    checkShifted(env, p, nextObs, offset);
    int slot = slot(env, p);
    actions[slot] = action;
    rewards[slot] = reward;
    flags[slot] = (byte) (ACTED | (terminated ? TERMINATED : 0) | (truncated ? TRUNCATED : 0));
    writeFrame(env, nextObs, offset + (stack - 1) * frameBytes);
    current[env] = p + 1;
    // Complete what this step completes: the transition from n - 1 steps ago, or, when the episode
    // ends, every transition of it still waiting for its n steps.
    if (terminated || truncated) {
      for (long q = Math.max(episodeFirst[env], p - nStep + 1); q <= p; q++) {
        markSampleable(env, q);
      }
      current[env] = -1;
    } else if (p - nStep + 1 >= episodeFirst[env]) {
      markSampleable(env, p - nStep + 1);
    }
  }

  /** Checks that {@code next} is the stack at {@code p} shifted by one frame. */
  private void checkShifted(int env, long p, byte[] next, int offset) {
    for (int k = 0; k < stack - 1; k++) {
      // Frame k of the next stack must be frame k + 1 of the current one.
      long pos = p - stack + 2 + k;
      int g = slot(env, pos);
      ByteBuffer stored =
          chunks[g / framesPerChunk].slice((g % framesPerChunk) * frameBytes, frameBytes);
      if (stored.mismatch(ByteBuffer.wrap(next, offset + k * frameBytes, frameBytes)) != -1) {
        throw new IllegalArgumentException(
            "env "
                + env
                + ": frame "
                + k
                + " of the next observation is not frame "
                + (k + 1)
                + " of the current one; this replay stores frame stacks once and needs each"
                + " observation to be the previous stack shifted by one frame (oldest first), as"
                + " FrameStackObservation sends them: make the env with the server's DQN"
                + " preprocessing (envKwargs {\"preprocessing\": \"nature\"}, as the Atari"
                + " presets do), which stacks frames that way.");
      }
    }
  }

  private void markSampleable(int env, long q) {
    int slot = slot(env, q);
    if ((flags[slot] & (ACTED | SAMPLEABLE)) != ACTED) {
      return;
    }
    if (q - stack + 1 < head[env] - slotsPerEnv) {
      return; // its stack is already partly overwritten (tiny rings only)
    }
    flags[slot] |= SAMPLEABLE;
    sampleable++;
    sampler.add(slot);
  }

  private void unmarkSampleable(int slot) {
    if ((flags[slot] & SAMPLEABLE) != 0) {
      flags[slot] &= ~SAMPLEABLE;
      sampleable--;
      sampler.remove(slot);
    }
  }

  /** Appends one frame to env's ring, invalidating the transitions whose stacks it overwrites. */
  private void writeFrame(int env, byte[] src, int offset) {
    long w = head[env];
    long lost = w - slotsPerEnv; // the position this write overwrites
    if (lost >= 0) {
      // Transitions at lost .. lost + stack - 1 had frame `lost` in their stacks.
      for (long q = lost; q < lost + stack && q < w; q++) {
        unmarkSampleable(slot(env, q));
      }
    }
    int g = slot(env, w);
    flags[g] = 0;
    chunk(g / framesPerChunk).put((g % framesPerChunk) * frameBytes, src, offset, frameBytes);
    head[env] = w + 1;
  }

  /** Chunk i, allocated (off-heap, zeroed) on first use. */
  private ByteBuffer chunk(int i) {
    if (chunks[i] == null) {
      int frames = Math.min(framesPerChunk, flags.length - i * framesPerChunk);
      chunks[i] = ByteBuffer.allocateDirect(frames * frameBytes);
    }
    return chunks[i];
  }

  @Override
  public Batch sample(int batchSize) {
    require(batchSize > 0, "batchSize must be positive, got " + batchSize);
    if (sampleable == 0) {
      throw new IllegalStateException("no sampleable transition yet (size 0)");
    }
    int[] indices = new int[batchSize];
    float[] weights = sampler.draw(indices, sampleable, rng);
    return gather(indices, weights);
  }

  /**
   * Uniform over sampleable transitions: an env in proportion to its stored frames, a position
   * uniformly in its ring, rejected unless sampleable.
   */
  private int uniformSlot() {
    long stored = 0;
    for (int e = 0; e < numEnvs; e++) {
      stored += Math.min(head[e], slotsPerEnv);
    }
    while (true) {
      long r = rng.nextLong() >>> 1;
      long x = r % stored;
      int e = 0;
      while (x >= Math.min(head[e], slotsPerEnv)) {
        x -= Math.min(head[e], slotsPerEnv);
        e++;
      }
      int slot = e * slotsPerEnv + (int) x;
      if ((flags[slot] & SAMPLEABLE) != 0) {
        return slot;
      }
    }
  }

  /** Rebuilds the stacks and n-step returns of the given slots. */
  Batch gather(int[] indices, float[] weights) {
    int n = indices.length;
    int obsBytes = stack * frameBytes;
    byte[] obs = new byte[n * obsBytes];
    byte[] next = new byte[n * obsBytes];
    int[] acts = new int[n];
    float[] rets = new float[n];
    float[] discounts = new float[n];
    for (int b = 0; b < n; b++) {
      int slot = indices[b];
      int env = slot / slotsPerEnv;
      long q = position(env, slot);
      copyStack(env, q, obs, b * obsBytes);
      double ret = 0;
      double discount = 1;
      int m = 0;
      boolean terminated = false;
      while (m < nStep) {
        int s = slot(env, q + m);
        ret += discount * rewards[s];
        discount *= gamma;
        m++;
        if ((flags[s] & TERMINATED) != 0) {
          terminated = true;
          break;
        }
        if ((flags[s] & TRUNCATED) != 0) {
          break;
        }
      }
      copyStack(env, q + m, next, b * obsBytes);
      acts[b] = actions[slot];
      rets[b] = (float) ret;
      discounts[b] = terminated ? 0f : (float) discount;
    }
    return Batch.ofBytes(n, obsBytes, obs, acts, rets, next, discounts, weights, indices);
  }

  private void copyStack(int env, long newest, byte[] dst, int offset) {
    for (int k = 0; k < stack; k++) {
      int g = slot(env, newest - stack + 1 + k);
      chunks[g / framesPerChunk].get(
          (g % framesPerChunk) * frameBytes, dst, offset + k * frameBytes, frameBytes);
    }
  }

  /** The absolute position a slot of env's ring holds now (the newest one that maps to it). */
  private long position(int env, int slot) {
    long last = head[env] - 1;
    int local = slot - env * slotsPerEnv;
    return last - Math.floorMod(last - local, slotsPerEnv);
  }

  private int slot(int env, long position) {
    return env * slotsPerEnv + (int) (position % slotsPerEnv);
  }

  @Override
  public void updatePriorities(int[] indices, float[] tdErrors) {
    // A slot overwritten or invalidated since it was sampled keeps priority 0.
    sampler.learn(indices, tdErrors, slot -> (flags[slot] & SAMPLEABLE) != 0);
  }

  @Override
  public void setBeta(double beta) {
    require(beta >= 0 && beta <= 1, "beta must be in [0, 1], got " + beta);
    this.beta = beta;
    sampler.setBeta(beta);
  }

  /** The stored priority of a slot (0 when not sampleable); 0 everywhere for uniform sampling. */
  public double priority(int slot) {
    return sampler.priority(slot);
  }

  /** The sum of every slot's priority (0 for uniform sampling). */
  public double totalPriority() {
    return sampler.total();
  }

  /** Transitions that can be sampled now. */
  @Override
  public int size() {
    return sampleable;
  }

  /** Frame slots in all (numEnvs rings of capacity / numEnvs). */
  @Override
  public int capacity() {
    return flags.length;
  }

  /** Bytes of frame storage allocated so far (grows as the rings fill, up to capacity frames). */
  public long frameBytesAllocated() {
    long sum = 0;
    for (ByteBuffer c : chunks) {
      sum += c == null ? 0 : c.capacity();
    }
    return sum;
  }

  @Override
  public void writeTo(DataOutput out) throws IOException {
    ReplayCheckpointFormat.writeHeader(out, ReplayCheckpointFormat.KIND_FRAMES);
    out.writeInt(numEnvs);
    out.writeInt(slotsPerEnv * numEnvs);
    out.writeInt(stack);
    out.writeInt(frameBytes);
    out.writeInt(nStep);
    out.writeDouble(gamma);
    out.writeDouble(alpha);
    out.writeDouble(priorityEpsilon);
    out.writeDouble(beta);
    out.writeLong(rng.state());
    for (int e = 0; e < numEnvs; e++) {
      out.writeLong(head[e]);
      out.writeLong(current[e]);
      out.writeLong(episodeFirst[e]);
    }
    out.write(flags);
    ReplayCheckpointFormat.writeInts(out, actions, actions.length);
    ReplayCheckpointFormat.writeFloats(out, rewards, rewards.length);
    ReplayCheckpointFormat.writeBuffers(out, chunks);
    sampler.writeTo(out);
  }

  static FrameReplay readBody(DataInput in) throws IOException {
    int numEnvs = in.readInt();
    int capacity = in.readInt();
    int stack = in.readInt();
    int frameBytes = in.readInt();
    int nStep = in.readInt();
    double gamma = in.readDouble();
    double alpha = in.readDouble();
    double eps = in.readDouble();
    double beta = in.readDouble();
    long rngState = in.readLong();
    FrameReplay r;
    try {
      r = new FrameReplay(capacity, numEnvs, stack, frameBytes, nStep, gamma, alpha, eps, 0);
      r.setBeta(beta);
    } catch (IllegalArgumentException e) {
      throw new IOException("corrupt frame replay checkpoint: " + e.getMessage(), e);
    }
    r.rng = SplitMix64.fromState(rngState);
    for (int e = 0; e < numEnvs; e++) {
      r.head[e] = in.readLong();
      r.current[e] = in.readLong();
      r.episodeFirst[e] = in.readLong();
    }
    in.readFully(r.flags);
    ReplayCheckpointFormat.readInts(in, r.actions, r.actions.length);
    ReplayCheckpointFormat.readFloats(in, r.rewards, r.rewards.length);
    ReplayCheckpointFormat.readBuffers(in, r.chunks.length, r::chunk);
    r.sampler.readFrom(in);
    for (byte f : r.flags) {
      if ((f & SAMPLEABLE) != 0) {
        r.sampleable++;
      }
    }
    return r;
  }

  private void checkEnv(int env) {
    if (env < 0 || env >= numEnvs) {
      throw new IndexOutOfBoundsException("env " + env + " of " + numEnvs);
    }
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
