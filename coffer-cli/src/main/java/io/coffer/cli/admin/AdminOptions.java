package io.coffer.cli.admin;

import io.coffer.cli.Output;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** What every {@code coffer admin} command shares: the profile to call with, the output format. */
final class AdminOptions {
  @Option(
      names = "--profile",
      defaultValue = "${env:COFFER_ADMIN_PROFILE}",
      description =
          "admin profile file (default: $COFFER_ADMIN_PROFILE, else .coffer/admin.json, else"
              + " ~/.config/coffer/admin.json)")
  Path profile;

  @Option(
      names = {"-o", "--output"},
      defaultValue = "table",
      description = "table or json (default: table)")
  String output;

  Output output() {
    return Output.named(output);
  }

  AdminClient client() {
    return AdminClient.of(AdminProfile.load(profilePath()));
  }

  Path profilePath() {
    if (profile != null) {
      return profile;
    }
    Path local = Path.of(".coffer", "admin.json");
    return Files.exists(local)
        ? local
        : Path.of(System.getProperty("user.home"), ".config", "coffer", "admin.json");
  }
}
