package io.coffer.server.secrets;

import java.util.Map;
import java.util.Optional;

/** What a PATCH asks for; an empty field stays as it is. The value cannot change. */
public record MetadataChange(
    Optional<String> contentType,
    Optional<Map<String, String>> tags,
    Optional<Boolean> enabled,
    Optional<Long> notBefore,
    Optional<Long> expires) {}
