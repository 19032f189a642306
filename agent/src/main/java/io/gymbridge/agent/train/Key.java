package io.gymbridge.agent.train;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * One hyperparameter, declared once in {@link TrainConfig}: its JSON name, Java type, default,
 * one-line meaning and the rules a value must meet, side by side. Everything else iterates the
 * keys: validation ({@link TrainConfig}), the JSON layers ({@link ConfigLoader}), {@code bin/agent
 * train --list-keys} and the table of docs/agent.md ({@link ConfigKeys}).
 *
 * <p>A refused value's message is the key's name, the rule and the value: {@code "gamma must be in
 * [0, 1], got 1.5"} (text values quoted: {@code "envId must be set, got ' '"}).
 *
 * @param <T> the value's type
 */
public final class Key<T> {
  private final Registry registry;
  private final String name;
  private final T defaultValue;
  private final String meaning;
  private final Codec<T> codec;
  private final String unsetHint;
  private final List<Rule<T>> rules;

  /** A rule and what a value that breaks it is told: "must be > 0". */
  private record Rule<T>(Predicate<? super T> ok, String must) {}

  /**
   * How a kind of value is read from and written to JSON, what Java type it must have, how it is
   * held, and what a JSON null stands for (null: nothing, the key must be set).
   */
  private record Codec<T>(
      JavaType jsonType,
      Class<?> valueType,
      Function<Object, T> fromJson,
      Function<T, Object> toJson,
      UnaryOperator<T> normalize,
      T nullValue) {}

  private Key(
      Registry registry,
      String name,
      T defaultValue,
      String meaning,
      Codec<T> codec,
      String unsetHint,
      List<Rule<T>> rules) {
    this.registry = registry;
    this.name = name;
    this.defaultValue = defaultValue;
    this.meaning = meaning;
    this.codec = codec;
    this.unsetHint = unsetHint;
    this.rules = List.copyOf(rules);
  }

  /** The JSON name, also the name of {@link TrainConfig}'s accessor. */
  public String name() {
    return name;
  }

  public T defaultValue() {
    return defaultValue;
  }

  /** The default as JSON: "16", "[128,128]", "\"auto\"". */
  public String defaultJson() {
    return toJson(defaultValue).toString();
  }

  /** The one-line meaning users read in {@code --list-keys} and docs/agent.md. */
  public String meaning() {
    return meaning;
  }

  /** This key with one more rule: {@code must} says what a value breaking it should be. */
  Key<T> check(Predicate<? super T> ok, String must) {
    List<Rule<T>> more = new ArrayList<>(rules);
    more.add(new Rule<>(ok, must));
    return registry.replace(this, with(unsetHint, more));
  }

  /** This key with a hint for an unset (null) value: "hiddenSizes must be set" + hint. */
  Key<T> unsetHint(String hint) {
    return registry.replace(this, with(hint, rules));
  }

  private Key<T> with(String hint, List<Rule<T>> newRules) {
    return new Key<>(registry, name, defaultValue, meaning, codec, hint, newRules);
  }

  /**
   * The value to hold (lists and maps as unmodifiable copies), refused with a message naming this
   * key, the rule and the value unless it meets every rule.
   */
  @SuppressWarnings("unchecked")
  T validate(Object value) {
    if (value == null && codec.nullValue() == null) {
      // A key written as a JSON string (text, enums) shows null as it shows strings: 'null'.
      boolean text = codec.jsonType().hasRawClass(String.class);
      throw new IllegalArgumentException(
          name
              + " must be set"
              + (unsetHint != null ? unsetHint : ", got " + show(text ? "null" : null)));
    }
    Object o = value == null ? codec.nullValue() : value;
    if (!codec.valueType().isInstance(o)) {
      throw new IllegalArgumentException(
          name
              + " must be a "
              + codec.valueType().getSimpleName()
              + ", got "
              + o.getClass().getSimpleName());
    }
    T v = (T) o;
    for (Rule<T> r : rules) {
      if (!r.ok().test(v)) {
        throw new IllegalArgumentException(name + " " + r.must() + ", got " + show(v));
      }
    }
    return codec.normalize().apply(v);
  }

  /** A JSON value as this key's type, with Jackson's coercions (2.5 to an int is 2). */
  T fromJson(JsonNode node) throws IOException {
    Object raw = ConfigLoader.JSON.readerFor(codec.jsonType()).readValue(node);
    return raw == null ? null : codec.fromJson().apply(raw);
  }

  /** The value as written to config.json. */
  JsonNode toJson(T value) {
    return ConfigLoader.JSON.valueToTree(codec.toJson().apply(value));
  }

  @Override
  public String toString() {
    return name;
  }

  private static String show(Object v) {
    return v instanceof String s ? "'" + s + "'" : String.valueOf(v);
  }

  /**
   * The keys of one config in the order they are declared, each name once: the factories register a
   * key, and adding a rule to it replaces it in place.
   */
  static final class Registry {
    private final Map<String, Key<?>> keys = new LinkedHashMap<>();

    List<Key<?>> keys() {
      return List.copyOf(keys.values());
    }

    Key<String> text(String name, String def, String meaning) {
      return scalar(name, def, meaning, String.class, String.class);
    }

    Key<Integer> integer(String name, int def, String meaning) {
      return scalar(name, def, meaning, int.class, Integer.class);
    }

    Key<Long> longInteger(String name, long def, String meaning) {
      return scalar(name, def, meaning, long.class, Long.class);
    }

    Key<Double> real(String name, double def, String meaning) {
      return scalar(name, def, meaning, double.class, Double.class);
    }

    Key<Boolean> flag(String name, boolean def, String meaning) {
      return scalar(name, def, meaning, boolean.class, Boolean.class);
    }

    /** Read as Jackson reads {@code json} (a JSON null as an int is 0, as a record field was). */
    private <T> Key<T> scalar(String name, T def, String meaning, Class<?> json, Class<T> type) {
      return add(
          name, def, meaning, new Codec<>(type(json), type, type::cast, x -> x, x -> x, null));
    }

    /** A list of ints, held unmodifiable. */
    @SuppressWarnings("unchecked")
    Key<List<Integer>> ints(String name, List<Integer> def, String meaning) {
      JavaType type = ConfigLoader.JSON.constructType(new TypeReference<List<Integer>>() {});
      return add(
          name,
          def,
          meaning,
          new Codec<>(type, List.class, x -> (List<Integer>) x, x -> x, List::copyOf, null));
    }

    /**
     * Keyword arguments (a JSON object), empty by default and when null, held unmodifiable and
     * sorted by name.
     */
    @SuppressWarnings("unchecked")
    Key<Map<String, Object>> kwargs(String name, String meaning) {
      JavaType type = ConfigLoader.JSON.constructType(new TypeReference<Map<String, Object>>() {});
      return add(
          name,
          Map.of(),
          meaning,
          new Codec<>(
              type,
              Map.class,
              x -> (Map<String, Object>) x,
              x -> x,
              m -> Collections.unmodifiableMap(new TreeMap<>(m)),
              Map.of()));
    }

    /**
     * One of an enum's constants, written in JSON as its {@link #jsonName} ("nature-cnn"), read
     * back exactly: "network must be one of [auto, mlp, nature-cnn], got cnn".
     */
    <E extends Enum<E>> Key<E> choice(String name, E def, String meaning) {
      return choice(name, def, meaning, exactly(name, def.getDeclaringClass().getEnumConstants()));
    }

    /** {@link #choice(String, Enum, String)} read back by {@code parse}. */
    <E extends Enum<E>> Key<E> choice(
        String name, E def, String meaning, Function<String, E> parse) {
      return add(
          name,
          def,
          meaning,
          new Codec<>(
              type(String.class),
              def.getDeclaringClass(),
              x -> parse.apply((String) x),
              Key::jsonName,
              x -> x,
              null));
    }

    private static <E extends Enum<E>> Function<String, E> exactly(String name, E[] values) {
      List<String> names = Arrays.stream(values).map(Key::jsonName).toList();
      return s -> {
        int i = names.indexOf(s);
        if (i < 0) {
          throw new IllegalArgumentException(name + " must be one of " + names + ", got " + s);
        }
        return values[i];
      };
    }

    private static JavaType type(Class<?> c) {
      return ConfigLoader.JSON.constructType(c);
    }

    private <T> Key<T> add(String name, T def, String meaning, Codec<T> codec) {
      if (keys.containsKey(name)) {
        throw new IllegalStateException("two keys named " + name);
      }
      Key<T> k = new Key<>(this, name, def, meaning, codec, null, List.of());
      keys.put(name, k);
      return k;
    }

    private <T> Key<T> replace(Key<T> old, Key<T> now) {
      if (keys.get(old.name) != old) {
        throw new IllegalStateException(old.name + " was changed after it was declared");
      }
      keys.put(old.name, now);
      return now;
    }
  }

  /** "NATURE_CNN" as "nature-cnn". */
  static String jsonName(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
