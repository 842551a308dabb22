package io.coffer.server.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The process's meters, read by Prometheus from {@code /metrics}: what the web layer records per
 * request, the storage pool's and the read cache's own meters, and the JVM's. One per server; its
 * tags are bounded by construction (route operations, statuses, enumerated reasons).
 */
public final class ServerMetrics implements AutoCloseable {
  private final PrometheusMeterRegistry registry;
  private JvmGcMetrics gc;
  private boolean closed;

  private ServerMetrics(PrometheusMeterRegistry registry) {
    this.registry = registry;
  }

  /** A registry for Coffer's meters; {@link #bindProcessMeters()} adds the JVM's. */
  public static ServerMetrics create() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // Tag values come from route tables and enumerations; these limits only catch a bug that
    // would let a request choose one.
    registry
        .config()
        .meterFilter(limit("coffer.requests", "operation", 200))
        .meterFilter(limit("coffer.requests", "status", 60))
        .meterFilter(limit("coffer.tokens", "grant", 20))
        .meterFilter(limit("coffer.tokens", "error", 20));
    return new ServerMetrics(registry);
  }

  /**
   * Binds the JVM's and the process's meters. The server does it in the background once it serves:
   * the binders (management beans, a GC listener) took a tenth of a second of a start that no first
   * request needs; a scrape in the first second lacks {@code jvm_*} only.
   */
  public synchronized void bindProcessMeters() {
    if (closed || gc != null) {
      return;
    }
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new JvmInfoMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    gc = new JvmGcMetrics();
    gc.bindTo(registry);
  }

  /** Where Coffer's components register their meters. */
  public MeterRegistry registry() {
    return registry;
  }

  /** Every meter in Prometheus' text exposition format (0.0.4). */
  public String scrape() {
    return registry.scrape();
  }

  /** The content type of {@link #scrape()}. */
  public static String contentType() {
    return "text/plain; version=0.0.4; charset=utf-8";
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (gc != null) {
      gc.close();
    }
    registry.close();
  }

  private static MeterFilter limit(String name, String tag, int values) {
    return MeterFilter.maximumAllowableTags(name, tag, values, MeterFilter.deny());
  }
}
