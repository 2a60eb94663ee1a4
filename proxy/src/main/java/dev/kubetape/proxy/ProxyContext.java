package dev.kubetape.proxy;

import java.time.Duration;

/** What every handler of one proxy shares; built once by {@link ProxyServer}, immutable. */
record ProxyContext(Upstream upstream, UpstreamPool pool, LocalAuthority authority, TapDispatcher tap,
    Metrics metrics, ErrorLog errors, Duration requestHeadTimeout, Duration idleTimeout) {}
