package dev.kubetape.recorder;

import dev.kubetape.proxy.Exchange;

/**
 * Who made a request, as the API server sees it: the user of the upstream credentials (asked
 * once with a SelfSubjectReview), or the user they impersonate with {@code kubectl --as}; and
 * the client that sent it, from its User-Agent.
 *
 * @param user the user the request acted as
 * @param upstreamUser the user of kubetape's upstream credentials (differs from {@code user}
 *     when impersonating), or null when the review has not answered
 * @param userAgent the User-Agent as sent, or null
 * @param client the User-Agent's product and version ("kubectl/v1.33.1", "Helm/4.0.0"), or null
 */
record Identity(String user, String upstreamUser, String userAgent, String client) {
  /** The user shown for changes that did not pass through kubetape. */
  static final String NOT_VIA_KUBETAPE = "unknown (not via kubetape)";
  /** The user shown when the upstream user could not be asked. */
  static final String UNKNOWN = "unknown";

  static Identity of(Exchange exchange, String upstreamUser) {
    String user = exchange.impersonatedUser() != null && !exchange.impersonatedUser().isBlank()
        ? exchange.impersonatedUser() : upstreamUser != null ? upstreamUser : UNKNOWN;
    return new Identity(user, upstreamUser, exchange.userAgent(), client(exchange.userAgent()));
  }

  static Identity notViaKubetape() {
    return new Identity(NOT_VIA_KUBETAPE, null, null, null);
  }

  /** "kubectl/v1.33.1 (linux/amd64) kubernetes/8adc0f0" is kubectl v1.33.1. */
  static String client(String userAgent) {
    if (userAgent == null || userAgent.isBlank()) {
      return null;
    }
    String first = userAgent.trim().split("\\s+", 2)[0];
    return first.isEmpty() ? null : first;
  }
}
