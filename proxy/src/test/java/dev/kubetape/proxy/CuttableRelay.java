package dev.kubetape.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A plain TCP relay on loopback that a test puts between the proxy and the API server, and cuts
 * as a network blip or an API server restart would: {@link #cut()} resets every connection open
 * now and goes on accepting new ones. TLS passes through untouched, so the proxy still talks to
 * the real server and checks its certificate.
 */
final class CuttableRelay implements AutoCloseable {
  private final ServerSocket listener;
  private final String targetHost;
  private final int targetPort;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger accepted = new AtomicInteger();

  private CuttableRelay(ServerSocket listener, String targetHost, int targetPort) {
    this.listener = listener;
    this.targetHost = targetHost;
    this.targetPort = targetPort;
  }

  static CuttableRelay to(String host, int port) throws IOException {
    CuttableRelay relay = new CuttableRelay(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), host, port);
    Thread.ofVirtual().name("relay-accept").start(relay::accept);
    return relay;
  }

  int port() {
    return listener.getLocalPort();
  }

  /** Connections accepted so far: one more after a cut means the proxy reconnected. */
  int accepted() {
    return accepted.get();
  }

  /** Resets every connection open now, both ways. */
  void cut() {
    for (Socket socket : open) {
      reset(socket);
    }
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        accepted.incrementAndGet();
        Socket server;
        try {
          server = new Socket(targetHost, targetPort);
        } catch (IOException e) {
          reset(client);
          continue;
        }
        open.add(client);
        open.add(server);
        Thread.ofVirtual().start(() -> pump(client, server));
        Thread.ofVirtual().start(() -> pump(server, client));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  /** Copies one direction until either side ends; then both sides are closed. */
  private void pump(Socket from, Socket to) {
    byte[] buffer = new byte[16384];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      for (int n; (n = in.read(buffer)) >= 0; ) {
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // reset or closed: the pair ends below
    }
    reset(from);
    reset(to);
  }

  private void reset(Socket socket) {
    open.remove(socket);
    try {
      socket.setSoLinger(true, 0);
    } catch (IOException e) {
      // already closed
    }
    try {
      socket.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    cut();
  }
}
