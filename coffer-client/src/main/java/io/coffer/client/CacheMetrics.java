package io.coffer.client;

/**
 * What the secret cache did: answers from memory, loads from the vault (first reads and expired
 * entries), background refreshes ahead of expiry, failed vault calls, and answers served stale
 * because the vault failed, and changes heard from a change feed (each refreshed at once).
 */
public record CacheMetrics(
    long hits,
    long misses,
    long refreshes,
    long errors,
    long staleServed,
    long vaultCalls,
    long changesHeard) {}
