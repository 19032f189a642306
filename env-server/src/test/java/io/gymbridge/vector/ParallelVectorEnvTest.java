package io.gymbridge.vector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gymbridge.atari.AtariRegistrations;
import io.gymbridge.atari.TestRoms;
import io.gymbridge.envs.Env;
import io.gymbridge.envs.EnvRegistration;
import io.gymbridge.envs.EnvRegistry;
import io.gymbridge.envs.Transition;
import io.gymbridge.envs.wrappers.EnvWrapper;
import io.gymbridge.v1.Value;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** Atari vector sessions step their envs on the pool, with the results of stepping in order. */
class ParallelVectorEnvTest {
  private static final int ENVS = 6;

  private static VectorEnv atari(EnvStepPool pool) {
    EnvRegistry registry = new EnvRegistry();
    AtariRegistrations.register(registry, TestRoms.require());
    EnvRegistration reg = registry.find("ALE/Breakout-v5").orElseThrow();
    List<Env> envs = new ArrayList<>();
    for (int i = 0; i < ENVS; i++) {
      envs.add(EnvRegistry.make(reg, Map.of(), null));
    }
    return new VectorEnv(envs, AutoresetMode.SAME_STEP, pool);
  }

  @Test
  void parallelStepsEqualSequentialSteps() {
    try (EnvStepPool pool = new EnvStepPool(3);
        VectorEnv parallel = atari(pool);
        VectorEnv sequential = atari(null)) {
      Long[] seeds = new Long[ENVS];
      for (int i = 0; i < ENVS; i++) {
        seeds[i] = 100L + i;
      }
      parallel.reset(seeds, Map.of(), null);
      sequential.reset(seeds, Map.of(), null);
      assertArrayEquals(sequential.observations(), parallel.observations());
      Random rng = new Random(1);
      ByteBuffer actions = ByteBuffer.allocate(8 * ENVS).order(ByteOrder.LITTLE_ENDIAN);
      int episodesEnded = 0;
      for (int step = 0; step < 400; step++) {
        for (int i = 0; i < ENVS; i++) {
          actions.putLong(8 * i, rng.nextInt(4));
        }
        parallel.step(actions);
        sequential.step(actions);
        assertArrayEquals(sequential.observations(), parallel.observations(), "step " + step);
        assertArrayEquals(sequential.rewards(), parallel.rewards());
        assertArrayEquals(sequential.terminated(), parallel.terminated());
        assertArrayEquals(sequential.truncated(), parallel.truncated());
        assertEquals(sequential.finals().size(), parallel.finals().size());
        for (int k = 0; k < parallel.finals().size(); k++) {
          assertEquals(sequential.finals().get(k).env(), parallel.finals().get(k).env());
          assertArrayEquals(
              sequential.finals().get(k).observation(), parallel.finals().get(k).observation());
        }
        for (int i = 0; i < ENVS; i++) {
          assertEquals(sequential.info(i), parallel.info(i));
        }
        episodesEnded += parallel.finals().size();
      }
      assertTrue(episodesEnded > 0, "some episodes should end in 400 random Breakout steps");
    }
  }

  @Test
  void thePoolRunsEveryIndexOnceOnSeveralNamedThreads() {
    try (EnvStepPool pool = new EnvStepPool(2)) {
      Set<String> threads = ConcurrentHashMap.newKeySet();
      int[] hits = new int[10];
      // Indices 0 and 1 wait for each other: they return only if two threads run them at once.
      CyclicBarrier together = new CyclicBarrier(2);
      pool.forEach(
          10,
          i -> {
            hits[i]++;
            threads.add(Thread.currentThread().getName());
            if (i < 2) {
              try {
                together.await(30, TimeUnit.SECONDS);
              } catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
                throw new AssertionError("index " + i + " ran alone", e);
              }
            }
          });
      assertArrayEquals(new int[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, hits);
      String caller = Thread.currentThread().getName();
      assertEquals(2, threads.size(), threads::toString);
      assertTrue(threads.contains(caller), threads::toString);
      assertTrue(
          threads.stream().allMatch(n -> n.equals(caller) || n.startsWith("gymbridge-env-step-")),
          threads::toString);
    }
  }

  @Test
  void cartPoleStaysOnTheCallingThread() {
    try (EnvStepPool pool = new EnvStepPool(2)) {
      EnvRegistration reg = EnvRegistry.builtin().find("CartPole-v1").orElseThrow();
      Set<String> threads = ConcurrentHashMap.newKeySet();
      List<Env> envs = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        envs.add(
            new EnvWrapper(EnvRegistry.make(reg, Map.of(), null)) {
              @Override
              public void reset(Long seed, Map<String, Value> options, Transition out) {
                threads.add(Thread.currentThread().getName());
                super.reset(seed, options, out);
              }

              @Override
              public void step(ByteBuffer action, Transition out) {
                threads.add(Thread.currentThread().getName());
                // Slow enough that a pool thread, had the envs been handed to the pool, would
                // wake up and take some of them.
                LockSupport.parkNanos(2_000_000);
                super.step(action, out);
              }
            });
      }
      assertTrue(!envs.get(0).costlyStep());
      try (VectorEnv v = new VectorEnv(envs, AutoresetMode.NEXT_STEP, pool)) {
        v.reset(null, Map.of(), null);
        for (int t = 0; t < 20; t++) {
          v.step(ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN));
        }
      }
      assertEquals(Set.of(Thread.currentThread().getName()), threads);
    }
  }
}
