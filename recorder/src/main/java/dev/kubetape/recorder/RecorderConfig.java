package dev.kubetape.recorder;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How the recorder runs.
 *
 * @param archive the archive folder (created if missing)
 * @param upstreamKubeconfig the kubeconfig of the cluster, the same the proxy forwards to: the
 *     recorder's own watches and log reads use its credentials
 * @param context the context of that kubeconfig, or null for its current one
 * @param secretNames globs (case-insensitive) of env variable names whose values are secret
 * @param abandonAfter how long a rollout may sit without progress, and without a progress
 *     deadline ending it, before it counts as abandoned
 * @param retention how long, and up to what size, the archive keeps records
 */
public record RecorderConfig(Path archive, Path upstreamKubeconfig, String context, List<String> secretNames,
    Duration abandonAfter, Retention retention) {

  public RecorderConfig {
    secretNames = List.copyOf(secretNames);
    retention = retention == null ? Retention.FOREVER : retention;
  }

  /**
   * The defaults: the secret names {@code *PASSWORD*}, {@code *TOKEN*}, {@code *SECRET*},
   * {@code *KEY*}, ...; 30 min; every record kept.
   */
  public static RecorderConfig of(Path archive, Path upstreamKubeconfig, String context) {
    return new RecorderConfig(archive, upstreamKubeconfig, context, Redactor.DEFAULT_SECRET_NAMES,
        Duration.ofMinutes(30), Retention.FOREVER);
  }

  public RecorderConfig withAbandonAfter(Duration after) {
    return new RecorderConfig(archive, upstreamKubeconfig, context, secretNames, after, retention);
  }

  public RecorderConfig withSecretNames(List<String> globs) {
    return new RecorderConfig(archive, upstreamKubeconfig, context, globs, abandonAfter, retention);
  }

  public RecorderConfig withRetention(Retention kept) {
    return new RecorderConfig(archive, upstreamKubeconfig, context, secretNames, abandonAfter,
        kept);
  }
}
