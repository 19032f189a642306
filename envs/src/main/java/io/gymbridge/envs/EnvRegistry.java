package io.gymbridge.envs;

import io.gymbridge.codec.ClientText;
import io.gymbridge.codec.InvalidValueException;
import io.gymbridge.envs.classic.CartPoleEnv;
import io.gymbridge.envs.debug.PixelChoiceEnv;
import io.gymbridge.envs.wrappers.OrderEnforcing;
import io.gymbridge.envs.wrappers.TimeLimit;
import io.gymbridge.v1.EnvSpec;
import io.gymbridge.v1.Value;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The env ids a server offers, and {@link #make}: the bare env composed with Gymnasium's standard
 * wrappers (OrderEnforcing, then TimeLimit when the spec has one), as gymnasium.make composes them,
 * then the registration's optional {@link PostMakeWrapper} (e.g. the Atari DQN preprocessing).
 */
public final class EnvRegistry {
  private final Map<String, EnvRegistration> registrations = new TreeMap<>();
  private final List<Function<String, Optional<String>>> unknownIdAdvice =
      new java.util.ArrayList<>();

  /** The envs built into the Java server. */
  public static EnvRegistry builtin() {
    EnvRegistry r = new EnvRegistry();
    Map<String, Value> cartPoleKwargs =
        Map.of("sutton_barto_reward", Value.newBuilder().setBoolValue(false).build());
    String cartPole =
        "Balance a pole on a cart by pushing it left or right; bit-for-bit Gymnasium 1.3.0 CartPole.";
    r.register(
        new EnvRegistration(
            "CartPole-v1",
            cartPole,
            CartPoleEnv::fromKwargs,
            cartPoleKwargs,
            500,
            475.0,
            false,
            List.of("rgb_array"),
            50));
    r.register(
        new EnvRegistration(
            "CartPole-v0",
            cartPole,
            CartPoleEnv::fromKwargs,
            cartPoleKwargs,
            200,
            195.0,
            false,
            List.of("rgb_array"),
            50));
    r.register(
        new EnvRegistration(
            "PixelChoice-v0",
            "Say which half of a noisy 36x36 uint8 image holds a white square: 16 steps, +1 per"
                + " right answer. A fast check that a CNN learner learns (random 8, optimal 16).",
            PixelChoiceEnv::fromKwargs,
            Map.of(),
            null, // the env terminates at 16 steps itself; a TimeLimit would also truncate there
            15.0,
            false,
            List.of("rgb_array"),
            PixelChoiceEnv.RENDER_FPS));
    return r;
  }

  public void register(EnvRegistration registration) {
    if (registrations.putIfAbsent(registration.id(), registration) != null) {
      throw new IllegalArgumentException("env id registered twice: " + registration.id());
    }
  }

  /**
   * Adds a source of advice for ids this registry lacks, e.g. "no ROM for that Atari game, here is
   * how to add one"; it returns empty for ids it knows nothing about.
   */
  public void addUnknownIdAdvice(Function<String, Optional<String>> advice) {
    unknownIdAdvice.add(advice);
  }

  /** Why {@code id} is not here: the first advice that knows, else the ids there are. */
  public String unknownIdMessage(String id) {
    for (Function<String, Optional<String>> advice : unknownIdAdvice) {
      Optional<String> a = advice.apply(id);
      if (a.isPresent()) {
        return "env_id: unknown env " + ClientText.quote(id) + "; " + a.get();
      }
    }
    return "env_id: unknown env "
        + ClientText.quote(id)
        + "; this server has "
        + registrations.values().stream().map(EnvRegistration::id).toList();
  }

  public Optional<EnvRegistration> find(String id) {
    return Optional.ofNullable(registrations.get(id));
  }

  /** Every registration, sorted by id. */
  public Collection<EnvRegistration> all() {
    return registrations.values();
  }

  /**
   * Builds one env: {@code TimeLimit(OrderEnforcing(env))}, the time limit being {@code
   * maxEpisodeSteps} when given, else the registration's; then the registration's post-make step,
   * if any, wraps that (as a user wraps what {@code gym.make} returns), configured by its own
   * kwargs.
   *
   * @throws io.gymbridge.codec.InvalidValueException for kwargs the env does not take
   */
  public static Env make(EnvRegistration reg, Map<String, Value> kwargs, Integer maxEpisodeSteps) {
    Plan plan = plan(reg, kwargs);
    Env bare =
        reg.factory().apply(new Args("kwargs of " + reg.id(), plan.envKwargs, reg.kwargNames()));
    Env env = new OrderEnforcing(bare);
    Integer limit = maxEpisodeSteps != null ? maxEpisodeSteps : reg.maxEpisodeSteps();
    env = limit == null ? env : new TimeLimit(env, limit);
    if (plan.step == null) {
      return env;
    }
    try {
      return plan.step.wrap(env, bare);
    } catch (InvalidValueException e) {
      env.close();
      throw new InvalidValueException("kwargs of " + reg.id() + ": " + e.getMessage());
    } catch (RuntimeException e) {
      env.close();
      throw e;
    }
  }

  /** The env's kwargs and the configured post-make step of one make. */
  private record Plan(Map<String, Value> envKwargs, PostMakeWrapper.Configured step) {}

  private static Plan plan(EnvRegistration reg, Map<String, Value> kwargs) {
    PostMakeWrapper post = reg.postMake();
    if (post == null) {
      return new Plan(kwargs, null);
    }
    // Unknown names first, so the error lists every kwarg the id takes.
    new Args("kwargs of " + reg.id(), kwargs, reg.allKwargs().keySet());
    Map<String, Value> own = new TreeMap<>();
    Map<String, Value> env = new TreeMap<>();
    kwargs.forEach((k, v) -> (post.defaultKwargs().containsKey(k) ? own : env).put(k, v));
    PostMakeWrapper.Configured step;
    try {
      step = post.configure(own);
    } catch (InvalidValueException e) {
      throw new InvalidValueException("kwargs of " + reg.id() + ": " + e.getMessage());
    }
    Map<String, Value> envKwargs = new TreeMap<>(step.envKwargDefaults());
    envKwargs.putAll(env);
    return new Plan(envKwargs, step);
  }

  /**
   * The spec of {@code env}, made from {@code reg} with {@code kwargs} and time limit applied; its
   * kwargs are every kwarg with the value in effect, the post-make step's included.
   */
  public static EnvSpec spec(
      EnvRegistration reg, Env env, Map<String, Value> kwargs, Integer maxEpisodeSteps) {
    Plan plan = plan(reg, kwargs);
    Map<String, Value> effective = new TreeMap<>(reg.kwargs());
    effective.putAll(plan.envKwargs);
    if (plan.step != null) {
      effective.putAll(plan.step.effectiveKwargs());
    }
    EnvSpec.Builder b =
        EnvSpec.newBuilder()
            .setId(reg.id())
            .setObservationSpace(env.observationSpace())
            .setActionSpace(env.actionSpace())
            .setNondeterministic(reg.nondeterministic())
            .addAllRenderModes(reg.renderModes())
            .setRenderFps(reg.renderFps())
            .putAllKwargs(effective)
            .setDescription(reg.description());
    Integer limit = maxEpisodeSteps != null ? maxEpisodeSteps : reg.maxEpisodeSteps();
    if (limit != null) {
      b.setMaxEpisodeSteps(limit);
    }
    if (reg.rewardThreshold() != null) {
      b.setRewardThreshold(reg.rewardThreshold());
    }
    return b.build();
  }
}
