package dev.kubetape.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RequestInfoTest {
  @Test
  @DisplayName("a namespaced subresource path names group, version, namespace, resource, name and subresource")
  void namespacedSubresource() {
    assertEquals(new RequestInfo("", "v1", "shop", "pods", "web-1", "log", false),
        RequestInfo.parse("/api/v1/namespaces/shop/pods/web-1/log"));
    assertEquals(new RequestInfo("apps", "v1", "shop", "deployments", "web", "scale", false),
        RequestInfo.parse("/apis/apps/v1/namespaces/shop/deployments/web/scale"));
  }

  @Test
  @DisplayName("namespaces/NAME/status and /finalize are about the namespace itself")
  void namespaceSubresources() {
    assertEquals(new RequestInfo("", "v1", null, "namespaces", "shop", "finalize", false),
        RequestInfo.parse("/api/v1/namespaces/shop/finalize"));
    assertEquals(new RequestInfo("", "v1", null, "namespaces", "shop", null, false),
        RequestInfo.parse("/api/v1/namespaces/shop"));
    assertEquals(new RequestInfo("", "v1", null, "namespaces", null, null, false),
        RequestInfo.parse("/api/v1/namespaces"));
  }

  @Test
  @DisplayName("the legacy /watch/ prefix marks a watch; discovery paths are not resources")
  void legacyWatchAndDiscovery() {
    assertEquals(new RequestInfo("apps", "v1", "shop", "replicasets", null, null, true),
        RequestInfo.parse("/apis/apps/v1/watch/namespaces/shop/replicasets"));
    assertNull(RequestInfo.parse("/apis/apps/v1"));
    assertNull(RequestInfo.parse("/api/v1"));
    assertNull(RequestInfo.parse("/version"));
  }
}
