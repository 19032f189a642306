package io.gymbridge.envs;

import io.gymbridge.v1.Value;
import java.util.Map;

/**
 * An optional step of a registration that wraps what {@link EnvRegistry#make} composed, as a user
 * wraps what {@code gym.make} returns, configured by make kwargs of its own (e.g. the Atari DQN
 * preprocessing). Its kwargs sit beside the env's in the registration's listing and in the spec, so
 * a client sees every option with the value in effect.
 */
public interface PostMakeWrapper {
  /** The kwargs this step takes, with their defaults; no name may also be an env kwarg. */
  Map<String, Value> defaultKwargs();

  /**
   * Parses this step's kwargs (only those named in {@link #defaultKwargs()}).
   *
   * @throws io.gymbridge.codec.InvalidValueException naming the kwarg, for a bad value
   */
  Configured configure(Map<String, Value> kwargs);

  /** This step as a make's kwargs configured it. */
  interface Configured {
    /**
     * Env kwargs this configuration needs by default (e.g. frameskip 1 under a frame-skipping
     * wrapper): they replace the registration's defaults, and kwargs the caller gives win over
     * them.
     */
    Map<String, Value> envKwargDefaults();

    /** Every kwarg of the step with the value in effect, for the spec. */
    Map<String, Value> effectiveKwargs();

    /**
     * Wraps {@code made} ({@code TimeLimit(OrderEnforcing(bare))}); may return it unchanged.
     *
     * @param bare the env the registration's factory built, beneath {@code made}
     * @throws io.gymbridge.codec.InvalidValueException when the configuration does not fit the env
     */
    Env wrap(Env made, Env bare);
  }
}
