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
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Builds a {@link TrainConfig} in layers, each overriding the one before: the defaults ({@link
 * TrainConfig.Builder}), a named preset, a JSON config file, then {@code key=value} settings from
 * the command line. Unknown keys are errors that list the valid ones; bad values are refused by
 * {@link TrainConfig}'s constructor, which names the field and the value.
 */
public final class ConfigLoader {
  /** Presets shipped in the jar, by name. */
  public static final List<String> PRESETS =
      List.of("default", "cleanrl", "sb3-zoo", "tutorial", "atari", "nature", "atari-fast");

  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final ObjectNode config;

  public ConfigLoader() {
    this.config = JSON.valueToTree(TrainConfig.defaults());
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

  public TrainConfig build() {
    try {
      return JSON.treeToValue(config, TrainConfig.class);
    } catch (JsonMappingException e) {
      // TrainConfig's own refusal (its message names the field), else a value of the wrong type:
      // Jackson's message without its second line (the parser's location, meaningless here).
      String why =
          e.getCause() instanceof IllegalArgumentException c
              ? c.getMessage()
              : path(e) + ": " + e.getOriginalMessage();
      throw new IllegalArgumentException("invalid config: " + why);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("invalid config: " + e.getOriginalMessage());
    }
  }

  /** The key (and index) a mapping error is about: "numEnvs", "hiddenSizes[1]". */
  private static String path(JsonMappingException e) {
    StringBuilder b = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getFieldName() != null) {
        b.append(b.length() == 0 ? "" : ".").append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        b.append('[').append(r.getIndex()).append(']');
      }
    }
    return b.toString();
  }

  /** The config as JSON, as written to a run's config.json. */
  public static String toJson(TrainConfig config) {
    try {
      return JSON.writeValueAsString(config);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
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
    Arrays.stream(TrainConfig.class.getRecordComponents())
        .map(RecordComponent::getName)
        .forEach(keys::add);
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
