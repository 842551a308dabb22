package io.coffer.server.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.server.crypto.Envelope;
import io.coffer.server.crypto.Keyring;
import io.coffer.server.storage.PostgresOptions;
import io.coffer.server.storage.Storage;
import io.coffer.server.testing.TestPostgres;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/** A key rotated on one node verifies on another that has not seen it yet. */
@EnabledIfSystemProperty(named = "coffer.test.storage", matches = "postgresql")
class SharedSigningKeysTest {

  @Test
  void a_key_rotated_on_one_node_verifies_on_the_others(@TempDir Path dataDir) {
    PostgresOptions database = TestPostgres.get().databaseFor(dataDir);
    Envelope envelope = new Envelope(Keyring.load(dataDir, Map.of()));
    try (Storage one = Storage.openPostgresql(database);
        Storage other = Storage.openPostgresql(database)) {
      SigningKeys first = new SigningKeys(one.signingKeys(), envelope, Clock.systemUTC());
      SigningKeys second = new SigningKeys(other.signingKeys(), envelope, Clock.systemUTC());
      assertThat(second.activeKid()).isEqualTo(first.activeKid());

      String rotated = first.rotate();

      assertThat(second.verifier(rotated)).isPresent();
      assertThat(second.verifier("0123456789abcdef0123456789abcdef")).isEmpty();
    }
  }
}
