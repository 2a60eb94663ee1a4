package dev.kubetape.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PodWorkerTest {

  @Test
  @DisplayName("durations read as Go prints them in kubelet messages")
  void goDurations() {
    assertEquals("10s", PodWorker.goDuration(Duration.ofSeconds(10)));
    assertEquals("1m20s", PodWorker.goDuration(Duration.ofSeconds(80)));
    assertEquals("5m0s", PodWorker.goDuration(Duration.ofMinutes(5)));
    assertEquals("1h0m0s", PodWorker.goDuration(Duration.ofHours(1)));
    assertEquals("2.488s", PodWorker.goDuration(Duration.ofMillis(2488)));
    assertEquals("1.5s", PodWorker.goDuration(Duration.ofMillis(1500)));
    assertEquals("412ms", PodWorker.goDuration(Duration.ofMillis(412)));
    assertEquals("0s", PodWorker.goDuration(Duration.ZERO));
  }

  @Test
  @DisplayName("catalog lines group into log records: a banner opens the log, a stack trace follows its line")
  void records() {
    List<List<String>> records = PodWorker.records(List.of("banner", "", "${time} one", "${time} two",
        "java.lang.Exception: x", "\tat a.b(C.java:1)", "${time} three"));
    assertEquals(List.of(List.of("banner", "", "${time} one"), List.of("${time} two", "java.lang.Exception: x",
        "\tat a.b(C.java:1)"), List.of("${time} three")), records);
    assertEquals(List.of(List.of("a"), List.of("b")), PodWorker.records(List.of("a", "b")));
  }
}
