package io.gymbridge.agent.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Builds a {@link TrainConfig} in layers, each overriding the one before: the defaults (each {@link
 * Key}'s, declared in {@link TrainConfig}), a named preset, a JSON config file, then {@code
 * key=value} settings from the command line. Unknown keys are errors that list the valid ones;
 * values of the wrong type and bad values are refused naming the key and the value.
 */
public final class ConfigLoader {
  /** Presets shipped in the jar, by name. */
  public static final List<String> PRESETS =
      List.of("default", "cleanrl", "sb3-zoo", "tutorial", "atari", "nature", "atari-fast");

  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final ObjectNode config;

  public ConfigLoader() {
    this.config = tree(TrainConfig.defaults());
  }

  /** Overlays a named preset. */
  public ConfigLoader preset(String name) {
    if (!PRESETS.contains(name)) {
      throw new IllegalArgumentException("unknown preset '" + name + "'; presets: " + PRESETS);
    }
    return overlay(resource(name), "preset " + name);
  }

  /** Overlays a JSON file with any subset of the keys. */
  public ConfigLoader file(Path path) {
    try {
      return overlay(JSON.readTree(path.toFile()), path.toString());
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read config file " + path + ": " + e.getMessage());
    }
  }

  /**
   * Overlays one {@code key=value}; the value is JSON (42, 0.5, true, [64,64]) or a bare string.
   */
  public ConfigLoader set(String assignment) {
    int eq = assignment.indexOf('=');
    if (eq <= 0) {
      throw new IllegalArgumentException("--set expects key=value, got '" + assignment + "'");
    }
    String key = assignment.substring(0, eq).trim();
    String raw = assignment.substring(eq + 1).trim();
    JsonNode value;
    try {
      value = JSON.readTree(raw);
    } catch (JsonProcessingException e) {
      value = JSON.getNodeFactory().textNode(raw);
    }
    ObjectNode one = JSON.createObjectNode();
    one.set(key, value);
    return overlay(one, "--set " + assignment);
  }

  /** The config these layers make, validated by {@link TrainConfig}. */
  public TrainConfig build() {
    TrainConfig.Builder b = TrainConfig.builder();
    for (Key<?> k : TrainConfig.keys()) {
      read(b, k);
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid config: " + e.getMessage());
    }
  }

  private <T> void read(TrainConfig.Builder b, Key<T> key) {
    try {
      b.set(key, key.fromJson(config.get(key.name())));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid config: " + e.getMessage()); // an enum's parse
    } catch (JsonMappingException e) {
      // A value of the wrong type: Jackson's message without its second line (the parser's
      // location, meaningless here).
      throw new IllegalArgumentException(
          "invalid config: " + key.name() + path(e) + ": " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new IllegalArgumentException("invalid config: " + key.name() + ": " + e.getMessage());
    }
  }

  /** Where in a key's value a mapping error is: "" or "[1]" (of "hiddenSizes[1]"). */
  private static String path(JsonMappingException e) {
    StringBuilder b = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getFieldName() != null) {
        b.append('.').append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        b.append('[').append(r.getIndex()).append(']');
      }
    }
    return b.toString();
  }

  /** The config as JSON, as written to a run's config.json. */
  public static String toJson(TrainConfig config) {
    try {
      return JSON.writeValueAsString(tree(config));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The config as a JSON object, its keys in {@link TrainConfig#keys()}'s order. */
  private static ObjectNode tree(TrainConfig config) {
    ObjectNode node = JSON.createObjectNode();
    for (Key<?> k : TrainConfig.keys()) {
      node.set(k.name(), json(config, k));
    }
    return node;
  }

  private static <T> JsonNode json(TrainConfig config, Key<T> key) {
    return key.toJson(config.get(key));
  }

  /**
   * A run's config.json, over the defaults: a run written before a key existed gets that key's
   * default (the behaviour it had), so older run directories still resume and evaluate.
   *
   * @throws NotARunException there is no such file: the directory holds no run
   */
  public static TrainConfig read(Path configJson) throws IOException {
    if (!Files.isRegularFile(configJson)) {
      throw new NotARunException(configJson.toAbsolutePath().getParent());
    }
    return new ConfigLoader().file(configJson).build();
  }

  /** Every key a config may set, sorted. */
  public static TreeSet<String> keys() {
    TreeSet<String> keys = new TreeSet<>();
    TrainConfig.keys().forEach(k -> keys.add(k.name()));
    return keys;
  }

  private ConfigLoader overlay(JsonNode layer, String source) {
    TreeSet<String> keys = keys();
    for (Iterator<Map.Entry<String, JsonNode>> it = layer.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().startsWith("_")) {
        continue; // comments such as "_source"
      }
      if (!keys.contains(e.getKey())) {
        throw new IllegalArgumentException(
            source + ": unknown key '" + e.getKey() + "'; valid keys: " + keys);
      }
      config.set(e.getKey(), e.getValue());
    }
    return this;
  }

  private static JsonNode resource(String name) {
    try (InputStream in = ConfigLoader.class.getResourceAsStream("/presets/" + name + ".json")) {
      if (in == null) {
        throw new IllegalStateException("preset resource missing: " + name);
      }
      return JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
