package io.coffer.server.http;

import io.coffer.server.KeyRotation;
import io.coffer.server.audit.AuditTrail;
import io.coffer.server.authz.Authorizer;
import io.coffer.server.events.EventSubscriptions;
import io.coffer.server.identity.Directory;
import io.coffer.server.identity.InteractiveLogin;
import io.coffer.server.identity.SigningKeys;
import io.coffer.server.identity.TokenService;
import io.coffer.server.identity.TokenVerifier;
import io.coffer.server.metrics.ServerMetrics;
import io.coffer.server.rotation.SecretRotation;
import io.coffer.server.secrets.SecretChanges;
import io.coffer.server.secrets.SecretService;
import io.coffer.server.vault.Vaults;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

/**
 * What the web layer calls into, one component per feature. {@code reads}: given the executor of
 * requests that may block, where a route marked inline (a secret read) runs, as storage decides
 * (right where it came in when the storage is this process's alone, so a read waits on nothing
 * slower than a local file; otherwise once the node's caches have caught up with the other nodes).
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
    UnaryOperator<Executor> reads,
    AuditTrail audit,
    KeyRotation rotation,
    ServerMetrics metrics,
    SecretChanges changes,
    EventSubscriptions events,
    SecretRotation secretRotation) {}
