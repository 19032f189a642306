package io.gymbridge.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1NetworkPolicy;
import io.kubernetes.client.openapi.models.V1NetworkPolicyIngressRule;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1Probe;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1Volume;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * deploy/kubernetes as a cluster would receive it: rendered by kustomize ({@code kubectl
 * kustomize}), every object parsed strictly by the Kubernetes API's models (an unknown or misspelt
 * field, a missing required field or a wrong type fails, as {@code kubectl apply} would), then
 * checked against what gymbridge needs to run there. The container tests play the same manifests in
 * podman.
 */
class KubernetesManifestsTest {
  private static final Path KUBERNETES = Path.of("kubernetes").toAbsolutePath();

  @ParameterizedTest
  @ValueSource(strings = {"base", "overlays/mutual-tls"})
  void everyObjectIsValidAgainstTheKubernetesApi(String kustomization, @TempDir Path tmp)
      throws Exception {
    List<Manifests.Doc> docs = Manifests.render(KUBERNETES, kustomization, tmp);
    assertEquals(
        List.of(
            "Namespace",
            "Secret",
            "Service",
            "PersistentVolumeClaim",
            "Deployment",
            "Job",
            "NetworkPolicy"),
        docs.stream().map(Manifests.Doc::kind).distinct().toList());
    for (Manifests.Doc doc : docs) {
      Manifests.parse(doc); // throws, naming the object and the field, when invalid
      assertEquals("gymbridge", doc.namespace(), doc + " is outside the gymbridge namespace");
    }
  }

  @Test
  void theSchemaCheckCatchesAMisspeltField(@TempDir Path tmp) throws Exception {
    Manifests.Doc deployment =
        Manifests.one(Manifests.render(KUBERNETES, "base", tmp), "Deployment");
    Manifests.Doc misspelt =
        deployment.withJson(deployment.json().replace("\"image\"", "\"imagee\""));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Manifests.parse(misspelt));
    assertTrue(e.getMessage().contains("imagee"), e.getMessage());
  }

  @Test
  void serversAreProbedOnTheirHealthPortAndBudgetedWithinTheirLimit(@TempDir Path tmp)
      throws Exception {
    V1Deployment deployment = Manifests.parse(Manifests.one(render(tmp), "Deployment"));
    V1Container server = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    Map<String, String> env = env(server);
    int healthPort = Integer.parseInt(env.get("GYMBRIDGE_HEALTH_PORT"));
    for (V1Probe probe : List.of(server.getReadinessProbe(), server.getLivenessProbe())) {
      // The kubelet's native gRPC probe asks grpc.health.v1, which needs no token on this port.
      assertEquals(healthPort, probe.getGrpc().getPort());
    }
    // The server refuses Makes past its budget; the budget plus the JVM's heap (a quarter of the
    // limit by default) must fit the limit, or the pod is OOM-killed before the budget says no.
    long limit = bytes(server.getResources().getLimits().get("memory"));
    long budget = Long.parseLong(env.get("GYMBRIDGE_MAX_ENV_MEMORY_MB")) << 20;
    assertTrue(budget + limit / 4 <= limit * 9 / 10, "budget " + budget + " vs limit " + limit);
    assertTrue(bytes(server.getResources().getRequests().get("memory")) <= limit);
  }

  @Test
  void theTokenComesFromTheSecretAndIsWrittenNowhere(@TempDir Path tmp) throws Exception {
    List<Manifests.Doc> docs = render(tmp);
    String token = Files.readString(tmp.resolve("kubernetes/base/secrets/token")).trim();
    for (Manifests.Doc doc : docs) {
      if (!doc.kind().equals("Secret")) {
        assertFalse(doc.json().contains(token), doc + " holds the token");
      }
    }
    String secretName = Manifests.one(docs, "Secret").name();
    V1PodSpec server =
        Manifests.<V1Deployment>parse(Manifests.one(docs, "Deployment"))
            .getSpec()
            .getTemplate()
            .getSpec();
    V1PodSpec agent =
        Manifests.<V1Job>parse(Manifests.one(docs, "Job")).getSpec().getTemplate().getSpec();
    for (V1PodSpec pod : List.of(server, agent)) {
      V1Container c = pod.getContainers().get(0);
      String tokenFile = env(c).get("GYMBRIDGE_TOKEN_FILE");
      String volume =
          c.getVolumeMounts().stream()
              .filter(m -> tokenFile.startsWith(m.getMountPath() + "/"))
              .findFirst()
              .orElseThrow()
              .getName();
      assertEquals(secretName, volume(pod, volume).getSecret().getSecretName());
      assertFalse(env(c).containsKey("GYMBRIDGE_TOKEN"), "a token literal in " + c.getName());
    }
  }

  @Test
  void theAgentDialsEveryReplicaThroughTheHeadlessServiceAndWritesToTheClaim(@TempDir Path tmp)
      throws Exception {
    List<Manifests.Doc> docs = render(tmp);
    V1Service service = Manifests.parse(Manifests.one(docs, "Service"));
    V1Deployment deployment = Manifests.parse(Manifests.one(docs, "Deployment"));
    V1Job job = Manifests.parse(Manifests.one(docs, "Job"));
    assertEquals("None", service.getSpec().getClusterIP(), "headless: one address per pod");
    assertTrue(
        deployment
            .getSpec()
            .getTemplate()
            .getMetadata()
            .getLabels()
            .entrySet()
            .containsAll(service.getSpec().getSelector().entrySet()));
    int port = service.getSpec().getPorts().get(0).getPort();
    List<String> args = job.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs();
    assertTrue(
        args.contains("--server=dns:///" + service.getMetadata().getName() + ":" + port),
        args.toString());
    assertTrue(args.stream().anyMatch(a -> a.startsWith("--wait-for-servers=")), args.toString());
    // A restarted Job pod continues the run instead of failing on the existing directory.
    assertTrue(args.contains("--resume=if-present"), args.toString());
    String out =
        args.stream()
            .filter(a -> a.startsWith("--out="))
            .findFirst()
            .orElseThrow()
            .substring("--out=".length());
    V1PodSpec pod = job.getSpec().getTemplate().getSpec();
    String claimVolume =
        pod.getContainers().get(0).getVolumeMounts().stream()
            .filter(m -> out.startsWith(m.getMountPath() + "/"))
            .findFirst()
            .orElseThrow()
            .getName();
    assertEquals(
        Manifests.one(docs, "PersistentVolumeClaim").name(),
        volume(pod, claimVolume).getPersistentVolumeClaim().getClaimName());
  }

  @Test
  void onlyTheAgentReachesTheServersGrpcPort(@TempDir Path tmp) throws Exception {
    List<Manifests.Doc> docs = render(tmp);
    V1NetworkPolicy policy = Manifests.parse(Manifests.one(docs, "NetworkPolicy"));
    V1Deployment deployment = Manifests.parse(Manifests.one(docs, "Deployment"));
    V1Job job = Manifests.parse(Manifests.one(docs, "Job"));
    assertEquals(
        deployment.getSpec().getSelector().getMatchLabels(),
        policy.getSpec().getPodSelector().getMatchLabels());
    assertEquals(List.of("Ingress"), policy.getSpec().getPolicyTypes());
    V1NetworkPolicyIngressRule rule = policy.getSpec().getIngress().get(0);
    assertEquals(1, policy.getSpec().getIngress().size());
    assertEquals(
        job.getSpec().getTemplate().getMetadata().getLabels().get("app.kubernetes.io/name"),
        rule.getFrom().get(0).getPodSelector().getMatchLabels().get("app.kubernetes.io/name"));
    assertEquals(50051, rule.getPorts().get(0).getPort().getIntValue());
  }

  @Test
  void bothPodsRunAsNonRootWithAReadOnlyRoot(@TempDir Path tmp) throws Exception {
    List<Manifests.Doc> docs = render(tmp);
    V1PodSpec server =
        Manifests.<V1Deployment>parse(Manifests.one(docs, "Deployment"))
            .getSpec()
            .getTemplate()
            .getSpec();
    V1PodSpec agent =
        Manifests.<V1Job>parse(Manifests.one(docs, "Job")).getSpec().getTemplate().getSpec();
    for (V1PodSpec pod : List.of(server, agent)) {
      assertTrue(pod.getSecurityContext().getRunAsNonRoot());
      V1Container c = pod.getContainers().get(0);
      assertTrue(c.getSecurityContext().getReadOnlyRootFilesystem());
      assertFalse(c.getSecurityContext().getAllowPrivilegeEscalation());
      assertEquals(List.of("ALL"), c.getSecurityContext().getCapabilities().getDrop());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "overlays/mutual-tls"})
  void noPodGetsAServiceAccountTokenAndEveryJvmExitsWhenOutOfMemory(
      String kustomization, @TempDir Path tmp) throws Exception {
    List<Manifests.Doc> docs = Manifests.render(KUBERNETES, kustomization, tmp);
    V1PodSpec server =
        Manifests.<V1Deployment>parse(Manifests.one(docs, "Deployment"))
            .getSpec()
            .getTemplate()
            .getSpec();
    V1PodSpec agent =
        Manifests.<V1Job>parse(Manifests.one(docs, "Job")).getSpec().getTemplate().getSpec();
    for (V1PodSpec pod : List.of(server, agent)) {
      // Neither pod calls the Kubernetes API; a mounted token would only serve an intruder.
      assertEquals(Boolean.FALSE, pod.getAutomountServiceAccountToken(), pod.toString());
      // A JVM out of memory exits and is restarted, instead of answering in an unknown state.
      String javaOptions = env(pod.getContainers().get(0)).getOrDefault("JAVA_TOOL_OPTIONS", "");
      assertTrue(javaOptions.contains("-XX:+ExitOnOutOfMemoryError"), javaOptions);
    }
  }

  private static List<Manifests.Doc> render(Path tmp) throws IOException, InterruptedException {
    return Manifests.render(KUBERNETES, "base", tmp);
  }

  private static Map<String, String> env(V1Container c) {
    return Stream.ofNullable(c.getEnv())
        .flatMap(List::stream)
        .collect(
            java.util.stream.Collectors.toMap(
                V1EnvVar::getName, e -> e.getValue() == null ? "" : e.getValue()));
  }

  private static V1Volume volume(V1PodSpec pod, String name) {
    return pod.getVolumes().stream()
        .filter(v -> v.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no volume " + name));
  }

  private static long bytes(Quantity q) {
    return q.getNumber().multiply(BigDecimal.ONE).longValueExact();
  }
}
