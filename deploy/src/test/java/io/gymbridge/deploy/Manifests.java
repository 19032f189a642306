package io.gymbridge.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Renders a kustomization with kubectl and reads its objects with the Kubernetes API's models. */
final class Manifests {
  private static final ObjectMapper JSON = JsonMapper.builder().build();
  private static final YAMLMapper YAML = new YAMLMapper();

  private Manifests() {}

  /** One rendered object: its kind, name, namespace and JSON text. */
  record Doc(String apiVersion, String kind, String name, String namespace, String json) {
    Doc withJson(String other) {
      return new Doc(apiVersion, kind, name, namespace, other);
    }

    @Override
    public String toString() {
      return kind + " " + name;
    }
  }

  /**
   * {@code kubectl kustomize} of {@code tree/kustomization}, on a copy in {@code tmp} whose
   * secrets/ folders hold made-up files (git ignores the real ones; kustomize needs them to exist).
   */
  static List<Doc> render(Path tree, String kustomization, Path tmp)
      throws IOException, InterruptedException {
    Path copy = tmp.resolve("kubernetes");
    try (Stream<Path> files = Files.walk(tree)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Path rel = tree.relativize(p);
        if (rel.toString().contains("secrets")) {
          continue; // a developer's own secrets/ stay out of the test
        }
        Path to = copy.resolve(rel.toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(to);
        } else {
          Files.copy(p, to);
        }
      }
    }
    writeSecrets(copy.resolve("base/secrets"), "token");
    writeSecrets(
        copy.resolve("overlays/mutual-tls/secrets"),
        "ca.pem",
        "server.pem",
        "server.key",
        "client.pem",
        "client.key");
    Process kubectl =
        new ProcessBuilder("kubectl", "kustomize", copy.resolve(kustomization).toString())
            .redirectErrorStream(false)
            .start();
    byte[] out = kubectl.getInputStream().readAllBytes();
    String err = new String(kubectl.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!kubectl.waitFor(60, TimeUnit.SECONDS) || kubectl.exitValue() != 0) {
      throw new IllegalStateException("kubectl kustomize " + kustomization + " failed: " + err);
    }
    List<Doc> docs = new ArrayList<>();
    try (var parser = new YAMLFactory().createParser(out)) {
      for (JsonNode node : (Iterable<JsonNode>) () -> readAll(parser)) {
        JsonNode meta = node.path("metadata");
        docs.add(
            new Doc(
                node.path("apiVersion").asText(),
                node.path("kind").asText(),
                meta.path("name").asText(),
                meta.path("namespace").asText(meta.path("name").asText()),
                JSON.writeValueAsString(node)));
      }
    }
    return docs;
  }

  /** The one object of this kind. */
  static Doc one(List<Doc> docs, String kind) {
    List<Doc> hits = docs.stream().filter(d -> d.kind().equals(kind)).toList();
    if (hits.size() != 1) {
      throw new AssertionError("expected one " + kind + ", found " + hits);
    }
    return hits.get(0);
  }

  /**
   * The object as the Kubernetes API's model class for its apiVersion and kind ({@code apps/v1
   * Deployment} -> V1Deployment), parsed by the model's own validating reader.
   *
   * @throws IllegalArgumentException the object is not valid; the message names it and why
   */
  @SuppressWarnings("unchecked")
  static <T> T parse(Doc doc) {
    String version = doc.apiVersion().substring(doc.apiVersion().indexOf('/') + 1);
    String type =
        "io.kubernetes.client.openapi.models."
            + Character.toUpperCase(version.charAt(0))
            + version.substring(1)
            + doc.kind();
    try {
      Class<?> model = Class.forName(type);
      return (T) model.getMethod("fromJson", String.class).invoke(null, doc.json());
    } catch (ClassNotFoundException e) {
      throw new IllegalArgumentException(doc + ": no Kubernetes API model " + type, e);
    } catch (InvocationTargetException e) {
      throw new IllegalArgumentException(doc + ": " + e.getCause().getMessage(), e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void writeSecrets(Path dir, String... names) throws IOException {
    Files.createDirectories(dir);
    for (String name : names) {
      Files.writeString(dir.resolve(name), "test-" + name + "-" + System.nanoTime() + "\n");
    }
  }

  private static java.util.Iterator<JsonNode> readAll(
      com.fasterxml.jackson.core.JsonParser parser) {
    try {
      return YAML.readValues(parser, JsonNode.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
