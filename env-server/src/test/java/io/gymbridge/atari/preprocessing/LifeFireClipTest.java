package io.gymbridge.atari.preprocessing;

import static io.gymbridge.atari.preprocessing.Steps.info;
import static io.gymbridge.atari.preprocessing.Steps.obs;
import static io.gymbridge.atari.preprocessing.Steps.reset;
import static io.gymbridge.atari.preprocessing.Steps.step;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gymbridge.envs.Transition;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The SB3-style options: EpisodicLife, FireReset and ClipReward over the fake console. */
class LifeFireClipTest {

  @Test
  void aLostLifeEndsTheLearnersEpisodeAndResetContinuesTheGameWithOneNoop() {
    FakeAtari fake = new FakeAtari(21, 16);
    fake.lifeLossAt = Set.of(2);
    EpisodicLife env = new EpisodicLife(fake, fake);
    reset(env, 1L);
    assertFalse(step(env, 3).terminated());
    Transition loss = step(env, 3);
    assertTrue(loss.terminated());
    assertFalse(env.wasRealDone());

    Transition r = reset(env, null);
    assertEquals(1, fake.resets()); // no real reset
    assertEquals(List.of(3L, 3L, 0L), fake.actions); // one NOOP instead
    assertEquals(0.0, r.reward());
    assertFalse(r.terminated());
    assertEquals(3, info(r, "episode_frame_number")); // the NOOP step's info and screen
    assertArrayEquals(fake.rgbScreen(fake.screenId()), obs(r));
  }

  @Test
  void gameOverResetsForReal() {
    FakeAtari fake = new FakeAtari(21, 16);
    fake.startLives = 1;
    fake.lifeLossAt = Set.of(2);
    EpisodicLife env = new EpisodicLife(fake, fake);
    reset(env, 1L);
    step(env, 0);
    Transition over = step(env, 0); // lives 1 -> 0: the game's own termination
    assertTrue(over.terminated());
    assertTrue(env.wasRealDone());
    reset(env, null);
    assertEquals(2, fake.resets());
  }

  @Test
  void theNoopThatEndsTheGameIsFollowedByARealReset() {
    FakeAtari fake = new FakeAtari(21, 16);
    fake.lifeLossAt = Set.of(1);
    fake.terminateAt = 2;
    EpisodicLife env = new EpisodicLife(fake, fake);
    reset(env, 1L);
    assertTrue(step(env, 0).terminated());
    Transition r = reset(env, null);
    assertEquals(2, fake.resets());
    assertFalse(r.terminated());
    assertEquals(0, info(r, "episode_frame_number"));
  }

  @Test
  void aSeededResetAlwaysResetsForReal() {
    FakeAtari fake = new FakeAtari(21, 16);
    fake.lifeLossAt = Set.of(1);
    EpisodicLife env = new EpisodicLife(fake, fake);
    reset(env, 1L);
    assertTrue(step(env, 0).terminated());
    reset(env, 9L);
    assertEquals(Arrays.asList(1L, 9L), fake.resetSeeds);
  }

  @Test
  void gainedLivesAndTheDropToZeroAreNotLifeLossTerminations() {
    FakeAtari fake = new FakeAtari(21, 16);
    fake.startLives = 1;
    fake.lifeGainAt = Set.of(1);
    fake.lifeLossAt = Set.of(3);
    fake.terminateAt = 0;
    EpisodicLife env = new EpisodicLife(fake, fake);
    reset(env, 1L);
    assertFalse(step(env, 0).terminated()); // 1 -> 2
    assertFalse(step(env, 0).terminated());
    assertTrue(step(env, 0).terminated()); // 2 -> 1
  }

  @Test
  void fireResetStepsFireThenTwoAndReturnsAnEmptyInfo() {
    FakeAtari fake = new FakeAtari(21, 16);
    FireReset env = new FireReset(fake);
    Transition r = reset(env, 4L);
    assertEquals(List.of(1L, 2L), fake.actions);
    assertTrue(r.info().isEmpty());
    assertEquals(0.0, r.reward());
    assertFalse(r.terminated() || r.truncated());
    assertArrayEquals(fake.rgbScreen(2), obs(r));
  }

  @Test
  void fireResetResetsAgainWithTheSameSeedWhenFireEndsTheEpisode() {
    FakeAtari fake = new FakeAtari(21, 16);
    fake.terminateAt = 1;
    FireReset env = new FireReset(fake);
    Transition r = reset(env, 4L);
    // FIRE ends it: reset(4); step 2 ends it too: reset(4) again.
    assertEquals(Arrays.asList(4L, 4L, 4L), fake.resetSeeds);
    assertEquals(List.of(1L, 2L), fake.actions);
    assertFalse(r.terminated());
    assertTrue(r.info().isEmpty());
  }

  @Test
  void clipRewardKeepsOnlyTheSign() {
    double[] rewards = {-3, 0, 2.5, Double.NaN, -0.0, 1e-9, -1e300};
    FakeAtari fake = new FakeAtari(21, 16);
    fake.reward = t -> rewards[t - 1];
    ClipReward env = new ClipReward(fake);
    reset(env, 1L);
    double[] clipped = new double[rewards.length];
    for (int i = 0; i < rewards.length; i++) {
      clipped[i] = step(env, 0).reward();
    }
    assertArrayEquals(new double[] {-1, 0, 1, Double.NaN, 0.0, 1, -1}, clipped);
    assertEquals(Double.doubleToRawLongBits(0.0), Double.doubleToRawLongBits(clipped[4]));
  }
}
