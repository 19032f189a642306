package io.gymbridge.client;

import io.gymbridge.v1.Value;
import io.gymbridge.v1.ValueList;
import io.gymbridge.v1.ValueMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Make kwargs as a config holds them (JSON values) turned into the contract's {@link Value}s. */
public final class Kwargs {
  private Kwargs() {}

  /**
   * JSON-style values to Values: integers to int_value, other numbers to float_value, booleans,
   * strings, lists, maps; null to an empty Value (Python's None).
   *
   * @throws IllegalArgumentException for anything else, naming the key
   */
  public static Map<String, Value> toValues(Map<String, ?> kwargs) {
    Map<String, Value> out = new LinkedHashMap<>();
    kwargs.forEach((k, v) -> out.put(k, toValue(k, v)));
    return out;
  }

  /** {@code base} with {@code overrides} laid over it. */
  public static Map<String, Object> merge(Map<String, ?> base, Map<String, ?> overrides) {
    Map<String, Object> out = new LinkedHashMap<>(base);
    out.putAll(overrides);
    return out;
  }

  private static Value toValue(String key, Object v) {
    Value.Builder b = Value.newBuilder();
    if (v == null) {
      return b.build();
    } else if (v instanceof Boolean x) {
      b.setBoolValue(x);
    } else if (v instanceof Integer || v instanceof Long || v instanceof Short) {
      b.setIntValue(((Number) v).longValue());
    } else if (v instanceof Number x) {
      b.setFloatValue(x.doubleValue());
    } else if (v instanceof String x) {
      b.setStringValue(x);
    } else if (v instanceof List<?> list) {
      ValueList.Builder items = ValueList.newBuilder();
      for (Object item : list) {
        items.addItems(toValue(key, item));
      }
      b.setList(items);
    } else if (v instanceof Map<?, ?> map) {
      ValueMap.Builder entries = ValueMap.newBuilder();
      map.forEach((mk, mv) -> entries.putEntries(String.valueOf(mk), toValue(key, mv)));
      b.setMap(entries);
    } else {
      throw new IllegalArgumentException(
          "kwarg '" + key + "': cannot send a " + v.getClass().getSimpleName() + " (" + v + ")");
    }
    return b.build();
  }
}
