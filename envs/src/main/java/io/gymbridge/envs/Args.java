package io.gymbridge.envs;

import io.gymbridge.codec.ClientText;
import io.gymbridge.codec.InvalidValueException;
import io.gymbridge.v1.Value;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads typed entries of a make-kwargs or reset-options map, with errors that name the map, the key
 * and the expected type. Unknown keys are rejected rather than ignored: a misspelt option that
 * silently does nothing costs a user far more than an error.
 */
public final class Args {
  private final String what;
  private final Map<String, Value> values;

  /** {@code what} names the map in errors, e.g. "kwargs of CartPole-v1". */
  public Args(String what, Map<String, Value> values, Set<String> known) {
    this.what = what;
    this.values = values;
    for (String key : values.keySet()) {
      if (!known.contains(key)) {
        throw new InvalidValueException(
            what + "[" + ClientText.quote(key) + "]",
            known.isEmpty() ? "no keys (this env takes none)" : "one of " + new TreeSet<>(known));
      }
    }
  }

  /** The entries as given (read-only), for values the typed getters do not cover, like lists. */
  public Map<String, Value> values() {
    return java.util.Collections.unmodifiableMap(values);
  }

  public boolean has(String key) {
    return values.containsKey(key);
  }

  /** An int or float entry as a double (Gymnasium's verify_number_and_cast). */
  public double getDouble(String key, double defaultValue) {
    Value v = values.get(key);
    if (v == null) {
      return defaultValue;
    }
    return switch (v.getKindCase()) {
      case FLOAT_VALUE -> v.getFloatValue();
      case INT_VALUE -> (double) v.getIntValue();
      default -> throw wrongType(key, "a number", v);
    };
  }

  public long getLong(String key, long defaultValue) {
    Value v = values.get(key);
    if (v == null) {
      return defaultValue;
    }
    if (v.getKindCase() != Value.KindCase.INT_VALUE) {
      throw wrongType(key, "an integer", v);
    }
    return v.getIntValue();
  }

  public boolean getBool(String key, boolean defaultValue) {
    Value v = values.get(key);
    if (v == null) {
      return defaultValue;
    }
    if (v.getKindCase() != Value.KindCase.BOOL_VALUE) {
      throw wrongType(key, "a bool", v);
    }
    return v.getBoolValue();
  }

  public String getString(String key, String defaultValue) {
    Value v = values.get(key);
    if (v == null) {
      return defaultValue;
    }
    if (v.getKindCase() != Value.KindCase.STRING_VALUE) {
      throw wrongType(key, "a string", v);
    }
    return v.getStringValue();
  }

  private InvalidValueException wrongType(String key, String expected, Value v) {
    return new InvalidValueException(
        what + "['" + key + "']", expected + ", got " + v.getKindCase().name().toLowerCase());
  }
}
