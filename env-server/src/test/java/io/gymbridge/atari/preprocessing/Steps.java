package io.gymbridge.atari.preprocessing;

import io.gymbridge.codec.Spaces;
import io.gymbridge.envs.Env;
import io.gymbridge.envs.Transition;
import java.util.Map;

/** Reset and step an env as a session does: a fresh, cleared transition per call. */
final class Steps {
  private Steps() {}

  static Transition out(Env env) {
    return Transition.ofSize(Spaces.elementBytes(env.observationSpace()));
  }

  static Transition reset(Env env, Long seed) {
    Transition out = out(env);
    env.reset(seed, Map.of(), out);
    return out;
  }

  static Transition step(Env env, long action) {
    Transition out = out(env);
    env.step(Actions.discrete(action), out);
    return out;
  }

  static byte[] obs(Transition out) {
    byte[] b = new byte[out.obs().capacity()];
    out.obs().get(0, b);
    return b;
  }

  static long info(Transition out, String key) {
    return out.info().get(key).getIntValue();
  }

  /** Element-wise unsigned max. */
  static byte[] max(byte[] a, byte[] b) {
    byte[] m = new byte[a.length];
    for (int i = 0; i < a.length; i++) {
      m[i] = (a[i] & 0xff) >= (b[i] & 0xff) ? a[i] : b[i];
    }
    return m;
  }
}
