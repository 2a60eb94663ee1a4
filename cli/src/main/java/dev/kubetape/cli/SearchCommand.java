package dev.kubetape.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kubetape.recorder.Archive;
import dev.kubetape.recorder.ArchiveRecord;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kubetape search}: Lucene queries over everything recorded, newest first. */
@Command(name = "search", mixinStandardHelpOptions = true,
    description = {"Searches everything recorded: rollouts, object versions, events, requests, container logs.",
        "QUERY is Lucene syntax over the archive's fields (see recorder/README.md), e.g.",
        "  'reason:ImagePullBackOff'   'type:log AND OutOfMemoryError'   'image:\"registry.example/shop/web:1.4.3\"'"})
final class SearchCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Mixin
  ArchiveFolder archive;

  @Option(names = "--limit", paramLabel = "N", defaultValue = "20", description = "How many hits to show (default: ${DEFAULT-VALUE}).")
  int limit;

  @Option(names = "--since", paramLabel = "DURATION", description = "Only what happened within this long before now (24h, 30m, 7d).")
  String since;

  @Option(names = "--from", paramLabel = "TIME", description = "Only what happened at or after this RFC 3339 time.")
  String from;

  @Option(names = "--to", paramLabel = "TIME", description = "Only what happened at or before this RFC 3339 time.")
  String to;

  @Option(names = "--json", description = "Print one JSON document (see CONTRACT.md) instead of a table.")
  boolean json;

  @Parameters(paramLabel = "QUERY", arity = "1..*", description = "The query; several words are joined with spaces.")
  List<String> query;

  @Override
  public Integer call() throws Exception {
    if (limit <= 0) {
      throw new IllegalArgumentException("--limit must be a positive number, not " + limit);
    }
    if (since != null && from != null) {
      throw new IllegalArgumentException("--since and --from both say where the time range starts; give one");
    }
    Instant start = since != null ? Instant.now().minus(Durations.parse(since, "--since")) : time(from, "--from");
    Instant end = time(to, "--to");
    Archive.Hits hits;
    try (Archive opened = archive.open()) {
      hits = opened.search(new Archive.Query(String.join(" ", query), start, end, limit));
    }
    if (json) {
      ObjectNode document = JSON.createObjectNode().put("total", hits.total());
      ArrayNode array = document.putArray("hits");
      for (ArchiveRecord hit : hits.records()) {
        array.addObject().put("time", hit.time().toString()).put("type", hit.type()).put("kind", hit.kind())
            .put("namespace", hit.namespace()).put("name", hit.name()).put("rolloutId", hit.rolloutId())
            .put("status", hit.status()).put("reason", hit.reason()).put("summary", hit.message());
      }
      ObjectNode facets = document.putObject("facets");
      for (Map.Entry<String, Map<String, Long>> facet : hits.facets().entrySet()) {
        ObjectNode counts = facets.putObject(facet.getKey());
        facet.getValue().forEach(counts::put);
      }
      System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(document));
      return 0;
    }
    List<List<String>> rows = new ArrayList<>();
    for (ArchiveRecord hit : hits.records()) {
      String object = (hit.namespace() == null ? "" : hit.namespace() + "/") + (hit.kind() == null ? ""
          : hit.kind().toLowerCase(java.util.Locale.ROOT) + "/") + (hit.name() == null ? "" : hit.name());
      rows.add(List.of(Output.time(hit.time()), hit.type(), object, hit.rolloutId() == null ? "" : hit.rolloutId(),
          hit.reason() == null ? "" : hit.reason(), hit.message() == null ? "" : hit.message()));
    }
    Output.table(System.out, List.of("TIME", "TYPE", "OBJECT", "ROLLOUT", "REASON", "SUMMARY"), rows);
    System.out.println(hits.records().size() + " of " + hits.total() + " hits"
        + (hits.total() > hits.records().size() ? " (--limit shows more)" : ""));
    return 0;
  }

  private static Instant time(String text, String flag) {
    if (text == null) {
      return null;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(flag + " must be an RFC 3339 time such as 2026-11-25T14:00:00Z, not '"
          + text + "'");
    }
  }
}
