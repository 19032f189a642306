package io.gymbridge.envs;

import io.gymbridge.v1.Value;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * One registered env id, as a gymnasium.register call: how to build the bare env from its kwargs,
 * and what its spec says.
 *
 * @param id the env id, e.g. "CartPole-v1"
 * @param description one paragraph for the env listing
 * @param factory builds the bare env (no wrappers) from validated kwargs
 * @param kwargs the kwargs the env takes, with their defaults
 * @param maxEpisodeSteps the TimeLimit, or null for none
 * @param rewardThreshold the return at which the task counts as solved, or null
 * @param nondeterministic whether the same seed and actions can give different results
 * @param renderModes the render modes the env supports
 * @param renderFps frames per second a viewer should play renders at (0: unknown)
 * @param postMake a step applied to what make composed, with kwargs of its own, or null for none
 */
public record EnvRegistration(
    String id,
    String description,
    Function<Args, Env> factory,
    Map<String, Value> kwargs,
    Integer maxEpisodeSteps,
    Double rewardThreshold,
    boolean nondeterministic,
    List<String> renderModes,
    double renderFps,
    PostMakeWrapper postMake) {

  public EnvRegistration {
    kwargs = Map.copyOf(kwargs);
    renderModes = List.copyOf(renderModes);
    if (postMake != null) {
      for (String name : postMake.defaultKwargs().keySet()) {
        if (kwargs.containsKey(name)) {
          throw new IllegalArgumentException(
              id + ": kwarg '" + name + "' is both the env's and its post-make step's");
        }
      }
    }
  }

  /** A registration without a post-make step. */
  public EnvRegistration(
      String id,
      String description,
      Function<Args, Env> factory,
      Map<String, Value> kwargs,
      Integer maxEpisodeSteps,
      Double rewardThreshold,
      boolean nondeterministic,
      List<String> renderModes,
      double renderFps) {
    this(
        id,
        description,
        factory,
        kwargs,
        maxEpisodeSteps,
        rewardThreshold,
        nondeterministic,
        renderModes,
        renderFps,
        null);
  }

  /** The names of the env's own kwargs (those the factory takes). */
  public Set<String> kwargNames() {
    return kwargs.keySet();
  }

  /** Every kwarg a make takes, with its default: the env's, then the post-make step's. */
  public Map<String, Value> allKwargs() {
    if (postMake == null) {
      return kwargs;
    }
    Map<String, Value> all = new java.util.TreeMap<>(kwargs);
    all.putAll(postMake.defaultKwargs());
    return all;
  }
}
