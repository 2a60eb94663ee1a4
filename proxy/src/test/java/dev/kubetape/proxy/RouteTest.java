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

  @Test
  @DisplayName("the first watch parameter makes a watch unless it is 0 or false, as the API server reads it")
  void watchSpellings() {
    for (String yes : new String[] {"watch=1", "watch=t", "watch=TRUE", "watch=yes", "watch=", "watch",
        "limit=5&watch=true", "watch=true&watch=false"}) {
      assertEquals("watch", Route.of("GET", "/api/v1/pods", yes).verb(), yes);
    }
    for (String no : new String[] {"watch=false", "watch=FALSE", "watch=0", "xwatch=true", "watcher=true",
        "allowWatchBookmarks=true", "watch=false&watch=true"}) {
      assertEquals("list", Route.of("GET", "/api/v1/pods", no).verb(), no);
    }
  }

  @Test
  @DisplayName("watches, logs, exec, attach, port-forward and proxying are long-running, as the API server counts them")
  void longRunning() {
    assertTrue(Route.of("GET", "/api/v1/namespaces/a/pods", "watch=true").longRunning());
    assertTrue(Route.of("GET", "/apis/apps/v1/watch/deployments", null).longRunning());
    assertTrue(Route.of("GET", "/api/v1/namespaces/a/pods/p/log", "follow=true").longRunning());
    assertTrue(Route.of("POST", "/api/v1/namespaces/a/pods/p/exec", "command=ls").longRunning());
    assertTrue(Route.of("POST", "/api/v1/namespaces/a/pods/p/attach", null).longRunning());
    assertTrue(Route.of("POST", "/api/v1/namespaces/a/pods/p/portforward", null).longRunning());
    assertTrue(Route.of("GET", "/api/v1/namespaces/a/services/web:80/proxy/metrics", null).longRunning());
    assertTrue(Route.of("GET", "/api/v1/proxy/namespaces/a/pods/p/x", null).longRunning());
    assertFalse(Route.of("GET", "/api/v1/namespaces/a/pods/p", null).longRunning());
    assertFalse(Route.of("GET", "/api/v1/pods", "limit=500").longRunning());
    assertFalse(Route.of("GET", "/apis/apps/v1/namespaces/a/deployments/d/status", null).longRunning());
    assertFalse(Route.of("GET", "/version", null).longRunning());
    assertFalse(Route.of("GET", "/apis/proxy.example.com/v1/proxy", null).longRunning());
  }
}
