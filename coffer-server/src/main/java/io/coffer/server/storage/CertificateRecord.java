package io.coffer.server.storage;

/**
 * A certificate credential: the public certificate (DER) whose key signs the principal's client
 * assertions, found by its SHA-1 {@code thumbprint} (upper-case hex, as Azure shows it).
 */
public record CertificateRecord(
    String id,
    String principalId,
    String thumbprint,
    byte[] certificate,
    String subject,
    long expires,
    long created) {}
