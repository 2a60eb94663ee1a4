package dev.kubetape.cli;

/** A HOST:PORT flag value; IPv6 hosts go in brackets ([::1]:8443). */
record Listen(String host, int port) {
  static Listen parse(String text, String flag) {
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new IllegalArgumentException(flag + " must be HOST:PORT, such as 127.0.0.1:8443, not '"
          + text + "'");
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " has a port that is not a number: '" + text + "'");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(flag + " port must be between 0 and 65535, not " + port);
    }
    return new Listen(host, port);
  }
}
