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
 */
public record RecorderConfig(Path archive, Path upstreamKubeconfig, String context, List<String> secretNames,
    Duration abandonAfter) {

  public RecorderConfig {
    secretNames = List.copyOf(secretNames);
  }

  /** The defaults: the secret names {@code *PASSWORD*}, {@code *TOKEN*}, {@code *SECRET*}, {@code *KEY*}, ...; 30 min. */
  public static RecorderConfig of(Path archive, Path upstreamKubeconfig, String context) {
    return new RecorderConfig(archive, upstreamKubeconfig, context, Redactor.DEFAULT_SECRET_NAMES,
        Duration.ofMinutes(30));
  }

  public RecorderConfig withAbandonAfter(Duration after) {
    return new RecorderConfig(archive, upstreamKubeconfig, context, secretNames, after);
  }

  public RecorderConfig withSecretNames(List<String> globs) {
    return new RecorderConfig(archive, upstreamKubeconfig, context, globs, abandonAfter);
  }
}
