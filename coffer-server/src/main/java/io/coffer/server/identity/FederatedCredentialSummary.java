package io.coffer.server.identity;

import io.coffer.server.storage.FederatedCredentialRecord;
import java.util.Objects;

/**
 * A federated credential as it is listed: tokens of {@code issuer} for {@code subject} and {@code
 * audience} prove the principal; {@code inlineKeys} tells whether the issuer's keys were given
 * rather than discovered.
 */
public record FederatedCredentialSummary(
    String id,
    String principalId,
    String name,
    String issuer,
    String subject,
    String audience,
    boolean inlineKeys,
    long created) {

  public FederatedCredentialSummary {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(principalId, "principalId");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(issuer, "issuer");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(audience, "audience");
  }

  static FederatedCredentialSummary of(FederatedCredentialRecord stored) {
    return new FederatedCredentialSummary(
        stored.id(),
        stored.principalId(),
        stored.name(),
        stored.issuer(),
        stored.subject(),
        stored.audience(),
        stored.jwks().isPresent(),
        stored.created());
  }
}
