package dev.kubetape.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  @DisplayName("the crash-loop back-off starts at 10 s and doubles to 5 min")
  void doubles() {
    Backoff backoff = Backoff.containerRestarts();
    List<Long> delays = new ArrayList<>();
    Duration now = Duration.ZERO;
    for (int i = 0; i < 8; i++) {
      backoff.next("web", now, now);
      delays.add(backoff.get("web").toSeconds());
      now = now.plus(backoff.get("web")).plusSeconds(3);
    }
    assertEquals(List.of(10L, 20L, 40L, 80L, 160L, 300L, 300L, 300L), delays);
  }

  @Test
  @DisplayName("a container waits for its back-off counted from its exit, then may restart")
  void waits() {
    Backoff backoff = Backoff.containerRestarts();
    assertFalse(backoff.inBackoffSince("web", Duration.ofSeconds(5), Duration.ofSeconds(5)), "a first exit restarts at once");
    backoff.next("web", Duration.ofSeconds(5), Duration.ofSeconds(6));
    Duration exit = Duration.ofSeconds(9);
    assertTrue(backoff.inBackoffSince("web", exit, Duration.ofSeconds(18)));
    assertFalse(backoff.inBackoffSince("web", exit, Duration.ofSeconds(19)));
  }

  @Test
  @DisplayName("ten quiet minutes reset the crash-loop back-off; image pulls wait from their last failure")
  void expiry() {
    Backoff restarts = Backoff.containerRestarts();
    restarts.next("web", Duration.ZERO, Duration.ZERO);
    restarts.next("web", Duration.ofSeconds(20), Duration.ofSeconds(20));
    assertEquals(20, restarts.get("web").toSeconds());
    restarts.next("web", Duration.ofSeconds(700), Duration.ofSeconds(700));
    assertEquals(10, restarts.get("web").toSeconds());

    Backoff pulls = Backoff.imagePulls();
    pulls.next("uid_image", Duration.ofSeconds(1), Duration.ofSeconds(1));
    assertTrue(pulls.inBackoffSinceUpdate("uid_image", Duration.ofSeconds(10)));
    assertFalse(pulls.inBackoffSinceUpdate("uid_image", Duration.ofSeconds(11)));
  }
}
