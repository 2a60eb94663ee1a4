package dev.kubetape.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RouteTest {
  @Test
  @DisplayName("a namespaced subresource path gives verb, group, version, resource, namespace, name and subresource")
  void namespacedSubresource() {
    assertEquals(new Route("patch", "apps", "v1", "deployments", "shop", "web", "scale"),
        Route.of("PATCH", "/apis/apps/v1/namespaces/shop/deployments/web/scale", null));
  }

  @Test
  @DisplayName("GET is get with a name, list without, watch with watch=true or the /watch/ prefix")
  void readVerbs() {
    assertEquals("get", Route.of("GET", "/api/v1/namespaces/a/pods/p", null).verb());
    assertEquals("list", Route.of("GET", "/api/v1/namespaces/a/pods", "limit=500").verb());
    assertEquals("watch", Route.of("GET", "/api/v1/namespaces/a/pods", "watch=true&resourceVersion=5").verb());
    assertEquals(new Route("watch", "", "v1", "pods", "a", null, null),
        Route.of("GET", "/api/v1/watch/namespaces/a/pods", null));
  }

  @Test
  @DisplayName("DELETE of a collection is deletecollection; POST create, PUT update")
  void writeVerbs() {
    assertEquals("deletecollection", Route.of("DELETE", "/api/v1/namespaces/a/configmaps", null).verb());
    assertEquals("delete", Route.of("DELETE", "/api/v1/namespaces/a/configmaps/c", null).verb());
    assertEquals("create", Route.of("POST", "/api/v1/namespaces/a/configmaps", null).verb());
    assertEquals("update", Route.of("PUT", "/api/v1/namespaces/a/configmaps/c", null).verb());
  }

  @Test
  @DisplayName("a namespace is itself the object of /namespaces/NAME and its status and finalize subresources")
  void namespaces() {
    assertEquals(new Route("get", "", "v1", "namespaces", "kube-system", "kube-system", null),
        Route.of("GET", "/api/v1/namespaces/kube-system", null));
    assertEquals(new Route("update", "", "v1", "namespaces", "gone", "gone", "finalize"),
        Route.of("PUT", "/api/v1/namespaces/gone/finalize", null));
    assertEquals(new Route("list", "", "v1", "namespaces", null, null, null), Route.of("GET", "/api/v1/namespaces", null));
  }

  @Test
  @DisplayName("paths outside the resource API have the method as verb and no route fields")
  void nonResource() {
    assertEquals(new Route("get", null, null, null, null, null, null), Route.of("GET", "/openapi/v3", null));
    assertEquals(new Route("get", null, null, null, null, null, null), Route.of("GET", "/version", null));
    assertEquals(new Route("get", null, null, null, null, null, null), Route.of("GET", "/apis/apps/v1", null));
    assertEquals(new Route("get", null, null, null, null, null, null), Route.of("GET", "/api/v1", null));
  }

  @Test
  @DisplayName("only mutations of workload kinds, their status and scale carry bodies to the tap")
  void workloadBodies() {
    assertTrue(Route.of("POST", "/api/v1/namespaces/a/configmaps", null).changesWorkload());
    assertTrue(Route.of("PATCH", "/apis/apps/v1/namespaces/a/deployments/d", null).changesWorkload());
    assertTrue(Route.of("PUT", "/apis/apps/v1/namespaces/a/deployments/d/scale", null).changesWorkload());
    assertTrue(Route.of("DELETE", "/api/v1/namespaces/a/secrets/s", null).changesWorkload());
    assertFalse(Route.of("GET", "/apis/apps/v1/namespaces/a/deployments/d", null).changesWorkload());
    assertFalse(Route.of("POST", "/api/v1/namespaces/a/pods/p/exec", "command=ls").changesWorkload());
    assertFalse(Route.of("POST", "/apis/batch/v1/namespaces/a/jobs", null).changesWorkload());
    assertFalse(Route.of("POST", "/api/v1/namespaces", null).changesWorkload());
  }
}
