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

  @Test
  void a_strangers_guesses_do_not_lock_the_owner_out_from_a_familiar_address() {
    String home = "198.51.100.7";
    String stranger = "203.0.113.9";
    assertThat(directory.signIn(tenant.id(), "ada@lockout.example", PASSWORD, home)).isPresent();
    for (int i = 0; i < PasswordSignIn.LOCKOUT_THRESHOLD; i++) {
      directory.signIn(tenant.id(), "ada@lockout.example", "guess-" + i, stranger);
    }
    // Every unfamiliar address is locked out together, the owner's own address is not.
    assertThat(directory.signIn(tenant.id(), "ada@lockout.example", PASSWORD, stranger)).isEmpty();
    assertThat(directory.signIn(tenant.id(), "ada@lockout.example", PASSWORD, "192.0.2.1"))
        .isEmpty();
    assertThat(directory.signIn(tenant.id(), "ada@lockout.example", PASSWORD, home)).isPresent();
  }

  @Test
  void an_administrator_clears_a_lockout_at_once() {
    for (int i = 0; i < PasswordSignIn.LOCKOUT_THRESHOLD; i++) {
      directory.signIn(tenant.id(), "ada@lockout.example", "guess-" + i, "203.0.113.9");
    }
    assertThat(directory.signIn(tenant.id(), "ada@lockout.example", PASSWORD, "203.0.113.9"))
        .isEmpty();
    DirectoryPrincipal ada =
        directory.principals(tenant.id()).stream()
            .filter(p -> p.userName().orElse("").equals("ada@lockout.example"))
            .findFirst()
            .orElseThrow();
    directory.unlock(ada);
    assertThat(directory.signIn(tenant.id(), "ada@lockout.example", PASSWORD, "203.0.113.9"))
        .isPresent();
  }
}
