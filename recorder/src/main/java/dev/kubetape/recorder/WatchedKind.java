package dev.kubetape.recorder;

/**
 * The kinds the recorder watches in each namespace it follows: what a rollout is made of
 * (Deployment, ReplicaSets, Pods) and what the cluster says about it (core Events).
 */
enum WatchedKind {
  DEPLOYMENT("Deployment", "apps/v1", "/apis/apps/v1", "deployments"),
  REPLICA_SET("ReplicaSet", "apps/v1", "/apis/apps/v1", "replicasets"),
  POD("Pod", "v1", "/api/v1", "pods"),
  EVENT("Event", "v1", "/api/v1", "events");

  final String kind;
  final String apiVersion;
  private final String groupVersionPath;
  private final String resource;

  WatchedKind(String kind, String apiVersion, String groupVersionPath, String resource) {
    this.kind = kind;
    this.apiVersion = apiVersion;
    this.groupVersionPath = groupVersionPath;
    this.resource = resource;
  }

  /** The collection path in a namespace, e.g. {@code /apis/apps/v1/namespaces/shop/deployments}. */
  String path(String namespace) {
    return groupVersionPath + "/namespaces/" + namespace + "/" + resource;
  }

  /** The plural name as people read it in messages ("pods"). */
  String plural() {
    return resource;
  }
}
