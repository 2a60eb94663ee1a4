package dev.kubetape.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kubetape.recorder.Archive;
import dev.kubetape.recorder.RolloutSummary;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code kubetape rollouts}: every recorded rollout, newest first. */
@Command(name = "rollouts", mixinStandardHelpOptions = true,
    description = "Lists the recorded rollouts, newest first: status, the cause of a failure, who deployed what.")
final class RolloutsCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Mixin
  ArchiveFolder archive;

  @Option(names = "--json", description = "Print one JSON array (see CONTRACT.md) instead of a table.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    List<RolloutSummary> rollouts;
    try (Archive opened = archive.open()) {
      rollouts = RolloutSummary.list(opened);
    }
    if (json) {
      ArrayNode array = JSON.createArrayNode();
      for (RolloutSummary rollout : rollouts) {
        ObjectNode item = array.addObject().put("id", rollout.id()).put("namespace", rollout.namespace())
            .put("kind", rollout.kind()).put("name", rollout.name()).put("revision", rollout.revision())
            .put("status", rollout.status()).put("reason", rollout.reason()).put("user", rollout.user())
            .put("client", rollout.client()).put("startedAt", text(rollout.startedAt()))
            .put("endedAt", text(rollout.endedAt())).put("message", rollout.message());
        rollout.images().forEach(item.putArray("images")::add);
      }
      System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(array));
      return 0;
    }
    if (rollouts.isEmpty()) {
      System.out.println("no rollouts recorded yet: deploy through 'kubetape proxy' (kubectl with its kubeconfig)");
      return 0;
    }
    List<List<String>> rows = new ArrayList<>();
    for (RolloutSummary rollout : rollouts) {
      rows.add(List.of(rollout.id(), rollout.status(), rollout.reason() == null ? "" : rollout.reason(),
          rollout.user(), Output.time(rollout.startedAt()), took(rollout), String.join(",", rollout.images())));
    }
    Output.table(System.out, List.of("ROLLOUT", "STATUS", "REASON", "USER", "STARTED", "TOOK", "IMAGES"), rows);
    return 0;
  }

  private static String text(Instant time) {
    return time == null ? null : time.toString();
  }

  private static String took(RolloutSummary rollout) {
    Duration took = Duration.between(rollout.startedAt(), rollout.endedAt() == null ? Instant.now() : rollout.endedAt());
    String text = took.toHours() > 0 ? took.toHours() + "h" + took.toMinutesPart() + "m"
        : took.toMinutes() > 0 ? took.toMinutes() + "m" + took.toSecondsPart() + "s" : took.toSeconds() + "s";
    return rollout.endedAt() == null ? text + "+" : text;
  }
}
