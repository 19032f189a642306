package io.gymbridge.examples.corridor;

import io.gymbridge.envs.EnvProvider;
import io.gymbridge.envs.EnvRegistration;
import io.gymbridge.envs.EnvRegistry;
import io.gymbridge.v1.Value;
import java.util.List;
import java.util.Map;

/**
 * Registers Corridor-v0 with the server: what {@code gymnasium.register} is in Python. The server
 * finds this class through META-INF/services/io.gymbridge.envs.EnvProvider.
 */
public final class CorridorEnvProvider implements EnvProvider {
  @Override
  public void register(EnvRegistry registry) {
    registry.register(
        new EnvRegistration(
            "Corridor-v0",
            "Walk right to the end of a corridor of cells, maybe on a slippery floor: +1 at the"
                + " end, -0.01 per other step. An example env plugin.",
            CorridorEnv::fromKwargs,
            Map.of(
                "length", Value.newBuilder().setIntValue(8).build(),
                "slip", Value.newBuilder().setFloatValue(0.0).build()),
            100, // max_episode_steps: the TimeLimit the server wraps it in
            0.9, // reward_threshold: solved
            false, // nondeterministic
            List.of("rgb_array"),
            4));
  }
}
