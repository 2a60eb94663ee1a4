package dev.kubetape.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ImageCatalogTest {

  @Test
  @DisplayName("the built-in catalog is examples/sandbox/catalog.yaml: good, crashing, OOM, never-ready and slow images")
  void builtIn() throws IOException {
    ImageCatalog catalog = ImageCatalog.load(null);
    ImageCatalog.Image good = catalog.find("registry.example/shop/web:1.4.1").orElseThrow();
    assertTrue(good.ready());
    assertNull(good.exitAfterSeconds());
    assertTrue(good.logs().stream().anyMatch(line -> line.contains("Started WebApplication")));
    ImageCatalog.Image crash = catalog.find("registry.example/shop/web:1.5.1").orElseThrow();
    assertEquals(1, crash.exitCode());
    assertTrue(crash.logs().get(crash.logs().size() - 1).contains("DATABASE_URL is not set"));
    assertTrue(catalog.find("registry.example/shop/web:1.6.0").orElseThrow().memoryMi() > 512);
    assertFalse(catalog.find("registry.example/shop/web:1.7.0").orElseThrow().ready());
    assertTrue(catalog.find("registry.example/shop/web:2.0.0").orElseThrow().startSeconds() >= 30);
    assertTrue(catalog.find("registry.example/shop/web:1.4.3").isEmpty(), "an unlisted tag is not in the registry");
  }

  @Test
  @DisplayName("an exact reference wins over prefixes, and the longest prefix over shorter ones")
  void precedence() throws IOException {
    ImageCatalog catalog = ImageCatalog.parse("""
        images:
          - {image: "registry.example/*", startSeconds: 1}
          - {image: "registry.example/shop/*", startSeconds: 2}
          - {image: "registry.example/shop/web:1.0", startSeconds: 3}
        """);
    assertEquals(3, catalog.find("registry.example/shop/web:1.0").orElseThrow().startSeconds());
    assertEquals(2, catalog.find("registry.example/shop/web:2.0").orElseThrow().startSeconds());
    assertEquals(1, catalog.find("registry.example/batch/job:1").orElseThrow().startSeconds());
    assertTrue(catalog.find("quay.io/other:1").isEmpty());
  }

  @Test
  @DisplayName("fields left out take the contract's defaults: up after 1 s, ready, running until stopped")
  void defaults() throws IOException {
    ImageCatalog.Image image = ImageCatalog.parse("images: [{image: app:1}]").find("app:1").orElseThrow();
    assertEquals(1, image.startSeconds());
    assertTrue(image.ready());
    assertNull(image.exitAfterSeconds());
    assertNull(image.memoryMi());
    assertEquals(List.of(), image.logs());
    assertTrue(image.sizeBytes() >= 30_000_000 && image.sizeBytes() < 230_000_000);
  }

  @Test
  @DisplayName("Docker Hub names match in the full form containerd reports")
  void dockerHub() throws IOException {
    ImageCatalog catalog = ImageCatalog.parse("images: [{image: \"docker.io/library/nginx:*\"}]");
    assertTrue(catalog.find("nginx").isPresent());
    assertTrue(catalog.find("nginx:1.27").isPresent());
    assertTrue(catalog.find("docker.io/nginx:1.27").isPresent());
    assertEquals("docker.io/library/nginx:latest", ImageCatalog.normalize("nginx"));
    assertEquals("docker.io/bitnami/redis:7.2", ImageCatalog.normalize("bitnami/redis:7.2"));
    assertEquals("registry.example/shop/web:1.4.1", ImageCatalog.normalize("registry.example/shop/web:1.4.1"));
    assertEquals("localhost:5000/app:latest", ImageCatalog.normalize("localhost:5000/app"));
    assertEquals("docker.io/library/nginx@sha256:abc", ImageCatalog.normalize("nginx@sha256:abc"));
    assertEquals("docker.io/library/nginx", ImageCatalog.repository("nginx:1.27"));
    assertEquals(ImageCatalog.digest("nginx:1.27"), ImageCatalog.digest("docker.io/library/nginx:1.27"));
  }

  @Test
  @DisplayName("a broken catalog is refused with what is wrong and where")
  void errors() {
    assertEquals("the catalog has no 'images:' list; see CONTRACT.md, \"The sandbox image catalog\"",
        assertThrows(IOException.class, () -> ImageCatalog.parse("nodes: []")).getMessage());
    assertEquals("entry 2 of the catalog has no image reference",
        assertThrows(IOException.class, () -> ImageCatalog.parse("images: [{image: a}, {startSeconds: 1}]")).getMessage());
    assertEquals("image \"a*b*\" in the catalog: only a trailing * is supported",
        assertThrows(IOException.class, () -> ImageCatalog.parse("images: [{image: \"a*b*\"}]")).getMessage());
    assertEquals("image \"a\" in the catalog: startSeconds must be a number of seconds (or MiB) that is not negative, not '-1'",
        assertThrows(IOException.class, () -> ImageCatalog.parse("images: [{image: a, startSeconds: -1}]")).getMessage());
    assertEquals("image \"a\" in the catalog: exitCode must be between 0 and 255",
        assertThrows(IOException.class, () -> ImageCatalog.parse("images: [{image: a, exitCode: 300}]")).getMessage());
  }
}
