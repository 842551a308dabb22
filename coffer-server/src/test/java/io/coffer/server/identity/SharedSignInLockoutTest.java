package io.coffer.server.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.server.storage.PostgresOptions;
import io.coffer.server.storage.Storage;
import io.coffer.server.testing.TestPostgres;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/** Password guesses spread over several nodes count toward one lockout. */
@EnabledIfSystemProperty(named = "coffer.test.storage", matches = "postgresql")
class SharedSignInLockoutTest {
  private static final String PASSWORD = "correct horse battery staple";

  @Test
  void guesses_spread_over_two_nodes_lock_the_name_on_both(@TempDir Path dir) {
    PostgresOptions database = TestPostgres.get().databaseFor(dir);
    try (Storage one = Storage.openPostgresql(database);
        Storage other = Storage.openPostgresql(database)) {
      Directory first = new Directory(one.directory(), one.oneTime(), Clock.systemUTC(), true);
      Directory second = new Directory(other.directory(), other.oneTime(), Clock.systemUTC(), true);
      Tenant tenant = first.createTenant("lockout");
      first.createUser(tenant.id(), "ada@lockout.example", "Ada", PASSWORD);

      for (int i = 0; i < PasswordSignIn.LOCKOUT_THRESHOLD; i++) {
        Directory node = i % 2 == 0 ? first : second;
        assertThat(node.signIn(tenant.id(), "ada@lockout.example", "guess-" + i)).isEmpty();
      }

      assertThat(first.signIn(tenant.id(), "ada@lockout.example", PASSWORD)).isEmpty();
      assertThat(second.signIn(tenant.id(), "ada@lockout.example", PASSWORD)).isEmpty();
    }
  }
}
