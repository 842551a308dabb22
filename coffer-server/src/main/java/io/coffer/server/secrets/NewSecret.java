package io.coffer.server.secrets;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/** What a PUT asks for: a new version with this value and metadata. */
public record NewSecret(
    SecretValue value,
    Optional<String> contentType,
    Map<String, String> tags,
    boolean enabled,
    OptionalLong notBefore,
    OptionalLong expires) {}
