package io.coffer.server.http;

import io.coffer.server.identity.Principal;
import io.coffer.server.vault.Vault;
import io.coffer.wire.ApiVersion;
import io.coffer.wire.ObjectId;

/** What the guard established for a vault request before its handler runs. */
record VaultRequest(Vault vault, Principal principal, ApiVersion apiVersion, ObjectId ids) {}
