package dev.kubetape.recorder;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A rollout as it stands in the archive, for lists ({@code kubetape rollouts}, the viewer).
 *
 * @param revision the Deployment revision, or 0 for a rejected attempt
 * @param status progressing, succeeded, failed, superseded or abandoned
 * @param reason the short cause (ImagePullBackOff, CrashLoopBackOff, ...), or null
 * @param endedAt null while progressing
 */
public record RolloutSummary(String id, String namespace, String kind, String name, int revision,
    String status, String reason, String user, String client, Instant startedAt, Instant endedAt,
    List<String> images, String message) {

  /** Every rollout in the archive, newest first (by start), each as its newest record left it. */
  public static List<RolloutSummary> list(Archive archive) {
    List<RolloutSummary> rollouts = new ArrayList<>(Rollout.latestRecords(archive).stream()
        .map(RolloutSummary::of).toList());
    rollouts.sort(Comparator.comparing(RolloutSummary::startedAt).reversed());
    return rollouts;
  }

  static RolloutSummary of(ArchiveRecord record) {
    Rollout rollout = Rollout.fromRecord(record);
    Identity identity = rollout.identity;
    return new RolloutSummary(rollout.id, rollout.namespace, "Deployment", rollout.name, rollout.revision,
        rollout.status.label(), rollout.reason, identity == null ? Identity.UNKNOWN : identity.user(),
        identity == null ? null : identity.client(), rollout.startedAt, rollout.endedAt, rollout.images,
        rollout.message);
  }
}
