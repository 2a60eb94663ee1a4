package dev.kubetape.proxy;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/**
 * A copy of a body for the tap, up to the API server's own 3 MiB request limit. The forwarded
 * bytes are never held back: the proxy copies them as they pass, and gives up on a body that
 * grows past the limit. Owned by the event loop until the exchange is handed to the tap.
 */
final class BodyCapture {
  static final int LIMIT = 3 * 1024 * 1024;

  private byte[] bytes = new byte[0];
  private int size;
  private boolean overflowed;

  void add(ByteBuf content) {
    int readable = content.readableBytes();
    if (overflowed || readable == 0) {
      return;
    }
    if (size + readable > LIMIT) {
      overflowed = true;
      bytes = null;
      return;
    }
    if (size + readable > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.min(LIMIT, Math.max(size + readable, Math.max(8192, bytes.length * 2))));
    }
    content.getBytes(content.readerIndex(), bytes, size, readable);
    size += readable;
  }

  /** The body, or null when it was over the limit. */
  byte[] bytes() {
    return overflowed ? null : Arrays.copyOf(bytes, size);
  }

  int size() {
    return overflowed ? 0 : size;
  }
}
