package io.coffer.server.storage;

/**
 * A stored data key as a master key wrapped it: for a secret version ({@code vaultId}, {@code
 * nameKey}, {@code version}) or, with an empty vault, for the signing key {@code version}.
 */
public record WrappedKeyRecord(
    String vaultId, String nameKey, String version, byte[] wrappedKey, String masterKeyId) {}
