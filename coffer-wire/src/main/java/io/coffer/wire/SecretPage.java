package io.coffer.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** One page of a listing; {@code nextLink} is absolute and null on the last page. */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record SecretPage(List<SecretItem> value, String nextLink) {}
