package io.coffer.cli;

import io.coffer.client.ConfigResolver;
import io.coffer.client.ResolutionException;
import io.coffer.client.SecretCache;
import io.coffer.client.SecretReference;
import io.coffer.client.VaultAccess;
import io.coffer.client.files.ConfigDocument;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code coffer resolve}: a configuration file (properties, .env, JSON, YAML) with its secret
 * references replaced by the secrets — or, with {@code --redact}, by a description of what each
 * would resolve to, without reading any secret.
 */
@Command(
    name = "resolve",
    mixinStandardHelpOptions = true,
    description =
        "Print a configuration file with its vault references resolved (or, with --redact, shown"
            + " as what they would resolve to).")
final class ResolveCommand implements Callable<Integer> {
  @Option(names = "--file", required = true, description = "properties, .env, JSON or YAML file")
  Path file;

  @Option(names = "--redact", description = "read no secret; show what each reference names")
  boolean redact;

  @Mixin VaultLoginOptions login = new VaultLoginOptions();

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    ConfigDocument document = ConfigDocument.read(file);
    Map<String, SecretReference> references;
    try {
      references = ConfigResolver.references(document.values());
    } catch (ResolutionException e) {
      throw new CommandFailure(e.getMessage());
    }
    Map<String, String> replacements = new LinkedHashMap<>();
    if (redact) {
      references.forEach(
          (key, reference) -> replacements.put(key, "<" + reference.describe() + ">"));
    } else if (!references.isEmpty()) {
      ConfigResolver resolver =
          new ConfigResolver(SecretCache.withDefaults(VaultAccess.from(login.settings())::fetch));
      Map<String, String> resolved;
      try {
        resolved = resolver.resolve(document.values());
      } catch (ResolutionException e) {
        throw new CommandFailure(e.getMessage());
      }
      references.keySet().forEach(key -> replacements.put(key, resolved.get(key)));
    }
    var out = spec.commandLine().getOut();
    out.print(document.with(replacements).render());
    out.flush();
    return 0;
  }
}
