package dev.kubetape.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The endpoints and endpointslice controllers: for every Service with a selector, an
 * EndpointSlice (owned by the Service, named from its generateName) and an Endpoints object
 * list the addresses of the pods it selects, ready or not. {@code kubectl describe service}
 * reads its "Endpoints:" line from them.
 */
final class EndpointsController {
  private static final Registry.WriteOptions MANAGER = Registry.WriteOptions.of("kube-controller-manager");
  private static final String SERVICE_NAME = "kubernetes.io/service-name";

  private final Registry registry;
  private final ControllerLoop loop;
  private final ResourceType services;
  private final ResourceType pods;
  private final ResourceType slices;
  private final ResourceType endpoints;

  EndpointsController(Registry registry, ControllerLoop loop) {
    this.registry = registry;
    this.loop = loop;
    this.services = Cluster.type(registry, "", "services");
    this.pods = Cluster.type(registry, "", "pods");
    this.slices = registry.resources().find("discovery.k8s.io", "v1", "endpointslices").orElseThrow();
    this.endpoints = Cluster.type(registry, "", "endpoints");
    registry.store().listen(this::onChange);
  }

  private void onChange(ObjectStore.Change change) {
    if (change.resource() == services || change.resource() == pods) {
      String namespace = Json.text(change.object(), "metadata", "namespace");
      loop.submit("endpoints in " + namespace, () -> reconcile(namespace));
    }
  }

  private void reconcile(String namespace) {
    List<ObjectNode> podsHere = registry.store().list(pods, namespace).items();
    for (ObjectNode service : registry.store().list(services, namespace).items()) {
      JsonNode selector = service.path("spec").path("selector");
      if (!selector.isObject() || selector.isEmpty()
          || service.path("metadata").has("deletionTimestamp")) {
        continue;
      }
      Predicate<ObjectNode> selects = pod -> {
        JsonNode labels = pod.path("metadata").path("labels");
        for (var entry : selector.properties()) {
          if (!entry.getValue().asText().equals(labels.path(entry.getKey()).asText(null))) {
            return false;
          }
        }
        return true;
      };
      List<ObjectNode> selected = new ArrayList<>();
      for (ObjectNode pod : podsHere) {
        String phase = Json.text(pod, "status", "phase");
        if (selects.test(pod) && Json.text(pod, "status", "podIP") != null
            && !"Succeeded".equals(phase) && !"Failed".equals(phase)) {
          selected.add(pod);
        }
      }
      syncSlice(service, selected);
      syncEndpoints(service, selected);
    }
    for (ObjectNode object : registry.store().list(endpoints, namespace).items()) {
      String name = Json.text(object, "metadata", "name");
      ObjectNode service = registry.store().get(services, namespace, name);
      if (service == null && "endpoint-controller".equals(
          Json.text(object, "metadata", "labels", "endpoints.kubernetes.io/managed-by"))) {
        registry.delete(endpoints, namespace, name, Registry.DeleteOptions.DEFAULT);
      }
    }
  }

  private static boolean ready(ObjectNode pod) {
    for (JsonNode condition : pod.path("status").path("conditions")) {
      if (condition.path("type").asText().equals("Ready")) {
        return condition.path("status").asText().equals("True");
      }
    }
    return false;
  }

  /** The service's ports as the pods expose them: named target ports looked up per pod. */
  private static ArrayNode ports(ObjectNode service, ObjectNode pod) {
    ArrayNode ports = Json.array();
    for (JsonNode port : service.path("spec").path("ports")) {
      JsonNode target = port.path("targetPort");
      int number = target.isInt() ? target.asInt() : port.path("port").asInt();
      if (target.isTextual()) {
        number = -1;
        for (JsonNode container : pod.path("spec").path("containers")) {
          for (JsonNode containerPort : container.path("ports")) {
            if (target.asText().equals(containerPort.path("name").asText())) {
              number = containerPort.path("containerPort").asInt();
            }
          }
        }
        if (number < 0) {
          continue;
        }
      }
      ObjectNode item = ports.addObject();
      if (port.has("name")) {
        item.put("name", port.get("name").asText());
      }
      item.put("port", number);
      item.put("protocol", port.path("protocol").asText("TCP"));
    }
    return ports;
  }

  private void syncSlice(ObjectNode service, List<ObjectNode> selected) {
    String namespace = Json.text(service, "metadata", "namespace");
    String name = Json.text(service, "metadata", "name");
    ObjectNode existing = null;
    for (ObjectNode slice : registry.store().list(slices, namespace).items()) {
      if (name.equals(Json.text(slice, "metadata", "labels", SERVICE_NAME))) {
        existing = slice;
      }
    }
    ObjectNode slice = existing == null ? Json.object() : existing.deepCopy();
    slice.put("kind", "EndpointSlice");
    slice.put("apiVersion", "discovery.k8s.io/v1");
    ObjectNode metadata = Json.with(slice, "metadata");
    if (existing == null) {
      metadata.put("generateName", name + "-");
      ObjectNode owner = metadata.putArray("ownerReferences").addObject();
      owner.put("apiVersion", "v1");
      owner.put("kind", "Service");
      owner.put("name", name);
      owner.put("uid", Json.text(service, "metadata", "uid"));
      owner.put("controller", true);
      owner.put("blockOwnerDeletion", true);
    }
    metadata.set("labels", labels(service, "endpointslice.kubernetes.io/managed-by",
        "endpointslice-controller.k8s.io", SERVICE_NAME, name));
    slice.put("addressType", "IPv4");
    ArrayNode items = Json.array();
    ArrayNode ports = null;
    for (ObjectNode pod : selected) {
      boolean ready = ready(pod);
      boolean terminating = pod.path("metadata").has("deletionTimestamp");
      ObjectNode endpoint = items.addObject();
      endpoint.putArray("addresses").add(Json.text(pod, "status", "podIP"));
      endpoint.putObject("conditions").put("ready", ready && !terminating).put("serving", ready)
          .put("terminating", terminating);
      if (Json.text(pod, "spec", "nodeName") != null) {
        endpoint.put("nodeName", Json.text(pod, "spec", "nodeName"));
      }
      endpoint.set("targetRef", target(pod));
      if (ports == null) {
        ports = ports(service, pod);
      }
    }
    if (items.isEmpty()) {
      slice.putNull("endpoints");
      slice.putNull("ports");
    } else {
      slice.set("endpoints", items);
      slice.set("ports", ports);
    }
    if (existing != null && withoutTrigger(slice).equals(withoutTrigger(existing))) {
      return;
    }
    Json.with(metadata, "annotations").put("endpoints.kubernetes.io/last-change-trigger-time",
        Json.time(registry.now()));
    if (existing == null) {
      registry.create(slices, namespace, slice, MANAGER);
    } else {
      registry.update(slices, namespace, Json.text(existing, "metadata", "name"), slice, null, MANAGER);
    }
  }

  private void syncEndpoints(ObjectNode service, List<ObjectNode> selected) {
    String namespace = Json.text(service, "metadata", "namespace");
    String name = Json.text(service, "metadata", "name");
    ObjectNode existing = registry.store().get(endpoints, namespace, name);
    ObjectNode object = existing == null ? Json.object() : existing.deepCopy();
    object.put("kind", "Endpoints");
    object.put("apiVersion", "v1");
    ObjectNode metadata = Json.with(object, "metadata");
    metadata.put("name", name);
    metadata.set("labels", labels(service, "endpoints.kubernetes.io/managed-by",
        "endpoint-controller", null, null));
    ArrayNode ready = Json.array();
    ArrayNode notReady = Json.array();
    ArrayNode ports = null;
    for (ObjectNode pod : selected) {
      ObjectNode address = Json.object();
      address.put("ip", Json.text(pod, "status", "podIP"));
      if (Json.text(pod, "spec", "nodeName") != null) {
        address.put("nodeName", Json.text(pod, "spec", "nodeName"));
      }
      address.set("targetRef", target(pod));
      (ready(pod) ? ready : notReady).add(address);
      if (ports == null) {
        ports = ports(service, pod);
      }
    }
    object.remove("subsets");
    if (!ready.isEmpty() || !notReady.isEmpty()) {
      ObjectNode subset = object.putArray("subsets").addObject();
      if (!ready.isEmpty()) {
        subset.set("addresses", ready);
      }
      if (!notReady.isEmpty()) {
        subset.set("notReadyAddresses", notReady);
      }
      subset.set("ports", ports);
    }
    if (existing != null && withoutTrigger(object).equals(withoutTrigger(existing))) {
      return;
    }
    Json.with(metadata, "annotations").put("endpoints.kubernetes.io/last-change-trigger-time",
        Json.time(registry.now()));
    if (existing == null) {
      registry.create(endpoints, namespace, object, MANAGER);
    } else {
      registry.update(endpoints, namespace, name, object, null, MANAGER);
    }
  }

  private static ObjectNode labels(ObjectNode service, String managedBy, String manager,
      String extraKey, String extraValue) {
    ObjectNode labels = Json.object();
    service.path("metadata").path("labels").properties().iterator()
        .forEachRemaining(e -> labels.set(e.getKey(), e.getValue()));
    labels.put(managedBy, manager);
    if (extraKey != null) {
      labels.put(extraKey, extraValue);
    }
    return labels;
  }

  private static ObjectNode target(ObjectNode pod) {
    ObjectNode target = Json.object();
    target.put("kind", "Pod");
    target.put("name", Json.text(pod, "metadata", "name"));
    target.put("namespace", Json.text(pod, "metadata", "namespace"));
    target.put("uid", Json.text(pod, "metadata", "uid"));
    return target;
  }

  /** The object as a change is judged: without the trigger time and server fields. */
  private static ObjectNode withoutTrigger(ObjectNode object) {
    ObjectNode copy = object.deepCopy();
    ObjectNode metadata = Json.with(copy, "metadata");
    JsonNode annotations = metadata.get("annotations");
    if (annotations instanceof ObjectNode a) {
      a.remove("endpoints.kubernetes.io/last-change-trigger-time");
      if (a.isEmpty()) {
        metadata.remove("annotations");
      }
    }
    for (String field : new String[] {"resourceVersion", "managedFields", "generation", "uid",
        "creationTimestamp", "name"}) {
      metadata.remove(field);
    }
    return copy;
  }
}
