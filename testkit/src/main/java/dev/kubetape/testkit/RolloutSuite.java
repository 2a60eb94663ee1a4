package dev.kubetape.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Rollouts as a user sees them with kubectl, against any upstream with controllers: a
 * deployment of an image the catalog knows rolls out; one of an image that does not exist
 * stops at its progress deadline. Written once; subclasses pick the upstream.
 */
public abstract class RolloutSuite {
  protected abstract UpstreamExtension upstream();

  protected Tool kubectl;
  protected String ns;

  @BeforeEach
  void createNamespace(TestInfo test) {
    kubectl = new Tool(KubeTools.kubectl(), upstream().upstream().kubeconfig(), upstream().folder());
    ns = TestNamespace.name(test);
    kubectl.run("create", "namespace", ns).ok();
  }

  @AfterEach
  void deleteNamespace() {
    kubectl.run("delete", "namespace", ns, "--wait=false", "--ignore-not-found");
  }

  static String deployment(String name, String image, int replicas, int deadlineSeconds) {
    return """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: %1$s
        spec:
          replicas: %3$d
          progressDeadlineSeconds: %4$d
          selector:
            matchLabels: {app: %1$s}
          template:
            metadata:
              labels: {app: %1$s}
            spec:
              containers:
              - name: web
                image: %2$s
        """.formatted(name, image, replicas, deadlineSeconds);
  }

  @Test
  @DisplayName("a deployment of a catalog image rolls out: rollout status succeeds, the ReplicaSet is ready")
  void goodRollout() {
    kubectl.runWithInput(deployment("web", "registry.example/shop/web:1.4.1", 3, 600),
        "apply", "-n", ns, "-f", "-").ok();
    Tool.Result status = kubectl.run(null, java.time.Duration.ofSeconds(120), "rollout", "status",
        "deployment/web", "-n", ns, "--timeout=100s");
    assertEquals(0, status.exitCode(), status::describe);
    assertTrue(status.stdout().contains("deployment \"web\" successfully rolled out"), status.stdout());
    String ready = kubectl.run("get", "rs", "-n", ns, "-l", "app=web", "-o",
        "jsonpath={.items[0].status.readyReplicas}/{.items[0].spec.replicas}").ok().stdout();
    assertEquals("3/3", ready);
    String reasons = kubectl.run("get", "events", "-n", ns, "--field-selector",
        "involvedObject.kind=Deployment", "-o", "jsonpath={.items[*].reason}").ok().stdout();
    assertTrue(reasons.contains("ScalingReplicaSet"), reasons);
  }

  @Test
  @DisplayName("a deployment of an image that does not exist fails its rollout at the progress deadline")
  void missingImageExceedsDeadline() {
    kubectl.runWithInput(deployment("ghost", "registry.example/shop/web:9.9.9-missing", 1, 15),
        "apply", "-n", ns, "-f", "-").ok();
    Tool.Result status = kubectl.run(null, java.time.Duration.ofSeconds(150), "rollout", "status",
        "deployment/ghost", "-n", ns, "--timeout=120s");
    assertNotEquals(0, status.exitCode(), status::describe);
    assertTrue(status.stderr().contains("error: deployment \"ghost\" exceeded its progress deadline"),
        status::describe);
    String condition = kubectl.run("get", "deployment", "ghost", "-n", ns, "-o",
        "jsonpath={.status.conditions[?(@.type==\"Progressing\")].reason}").ok().stdout();
    assertEquals("ProgressDeadlineExceeded", condition);
  }
}
