package dev.kubetape.sandbox;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The kubelets of the sandbox's nodes: each pod bound to one of the nodes from {@code --nodes}
 * gets a {@link PodWorker} that runs it as the image catalog says, writes its status as the
 * node's kubelet (v1.34) would and records the kubelet's events. Pods bound to other node names
 * are left alone, as they would be on a cluster without such a node.
 *
 * <pre>
 * store change ──▶ Kubelet (by node, pod UID) ──▶ PodWorker ──▶ status, events, logs
 *                    │                             │
 *                    └─ Node: images (ImagePuller),└─ PodContainer per container:
 *                       back-offs, pod IPs            runs, probes, waiting reason
 * </pre>
 */
final class Kubelet {
  /** One simulated node's kubelet state. Owned by the controller thread. */
  static final class Node {
    final String name;
    final String hostIp;
    final ImagePuller images;
    /** Image pull back-off, keyed by pod UID and image. */
    final Backoff pulls = Backoff.imagePulls();
    /** Crash-loop back-off, keyed by pod and container. */
    final Backoff restarts = Backoff.containerRestarts();
    private final String subnet;
    private final Deque<Integer> released = new ArrayDeque<>();
    private final Set<Integer> inUse = new HashSet<>();
    private int next = 2;

    Node(String name, int index, ImagePuller images) {
      this.name = name;
      this.hostIp = NodeList.internalIp(index);
      this.images = images;
      this.subnet = "10.244." + index + ".";
    }

    /** The next address of the node's pod CIDR, as host-local IPAM hands them out. */
    String allocateIp() {
      int host;
      if (next <= 254) {
        host = next++;
      } else if (!released.isEmpty()) {
        host = released.removeFirst();
      } else {
        host = 254;
      }
      inUse.add(host);
      return subnet + host;
    }

    void releaseIp(String ip) {
      if (ip.startsWith(subnet)) {
        int host = Integer.parseInt(ip.substring(subnet.length()));
        if (inUse.remove(host)) {
          released.addLast(host);
        }
      }
    }
  }

  final Registry registry;
  final ControllerLoop loop;
  final SandboxClock clock;
  final ContainerRuntime runtime;
  final ImageCatalog catalog;
  final EventRecorder events;
  final ContainerConfig config;
  final ResourceType pods;
  private final Map<String, Node> nodes = new HashMap<>();
  /** Pods this kubelet runs, by UID. Controller thread. */
  private final Map<String, PodWorker> workers = new HashMap<>();

  Kubelet(Registry registry, ControllerLoop loop, SandboxClock clock, ContainerRuntime runtime,
      ImageCatalog catalog, EventRecorder events, NodeList nodeList) {
    this.registry = registry;
    this.loop = loop;
    this.clock = clock;
    this.runtime = runtime;
    this.catalog = catalog;
    this.events = events;
    this.config = new ContainerConfig(registry);
    this.pods = registry.resources().find("", "v1", "pods").orElseThrow();
    for (int i = 0; i < nodeList.nodes().size(); i++) {
      String name = nodeList.nodes().get(i).name();
      nodes.put(name, new Node(name, i + 1, new ImagePuller(loop, clock, catalog)));
    }
    registry.store().listen(this::onChange);
  }

  /** Runs under the store's lock: only hands the change to the controller thread. */
  private void onChange(ObjectStore.Change change) {
    if (change.resource() != pods) {
      return;
    }
    ObjectNode pod = change.object();
    String node = Json.text(pod, "spec", "nodeName");
    if (node == null || !nodes.containsKey(node)) {
      return;
    }
    String type = change.type();
    loop.submit("kubelet " + node + ": pod " + type.toLowerCase(), () -> handle(type, pod, node));
  }

  private void handle(String type, ObjectNode pod, String nodeName) {
    String uid = Json.text(pod, "metadata", "uid");
    PodWorker worker = workers.get(uid);
    if (type.equals("DELETED")) {
      if (worker != null) {
        workers.remove(uid);
        worker.removed();
      } else {
        runtime.forget(uid);
      }
      return;
    }
    if (worker == null) {
      String phase = Json.text(pod, "status", "phase");
      if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
        return;
      }
      ObjectNode current = registry.store().get(pods, Json.text(pod, "metadata", "namespace"),
          Json.text(pod, "metadata", "name"));
      if (current == null || !uid.equals(Json.text(current, "metadata", "uid"))) {
        return;
      }
      worker = new PodWorker(this, nodes.get(nodeName), current);
      workers.put(uid, worker);
      if (current.path("metadata").has("deletionTimestamp")) {
        worker.terminate(current);
      } else {
        worker.admit();
      }
      return;
    }
    if (pod.path("metadata").has("deletionTimestamp")) {
      worker.terminate(pod);
    } else {
      worker.updated(pod);
    }
  }
}
