package io.gymbridge.agent.train;

/**
 * Every config key with its default and meaning, for users: read from the keys {@link TrainConfig}
 * declares, so the list cannot drift from the code.
 */
public final class ConfigKeys {
  private ConfigKeys() {}

  /** The keys as the Markdown table of docs/agent.md. */
  public static String markdownTable() {
    StringBuilder s = new StringBuilder("| key | default | meaning |\n|---|---|---|\n");
    for (Key<?> k : TrainConfig.keys()) {
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
    for (Key<?> k : TrainConfig.keys()) {
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
