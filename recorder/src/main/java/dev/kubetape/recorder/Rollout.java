package dev.kubetape.recorder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One rollout of a Deployment: a change of its pod template (or a rejected attempt at one) and
 * what followed, until it succeeded, failed, was superseded by a newer one or abandoned.
 *
 * <p>Its id is {@code NAMESPACE/NAME#REVISION}, the revision the deployment controller gave the
 * new ReplicaSet (what {@code kubectl rollout history} lists); a rejected request never gets a
 * revision and is {@code NAMESPACE/NAME#rejected-TIME} instead.
 *
 * <p>Each change of state is appended to the archive as a "rollout" record whose body holds the
 * whole state, so the newest such record is the rollout as it stands, and a restarted recorder
 * picks up where it was ({@link #fromRecord}).
 */
final class Rollout {
  private static final ObjectMapper JSON = new ObjectMapper();

  enum Status {
    PROGRESSING, SUCCEEDED, FAILED, SUPERSEDED, ABANDONED;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    static Status of(String label) {
      return valueOf(label.toUpperCase(Locale.ROOT));
    }
  }

  final String id;
  final String namespace;
  final String name;
  final String uid;
  final int revision;
  /** The Deployment's generation that this rollout's template change made. */
  final long generation;
  final Instant startedAt;
  Status status = Status.PROGRESSING;
  String reason;
  String message;
  Instant endedAt;
  /** When the rollout last moved (more replicas updated, ready or available). */
  Instant lastProgress;
  Identity identity;
  List<String> images = List.of();
  List<GitAnnotations.GitRef> git = List.of();
  String changeCause;
  /** The request and response that started it, redacted, or null (not via kubetape). */
  JsonNode request;

  Rollout(String id, String namespace, String name, String uid, int revision, long generation,
      Instant startedAt) {
    this.id = id;
    this.namespace = namespace;
    this.name = name;
    this.uid = uid;
    this.revision = revision;
    this.generation = generation;
    this.startedAt = startedAt;
    this.lastProgress = startedAt;
  }

  static String id(String namespace, String name, int revision) {
    return namespace + "/" + name + "#" + revision;
  }

  boolean progressing() {
    return status == Status.PROGRESSING;
  }

  /** Ends the rollout, once: a later verdict never overwrites the first. */
  boolean end(Status verdict, String why, String text, Instant at) {
    if (status != Status.PROGRESSING) {
      return false;
    }
    status = verdict;
    reason = why;
    message = text;
    endedAt = at;
    return true;
  }

  ArchiveRecord record(Instant time) {
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put("user", identity == null ? Identity.UNKNOWN : identity.user());
    if (identity != null && identity.client() != null) {
      attributes.put("client", identity.client());
    }
    if (revision > 0) {
      attributes.put("revision", Integer.toString(revision));
    }
    attributes.put("startedAt", startedAt.toString());
    if (endedAt != null) {
      attributes.put("endedAt", endedAt.toString());
    }
    for (GitAnnotations.GitRef ref : git) {
      if (ref.ref() != null) {
        attributes.put("git." + ref.name(), ref.ref());
      }
    }
    return new ArchiveRecord(time, "rollout", "Deployment", namespace, name, uid, id, status.label(), reason,
        headline(), attributes, images, body().toString());
  }

  /** What a person reads in a list: the rollout and how it stands. */
  String headline() {
    String what = "rollout " + id + " " + status.label() + (reason == null ? "" : " (" + reason + ")");
    return message == null ? what : what + ": " + message;
  }

  private ObjectNode body() {
    ObjectNode body = JSON.createObjectNode();
    body.put("id", id).put("namespace", namespace).put("name", name).put("uid", uid)
        .put("revision", revision).put("generation", generation).put("status", status.label())
        .put("reason", reason).put("message", message).put("startedAt", startedAt.toString())
        .put("endedAt", endedAt == null ? null : endedAt.toString())
        .put("lastProgress", lastProgress.toString()).put("changeCause", changeCause);
    if (identity != null) {
      body.putObject("identity").put("user", identity.user()).put("upstreamUser", identity.upstreamUser())
          .put("userAgent", identity.userAgent()).put("client", identity.client());
    }
    ArrayNode imageList = body.putArray("images");
    images.forEach(imageList::add);
    ArrayNode gitList = body.putArray("git");
    for (GitAnnotations.GitRef ref : git) {
      gitList.addObject().put("name", ref.name()).put("repo", ref.repo()).put("ref", ref.ref())
          .put("path", ref.path());
    }
    if (request != null) {
      body.set("request", request);
    }
    return body;
  }

  /** The newest "rollout" record of every rollout in the archive, newest first. */
  static List<ArchiveRecord> latestRecords(Archive archive) {
    Map<String, ArchiveRecord> latest = new LinkedHashMap<>();
    for (ArchiveRecord record : archive.search(new Archive.Query("type:rollout", null, null, 50_000)).records()) {
      latest.putIfAbsent(record.rolloutId(), record);
    }
    return new ArrayList<>(latest.values());
  }

  /** The rollout as its newest "rollout" record left it. */
  static Rollout fromRecord(ArchiveRecord record) {
    JsonNode body;
    try {
      body = JSON.readTree(record.body());
    } catch (IOException e) {
      throw new UncheckedIOException("the rollout record of " + record.rolloutId() + " is not JSON", e);
    }
    Rollout rollout = new Rollout(body.path("id").asText(), body.path("namespace").asText(),
        body.path("name").asText(), body.path("uid").asText(null), body.path("revision").asInt(),
        body.path("generation").asLong(), Instant.parse(body.path("startedAt").asText()));
    rollout.status = Status.of(body.path("status").asText("progressing"));
    rollout.reason = body.path("reason").asText(null);
    rollout.message = body.path("message").asText(null);
    rollout.endedAt = body.hasNonNull("endedAt") ? Instant.parse(body.path("endedAt").asText()) : null;
    rollout.lastProgress = body.hasNonNull("lastProgress")
        ? Instant.parse(body.path("lastProgress").asText()) : rollout.startedAt;
    rollout.changeCause = body.path("changeCause").asText(null);
    JsonNode identity = body.path("identity");
    if (identity.isObject()) {
      rollout.identity = new Identity(identity.path("user").asText(null),
          identity.path("upstreamUser").asText(null), identity.path("userAgent").asText(null),
          identity.path("client").asText(null));
    }
    List<String> images = new ArrayList<>();
    body.path("images").forEach(image -> images.add(image.asText()));
    rollout.images = images;
    List<GitAnnotations.GitRef> git = new ArrayList<>();
    body.path("git").forEach(ref -> git.add(new GitAnnotations.GitRef(ref.path("name").asText(),
        ref.path("repo").asText(null), ref.path("ref").asText(null), ref.path("path").asText(null))));
    rollout.git = git;
    rollout.request = body.hasNonNull("request") ? body.get("request") : null;
    return rollout;
  }
}
