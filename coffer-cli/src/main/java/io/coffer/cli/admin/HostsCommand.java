package io.coffer.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code coffer hosts}: the name-resolution lines that send clients to this server for every name
 * it answers (the token service, Resource Manager under a cloud's names, each vault), as an {@code
 * /etc/hosts} block, {@code docker run --add-host} flags or a CoreDNS {@code hosts} block. The
 * machine's own DNS is never touched.
 */
@Command(
    name = "hosts",
    mixinStandardHelpOptions = true,
    description =
        "Print the hosts-file lines (or docker/CoreDNS form) that point every name this server"
            + " answers for at its address.")
public final class HostsCommand implements Callable<Integer> {
  @Option(
      names = "--address",
      defaultValue = "127.0.0.1",
      description = "the address clients reach Coffer at (default ${DEFAULT-VALUE})")
  String address;

  @Option(
      names = "--format",
      defaultValue = "hosts",
      description = "hosts, docker or coredns (default ${DEFAULT-VALUE})")
  String format;

  @Mixin AdminOptions options;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    InetAddress parsed = literal(address);
    List<String> hosts = new ArrayList<>();
    for (JsonNode host : options.client().get("/hosts").path("hosts")) {
      hosts.add(host.asText());
    }
    PrintWriter out = spec.commandLine().getOut();
    String ip = parsed.getHostAddress();
    switch (format.toLowerCase(java.util.Locale.ROOT)) {
      case "hosts" -> {
        out.println("# Coffer: every name it answers for (add to /etc/hosts)");
        hosts.forEach(h -> out.println(ip + " " + h));
      }
      case "docker" ->
          out.println(
              String.join(" ", hosts.stream().map(h -> "--add-host=" + h + ":" + ip).toList()));
      case "coredns" -> {
        out.println("hosts {");
        hosts.forEach(h -> out.println("  " + ip + " " + h));
        out.println("  fallthrough");
        out.println("}");
      }
      default ->
          throw new picocli.CommandLine.ParameterException(
              spec.commandLine(),
              "--format must be hosts, docker or coredns, not '" + format + "'");
    }
    out.flush();
    return 0;
  }

  /** An IP literal only: a host name here would be resolved by the DNS this command avoids. */
  private InetAddress literal(String text) {
    if (!text.matches("[0-9.]+|[0-9A-Fa-f:]+")) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--address must be an IP address, not '" + text + "'");
    }
    try {
      return InetAddress.getByName(text);
    } catch (java.net.UnknownHostException e) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--address must be an IP address, not '" + text + "'");
    }
  }
}
