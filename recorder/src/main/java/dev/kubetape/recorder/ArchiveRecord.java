package dev.kubetape.recorder;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One thing the archive keeps: a version of a watched object, an Event, a request that passed
 * through the proxy, a chunk of container log, a change of a rollout's state, or a recording
 * gap. Every field but {@code time} and {@code type} may be null where it does not apply.
 *
 * @param time when it happened (the object's change, the event's last occurrence, the request)
 * @param type "object", "event", "request", "log", "rollout" or "gap"
 * @param kind the Kubernetes kind it is about (Deployment, ReplicaSet, Pod, ...)
 * @param rolloutId the rollout it belongs to, e.g. {@code shop/web#7}
 * @param status for rollouts: progressing, succeeded, failed, superseded, abandoned
 * @param reason the short cause (ImagePullBackOff, ScalingReplicaSet, ...)
 * @param message what a person reads: the event's message, the log text, the summary
 * @param attributes anything else worth searching (user, node, revision, container, verb, ...)
 * @param images the container images involved
 * @param body the full JSON (object version, request and response), or null
 */
public record ArchiveRecord(
    Instant time,
    String type,
    String kind,
    String namespace,
    String name,
    String uid,
    String rolloutId,
    String status,
    String reason,
    String message,
    Map<String, String> attributes,
    List<String> images,
    String body) {

  public ArchiveRecord {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(type, "type");
    attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    images = images == null ? List.of() : List.copyOf(images);
  }
}
