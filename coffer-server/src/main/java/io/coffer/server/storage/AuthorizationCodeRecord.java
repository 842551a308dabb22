package io.coffer.server.storage;

/** An issued authorization code (by hash), bound to its client, redirect and PKCE challenge. */
public record AuthorizationCodeRecord(
    String codeHash,
    String principalId,
    String clientId,
    String redirectUri,
    String codeChallenge,
    String scope,
    String nonce,
    long expires) {}
