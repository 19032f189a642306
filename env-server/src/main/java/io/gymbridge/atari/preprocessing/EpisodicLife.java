package io.gymbridge.atari.preprocessing;

import io.gymbridge.atari.AtariConsole;
import io.gymbridge.envs.Env;
import io.gymbridge.envs.Transition;
import io.gymbridge.envs.wrappers.EnvWrapper;
import io.gymbridge.v1.Value;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * Stable-Baselines3's {@code EpisodicLifeEnv} (DeepMind's DQN trick): losing a life ends the
 * episode for the learner, but the game goes on.
 *
 * <p>Step: {@code terminated} is set when {@code 0 < lives < lives before}; lives are then
 * remembered, so bonus lives raise the count without ending anything, and a drop to 0 is left to
 * the game's own game-over (Q*bert sits at 0 lives for a few frames). Reset: a real reset only
 * after a real end (the wrapped env terminated or truncated); after a life loss it takes one NOOP
 * step instead (its reward dropped, its observation and info returned), and resets for real if that
 * step ends the game.
 *
 * <p>One difference from SB3, on purpose: a reset with a seed always resets for real. SB3 would
 * drop the seed after a life loss and continue the game, so {@code reset(seed=s)} would not give
 * the episode that seed names; reproducible evaluation needs it to.
 */
public final class EpisodicLife extends EnvWrapper {
  private static final ByteBuffer NOOP = Actions.discrete(Actions.NOOP);

  private final AtariConsole console;
  private int lives;
  private boolean wasRealDone = true;

  public EpisodicLife(Env env, AtariConsole console) {
    super(env);
    this.console = console;
  }

  @Override
  public void step(ByteBuffer action, Transition out) {
    env.step(action, out);
    wasRealDone = out.terminated() || out.truncated();
    int now = console.lives();
    if (0 < now && now < lives) {
      out.setTerminated(true);
    }
    lives = now;
  }

  @Override
  public void reset(Long seed, Map<String, Value> options, Transition out) {
    if (wasRealDone || seed != null) {
      env.reset(seed, options, out);
    } else {
      out.clear();
      env.step(NOOP, out);
      boolean ended = out.terminated() || out.truncated();
      out.setReward(0.0);
      out.setTerminated(false);
      out.setTruncated(false);
      if (ended) {
        out.clear();
        env.reset(seed, options, out);
      }
    }
    lives = console.lives();
  }

  /** Whether the last step ended the game itself, not only a life (SB3's was_real_done). */
  public boolean wasRealDone() {
    return wasRealDone;
  }
}
