package dev.kubetape.recorder;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class GitAnnotationsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  @DisplayName("kubetape's own keys and every app.komodor.com NAME + NAME.ref pair, from the object and its pod template")
  void bothConventions() throws Exception {
    var deployment = JSON.readTree("""
        {"metadata": {"annotations": {
           "kubetape.dev/git-repo": "https://github.com/shop/web", "kubetape.dev/git-commit": "3f2c1a9",
           "kubetape.dev/git-path": "services/web",
           "app.komodor.com/app": "https://github.com/shop/web", "app.komodor.com/app.ref": "3f2c1a9",
           "app.komodor.com/lonely": "https://github.com/shop/no-ref"}},
         "spec": {"template": {"metadata": {"annotations": {
           "app.komodor.com/infra": "https://github.com/shop/charts", "app.komodor.com/infra.ref": "v1.8.0"}}}}}
        """);
    assertEquals(List.of(
        new GitAnnotations.GitRef("kubetape", "https://github.com/shop/web", "3f2c1a9", "services/web"),
        new GitAnnotations.GitRef("app", "https://github.com/shop/web", "3f2c1a9", null),
        new GitAnnotations.GitRef("infra", "https://github.com/shop/charts", "v1.8.0", null)),
        GitAnnotations.of(deployment));
  }

  @Test
  @DisplayName("an object without git annotations has none")
  void none() throws Exception {
    assertEquals(List.of(), GitAnnotations.of(JSON.readTree("{\"metadata\": {\"name\": \"web\"}}")));
  }
}
