package io.coffer.server.config;

/**
 * Where Prometheus scrapes {@code /metrics} without a token: plain HTTP on a port of its own
 * ({@code metrics-port}), on loopback unless {@code metrics-bind} names another address. Nothing
 * else is served there but {@code /healthz}.
 */
public record MetricsListener(String bindHost, int port) {
  public static final String DEFAULT_BIND = "127.0.0.1";

  public MetricsListener {
    if (port < 1 || port > 65535) {
      throw new ConfigException(
          "metrics-port", port + " is not a TCP port", "use 1-65535, e.g. 9464");
    }
    if (bindHost == null || bindHost.isBlank()) {
      throw new ConfigException("metrics-bind", "is empty", "use an address, e.g. " + DEFAULT_BIND);
    }
  }
}
