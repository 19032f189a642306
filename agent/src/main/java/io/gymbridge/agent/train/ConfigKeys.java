package io.gymbridge.agent.train;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;

/**
 * Every config key with its default and meaning, read from {@link TrainConfig} itself (its record
 * components, their {@link Doc} and {@link TrainConfig#defaults()}), so the list users see cannot
 * drift from the code.
 */
public final class ConfigKeys {
  /** One key: its name, its default as JSON, its meaning. */
  public record Key(String name, String defaultJson, String meaning) {}

  private ConfigKeys() {}

  /** The keys in the order of the record (grouped by subject), with their defaults. */
  public static List<Key> all() {
    JsonNode defaults = ConfigLoader.JSON.valueToTree(TrainConfig.defaults());
    List<Key> keys = new ArrayList<>();
    for (RecordComponent c : TrainConfig.class.getRecordComponents()) {
      Doc doc = c.getAnnotation(Doc.class);
      if (doc == null) {
        throw new IllegalStateException("TrainConfig." + c.getName() + " has no @Doc");
      }
      keys.add(new Key(c.getName(), defaults.get(c.getName()).toString(), doc.value()));
    }
    return keys;
  }

  /** The keys as the Markdown table of docs/agent.md. */
  public static String markdownTable() {
    StringBuilder s = new StringBuilder("| key | default | meaning |\n|---|---|---|\n");
    for (Key k : all()) {
      s.append("| `")
          .append(k.name())
          .append("` | `")
          .append(k.defaultJson())
          .append("` | ")
          .append(k.meaning().replace("|", "\\|"))
          .append(" |\n");
    }
    return s.toString();
  }

  /** The keys for a terminal: name and default on one line, the meaning wrapped below it. */
  public static String text(int width) {
    StringBuilder s = new StringBuilder();
    for (Key k : all()) {
      s.append(k.name()).append(" (default ").append(k.defaultJson()).append(")\n");
      StringBuilder line = new StringBuilder("    ");
      for (String word : k.meaning().split(" ")) {
        if (line.length() + word.length() + 1 > width && line.length() > 4) {
          s.append(line.toString().stripTrailing()).append('\n');
          line = new StringBuilder("    ");
        }
        line.append(word).append(' ');
      }
      s.append(line.toString().stripTrailing()).append('\n');
    }
    return s.toString();
  }
}
