package io.coffer.server.storage;

import java.util.OptionalLong;

/** The current version of a secret that is not deleted, and its expiry (Unix seconds). */
public record ExpiringVersionRecord(String name, String version, OptionalLong nbf, long exp) {}
