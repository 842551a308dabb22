package io.coffer.server.http;

import io.coffer.server.KeyRotation;
import io.coffer.server.audit.AuditTrail;
import io.coffer.server.authz.Authorizer;
import io.coffer.server.identity.Directory;
import io.coffer.server.identity.InteractiveLogin;
import io.coffer.server.identity.SigningKeys;
import io.coffer.server.identity.TokenService;
import io.coffer.server.identity.TokenVerifier;
import io.coffer.server.secrets.SecretService;
import io.coffer.server.vault.Vaults;
import java.util.function.BooleanSupplier;

/**
 * What the web layer calls into, one component per feature. {@code shared}: other nodes share the
 * storage (PostgreSQL); when it is not shared it belongs to this process alone (SQLite), so a read
 * waits on nothing slower than a local file.
 */
public record Services(
    Directory directory,
    Vaults vaults,
    TokenVerifier verifier,
    Authorizer authorizer,
    SecretService secrets,
    TokenService tokens,
    InteractiveLogin login,
    SigningKeys signingKeys,
    BooleanSupplier storageReachable,
    boolean shared,
    AuditTrail audit,
    KeyRotation rotation) {}
