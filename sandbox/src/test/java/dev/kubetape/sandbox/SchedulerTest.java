package dev.kubetape.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SchedulerTest {

  private static JsonNode yaml(String text) throws IOException {
    return Json.YAML.readTree(text);
  }

  @Test
  @DisplayName("a pod requests the sum of its containers, or its largest init container, plus overhead")
  void requests() throws IOException {
    Map<String, BigDecimal> requests = Scheduler.podRequests(yaml("""
        containers:
          - {name: a, resources: {requests: {cpu: 250m, memory: 256Mi}}}
          - {name: b, resources: {limits: {cpu: "1", memory: 1Gi}}}
        initContainers:
          - {name: init, resources: {requests: {cpu: "2"}}}
        overhead: {cpu: 100m}
        """), false);
    assertEquals(0, new BigDecimal("2.1").compareTo(requests.get("cpu")), "init container's 2 CPUs + overhead");
    assertEquals(0, BigDecimal.valueOf(1280L * 1024 * 1024).compareTo(requests.get("memory")), "a limit counts as a request");
    Map<String, BigDecimal> scoring = Scheduler.podRequests(yaml("containers: [{name: a}]"), true);
    assertEquals(0, new BigDecimal("0.1").compareTo(scoring.get("cpu")));
    assertTrue(Scheduler.podRequests(yaml("containers: [{name: a}]"), false).isEmpty());
  }

  @Test
  @DisplayName("node affinity: nodeSelector labels, and any one of the required terms")
  void affinity() throws IOException {
    JsonNode node = yaml("metadata: {name: node-2, labels: {zone: b, disk: ssd}}");
    assertTrue(NodeAffinity.matches(yaml("nodeSelector: {zone: b}"), node));
    assertFalse(NodeAffinity.matches(yaml("nodeSelector: {zone: a}"), node));
    assertTrue(NodeAffinity.matches(yaml("""
        affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [
          {matchExpressions: [{key: zone, operator: In, values: [a]}]},
          {matchExpressions: [{key: disk, operator: Exists}, {key: gpu, operator: DoesNotExist}]}]}}}
        """), node));
    assertFalse(NodeAffinity.matches(yaml("""
        affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [
          {matchFields: [{key: metadata.name, operator: NotIn, values: [node-2]}]}]}}}
        """), node));
  }
}
