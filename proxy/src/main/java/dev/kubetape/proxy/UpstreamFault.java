package dev.kubetape.proxy;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/**
 * Why the API server could not be reached or did not answer, told the way STYLE.md asks: what
 * failed, on which route, and what to do. kubectl prints the message as it prints the server's
 * own errors: {@code Error from server (ServiceUnavailable): failed to reach
 * https://127.0.0.1:6443 for kubectl => kubetape: connection refused; is the cluster up? check
 * --upstream-kubeconfig}.
 *
 * @param errorClass the class the error log and the metrics count it under
 */
record UpstreamFault(String errorClass, KubeStatus status) {

  /** A connection that closed before the response was complete. */
  static final class UpstreamClosedException extends IOException {
    UpstreamClosedException() {
      super("the server closed the connection before answering");
    }
  }

  static UpstreamFault of(Throwable failure, Upstream upstream, String client) {
    String route = "failed to reach " + upstream.server() + " for " + client + " => kubetape: ";
    String kubeconfig = "--upstream-kubeconfig (" + upstream.kubeconfig() + ", context "
        + upstream.contextName() + ")";
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      String message = String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT);
      if (cause instanceof ConnectTimeoutException) {
        return unavailable("upstream_connect_timeout", route + "no answer within "
            + UpstreamPool.CONNECT_TIMEOUT.toSeconds() + "s; is the cluster up and reachable from here? check "
            + kubeconfig);
      }
      if (cause instanceof NoRouteToHostException || message.contains("unreachable")
          || message.contains("no route to host")) {
        return unavailable("upstream_unreachable", route + "no route to the server; is the network up? check "
            + kubeconfig);
      }
      if (cause instanceof ConnectException) {
        return unavailable("upstream_refused", route + "connection refused; is the cluster up? check "
            + kubeconfig);
      }
      if (cause instanceof UnknownHostException) {
        return unavailable("upstream_unknown_host", route + "unknown host " + upstream.host()
            + "; check the server address in " + kubeconfig);
      }
      if (cause instanceof NotSslRecordException) {
        return badGateway("upstream_not_tls", route + "the server does not speak TLS; check that the server"
            + " address in " + kubeconfig + " starts with https:// and names the API server's port");
      }
      if (cause instanceof SslHandshakeTimeoutException) {
        return badGateway("upstream_tls_timeout", route + "the TLS handshake timed out; is the server"
            + " overloaded? check " + kubeconfig);
      }
      if (cause instanceof CertPathBuilderException || cause instanceof CertPathValidatorException
          || message.contains("pkix path")) {
        return badGateway("upstream_untrusted_certificate", route + "the server's certificate is not signed"
            + " by a certificate authority the kubeconfig trusts (" + cause.getMessage() + "); check"
            + " certificate-authority-data in " + kubeconfig);
      }
      if (message.contains("no subject alternative") || message.contains("no name matching")) {
        return badGateway("upstream_certificate_name", route + "the server's certificate is not issued for "
            + upstream.host() + " (" + cause.getMessage() + "); check the server address and tls-server-name in "
            + kubeconfig);
      }
      if (cause instanceof SSLException && (message.contains("bad_certificate")
          || message.contains("certificate_required") || message.contains("certificate_unknown")
          || message.contains("unknown_ca"))) {
        return badGateway("upstream_rejected_client_certificate", route + "the server refused the client"
            + " certificate (" + cause.getMessage() + "); check client-certificate-data in " + kubeconfig);
      }
      if (message.contains("connection reset")) {
        return badGateway("upstream_reset", route + "the server reset the connection; is it restarting? check "
            + kubeconfig);
      }
      if (cause instanceof UpstreamClosedException || cause instanceof PrematureChannelClosureException
          || cause instanceof ClosedChannelException) {
        return badGateway("upstream_closed", route + "the server closed the connection before answering;"
            + " is it restarting? check " + kubeconfig);
      }
    }
    if (failure instanceof SSLException) {
      return badGateway("upstream_tls", route + "the TLS handshake failed (" + failure.getMessage()
          + "); check certificate-authority-data and the client credentials in " + kubeconfig);
    }
    return badGateway("upstream_error", route + failure + "; check " + kubeconfig);
  }

  private static UpstreamFault unavailable(String errorClass, String message) {
    return new UpstreamFault(errorClass, new KubeStatus(503, "ServiceUnavailable", message));
  }

  private static UpstreamFault badGateway(String errorClass, String message) {
    return new UpstreamFault(errorClass, new KubeStatus(502, "BadGateway", message));
  }

  /**
   * The client's name for the route: the product of its User-Agent ("kubectl", "helm"), without
   * the version kubectl adds when its binary is named kubectl.1.33.
   */
  static String clientName(String userAgent) {
    Matcher product = PRODUCT.matcher(userAgent == null ? "" : userAgent.strip());
    return product.lookingAt() ? product.group() : "the client";
  }

  private static final Pattern PRODUCT = Pattern.compile("[A-Za-z][A-Za-z_-]*");
}
