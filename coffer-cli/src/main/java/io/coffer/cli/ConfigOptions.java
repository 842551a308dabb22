package io.coffer.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where {@code serve} and {@code dev} read settings the command line leaves out. */
final class ConfigOptions {
  @Option(
      names = "--config",
      description =
          "YAML file of settings keyed as these flags without their dashes (or set COFFER_CONFIG);"
              + " a flag wins over its COFFER_<KEY> variable, which wins over the file")
  Path config;

  @Option(
      names = "--print-config",
      description =
          "print every setting, its value and where it came from (flag, environment, file,"
              + " default), the database password masked, and exit")
  boolean printConfig;
}
