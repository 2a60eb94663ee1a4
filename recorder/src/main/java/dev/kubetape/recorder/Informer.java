package dev.kubetape.recorder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every version of one kind of object in one namespace, the way client-go's reflector gets them:
 * list, then watch from the list's resourceVersion with bookmarks (so an idle watch still learns
 * the current resourceVersion), and re-watch from the last resourceVersion seen when a watch
 * ends or breaks, backing off while the API server cannot be reached.
 *
 * <p>{@code 410 Gone} (as the watch's answer or as an ERROR event) means the resourceVersion is
 * older than the API server keeps: relist. Changes between the last version seen and the relist
 * may be missing, so the listener hears of a gap; objects the relist no longer returns were
 * deleted meanwhile, and come as GONE with the last version seen.
 *
 * <p>Runs on a virtual thread of its own; the listener is called on it, in order.
 */
final class Informer implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(Informer.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  /** Where versions and gaps go. */
  interface Listener {
    void version(WatchEvent event);

    /** Changes between {@code from} and {@code to} may be missing; {@code why} says why. */
    void gap(WatchedKind kind, String namespace, Instant from, Instant to, String why);
  }

  private final KubeApi api;
  private final WatchedKind kind;
  private final String namespace;
  private final Listener listener;
  private final Clock clock;
  /** Events are many and their deletion (TTL) says nothing: only their versions are kept. */
  private final boolean keepObjects;
  /** uid to the last version seen (or its resourceVersion only); owned by the informer's thread. */
  private final Map<String, Object> known = new HashMap<>();
  private final Thread thread;
  private volatile boolean closed;
  private volatile InputStream watch;
  private volatile boolean synced;

  Informer(KubeApi api, WatchedKind kind, String namespace, Listener listener, Clock clock) {
    this.api = api;
    this.kind = kind;
    this.namespace = namespace;
    this.listener = listener;
    this.clock = clock;
    this.keepObjects = kind != WatchedKind.EVENT;
    this.thread = Thread.ofVirtual().name("kubetape-watch-" + kind.plural() + "-" + namespace)
        .unstarted(this::run);
  }

  Informer start() {
    thread.start();
    return this;
  }

  /** Whether the first list has been delivered. */
  boolean synced() {
    return synced;
  }

  private void run() {
    String resourceVersion = null;
    Instant lastSeen = null;
    String gapWhy = null;
    Duration backoff = Duration.ofMillis(250);
    Instant failingSince = null;
    while (!closed) {
      try {
        if (resourceVersion == null) {
          resourceVersion = relist();
          if (gapWhy != null) {
            listener.gap(kind, namespace, lastSeen, clock.instant(), gapWhy);
            gapWhy = null;
          }
          synced = true;
        }
        String path = kind.path(namespace) + "?watch=1&allowWatchBookmarks=true&resourceVersion="
            + resourceVersion + "&timeoutSeconds=" + ThreadLocalRandom.current().nextInt(240, 360);
        try (InputStream in = api.stream(path)) {
          watch = in;
          if (closed) {
            break;
          }
          if (failingSince != null) {
            logger.info("watching {} in {} again after failures since {}", kind.plural(), namespace, failingSince);
            failingSince = null;
          }
          backoff = Duration.ofMillis(250);
          MappingIterator<JsonNode> events = JSON.readerFor(JsonNode.class).readValues(in);
          while (events.hasNextValue()) {
            JsonNode event = events.nextValue();
            String type = event.path("type").asText();
            JsonNode object = event.path("object");
            lastSeen = clock.instant();
            if (type.equals("ERROR")) {
              if (object.path("code").asInt() == 410) {
                throw new KubeApi.Failure(410, "Expired", object.path("message").asText());
              }
              throw new IOException("the watch of " + kind.plural() + " in " + namespace + " failed: "
                  + object.path("message").asText(object.toString()));
            }
            String version = object.path("metadata").path("resourceVersion").asText(null);
            if (version != null) {
              resourceVersion = version;
            }
            if (type.equals("BOOKMARK") || !(object instanceof ObjectNode versionObject)) {
              continue;
            }
            deliver(type, versionObject);
          }
        } finally {
          watch = null;
        }
      } catch (KubeApi.Failure e) {
        if (closed) {
          break;
        }
        if (e.code() == 410) {
          // The resourceVersion is older than the API server keeps: relist, explicitly.
          logger.info("the watch of {} in {} expired (410 Gone: {}); relisting", kind.plural(), namespace,
              e.getMessage());
          gapWhy = "the watch expired (410 Gone) and was relisted";
          resourceVersion = null;
          continue;
        }
        failingSince = failed(e, failingSince);
        backoff = sleep(backoff);
      } catch (IOException | RuntimeException e) {
        if (closed) {
          break;
        }
        failingSince = failed(e, failingSince);
        backoff = sleep(backoff);
      }
    }
  }

  private Instant failed(Exception e, Instant since) {
    if (since == null) {
      logger.warn("watching {} in {} through {} failed ({}); retrying with back-off", kind.plural(), namespace,
          api.server(), e.getMessage());
      return clock.instant();
    }
    return since;
  }

  private void deliver(String type, ObjectNode object) {
    String uid = object.path("metadata").path("uid").asText("");
    if (type.equals("DELETED")) {
      known.remove(uid);
      if (!keepObjects) {
        return;
      }
    } else {
      known.put(uid, keepObjects ? object : object.path("metadata").path("resourceVersion").asText());
    }
    listener.version(new WatchEvent(type, kind, object, clock.instant()));
  }

  /** Lists every page; delivers what changed since the last versions seen; returns the list's resourceVersion. */
  private String relist() throws IOException {
    Set<String> listed = new HashSet<>();
    String continueToken = null;
    String resourceVersion;
    do {
      JsonNode page = api.get(kind.path(namespace) + "?limit=500"
          + (continueToken == null ? "" : "&continue=" + java.net.URLEncoder.encode(continueToken,
              java.nio.charset.StandardCharsets.UTF_8)));
      resourceVersion = page.path("metadata").path("resourceVersion").asText();
      for (JsonNode item : page.path("items")) {
        if (!(item instanceof ObjectNode object)) {
          continue;
        }
        // List items lack their kind and apiVersion; the archive keeps whole objects.
        ObjectNode whole = JSON.createObjectNode().put("kind", kind.kind).put("apiVersion", kind.apiVersion);
        whole.setAll(object);
        String uid = whole.path("metadata").path("uid").asText("");
        listed.add(uid);
        Object before = known.get(uid);
        String version = whole.path("metadata").path("resourceVersion").asText();
        String beforeVersion = before instanceof JsonNode node
            ? node.path("metadata").path("resourceVersion").asText() : (String) before;
        if (!version.equals(beforeVersion)) {
          known.put(uid, keepObjects ? whole : version);
          listener.version(new WatchEvent("LISTED", kind, whole, clock.instant()));
        }
      }
      continueToken = page.path("metadata").path("continue").asText("");
    } while (!continueToken.isEmpty());
    for (var gone = known.entrySet().iterator(); gone.hasNext(); ) {
      var entry = gone.next();
      if (!listed.contains(entry.getKey())) {
        gone.remove();
        if (entry.getValue() instanceof ObjectNode last) {
          listener.version(new WatchEvent("GONE", kind, last, clock.instant()));
        }
      }
    }
    return resourceVersion;
  }

  private Duration sleep(Duration backoff) {
    long jittered = (long) (backoff.toMillis() * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble()));
    try {
      Thread.sleep(jittered);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closed = true;
    }
    Duration next = backoff.multipliedBy(2);
    return next.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : next;
  }

  @Override
  public void close() {
    closed = true;
    InputStream open = watch;
    if (open != null) {
      try {
        open.close();
      } catch (IOException e) {
        // Going away anyway.
      }
    }
    thread.interrupt();
  }
}
