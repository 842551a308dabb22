package io.coffer.server.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.server.storage.Storage;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Password guessing against a user name stops after the lockout threshold, as in Entra. */
class SignInLockoutTest {
  private static final String PASSWORD = "correct horse battery staple";
  @TempDir Path dir;
  private Storage storage;
  private Directory directory;
  private Tenant tenant;

  @BeforeEach
  void open() {
    storage = Storage.openSqlite(dir.resolve("coffer.db"));
    directory = new Directory(storage.directory(), storage.oneTime(), Clock.systemUTC());
    tenant = directory.createTenant("lockout");
    directory.createUser(tenant.id(), "ada@lockout.example", "Ada", PASSWORD);
    directory.createUser(tenant.id(), "bob@lockout.example", "Bob", PASSWORD);
  }

  @AfterEach
  void close() {
    storage.close();
  }

  @Test
  void a_name_locks_after_repeated_failures_and_other_names_are_unaffected() {
    assertThat(directory.signIn(tenant.id(), "ada@lockout.example", PASSWORD)).isPresent();
    for (int i = 0; i < PasswordSignIn.LOCKOUT_THRESHOLD; i++) {
      assertThat(directory.signIn(tenant.id(), "ADA@lockout.example", "guess-" + i)).isEmpty();
    }
    assertThat(directory.signIn(tenant.id(), "ada@lockout.example", PASSWORD)).isEmpty();
    assertThat(directory.signIn(tenant.id(), "bob@lockout.example", PASSWORD))
        .map(DirectoryPrincipal::displayName)
        .contains("Bob");
  }

  @Test
  void a_success_before_the_threshold_clears_the_count() {
    for (int i = 0; i < PasswordSignIn.LOCKOUT_THRESHOLD - 1; i++) {
      directory.signIn(tenant.id(), "ada@lockout.example", "guess-" + i);
    }
    assertThat(directory.signIn(tenant.id(), "ada@lockout.example", PASSWORD)).isPresent();
    directory.signIn(tenant.id(), "ada@lockout.example", "one more guess");
    assertThat(directory.signIn(tenant.id(), "ada@lockout.example", PASSWORD)).isPresent();
  }
}
