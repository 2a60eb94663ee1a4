package dev.kubetape.sandbox;

import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * One node's images: which are present, and its image pulls, which the kubelet runs one at a time
 * by default ({@code serializeImagePulls}), so a pull may wait behind another; the {@code Pulled}
 * event reports both times. Whether a pull succeeds is up to the catalog: an image it does not
 * list is not in the registry. Owned by the controller thread.
 */
final class ImagePuller {
  /**
   * How a pull ended.
   *
   * @param error containerd's error when the image does not exist, null on success
   */
  record Result(String reference, Duration pull, Duration total, long sizeBytes, String error) {
    boolean succeeded() {
      return error == null;
    }
  }

  /** Resolving a reference the registry does not have fails fast. */
  private static final Duration NOT_FOUND_AFTER = Duration.ofMillis(700);
  /** Pulling an image whose layers are all present only checks the manifest. */
  private static final Duration UP_TO_DATE_AFTER = Duration.ofMillis(400);

  private final ControllerLoop loop;
  private final SandboxClock clock;
  private final ImageCatalog catalog;
  private final Set<String> present = new HashSet<>();
  private Duration busyUntil = Duration.ZERO;

  ImagePuller(ControllerLoop loop, SandboxClock clock, ImageCatalog catalog) {
    this.loop = loop;
    this.clock = clock;
    this.catalog = catalog;
  }

  boolean present(String reference) {
    return present.contains(ImageCatalog.normalize(reference));
  }

  /** Queues a pull of {@code reference}; {@code done} hears how it went. */
  void pull(String reference, Consumer<Result> done) {
    Duration requested = clock.elapsed();
    Duration start = busyUntil.compareTo(requested) > 0 ? busyUntil : requested;
    Optional<ImageCatalog.Image> image = catalog.find(reference);
    Duration pull = image.isEmpty() ? NOT_FOUND_AFTER
        : present(reference) ? UP_TO_DATE_AFTER
        : measured(image.get().pullSeconds());
    busyUntil = start.plus(pull);
    Duration total = busyUntil.minus(requested);
    loop.after(total, "pulling image " + reference, () -> {
      if (image.isEmpty()) {
        done.accept(new Result(reference, pull, total, 0, notFound(reference)));
        return;
      }
      present.add(ImageCatalog.normalize(reference));
      done.accept(new Result(reference, pull, total, image.get().sizeBytes(), null));
    });
  }

  /** A pull's time as measured: near the catalog's, never a round number. */
  private static Duration measured(double seconds) {
    double jitter = 0.9 + ThreadLocalRandom.current().nextDouble() * 0.2;
    return Duration.ofMillis(Math.max(1, Math.round(seconds * 1000 * jitter)));
  }

  /** containerd's answer for a reference the registry does not know, as the CRI passes it on. */
  static String notFound(String reference) {
    String normalized = ImageCatalog.normalize(reference);
    return "rpc error: code = NotFound desc = failed to pull and unpack image \"" + normalized
        + "\": failed to resolve reference \"" + normalized + "\": " + normalized + ": not found";
  }
}
