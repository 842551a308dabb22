package io.coffer.server.secrets;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One version of a secret as callers see it. {@code value} is present only where the operation
 * returns the value (GET, PUT).
 */
public record SecretVersion(
    String name,
    String version,
    Optional<SecretValue> value,
    Optional<String> contentType,
    Map<String, String> tags,
    boolean enabled,
    OptionalLong notBefore,
    OptionalLong expires,
    long created,
    long updated) {}
