package io.coffer.server.identity;

import io.coffer.server.storage.CertificateRecord;
import java.util.Objects;

/**
 * A certificate credential as it is listed: its SHA-1 {@code thumbprint} (upper-case hex, as Azure
 * shows it), subject and expiry (Unix seconds). The certificate itself stays in storage, for
 * checking client assertions.
 */
public record CertificateSummary(
    String id, String principalId, String thumbprint, String subject, long expires, long created) {

  public CertificateSummary {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(principalId, "principalId");
    Objects.requireNonNull(thumbprint, "thumbprint");
    Objects.requireNonNull(subject, "subject");
  }

  static CertificateSummary of(CertificateRecord stored) {
    return new CertificateSummary(
        stored.id(),
        stored.principalId(),
        stored.thumbprint(),
        stored.subject(),
        stored.expires(),
        stored.created());
  }
}
