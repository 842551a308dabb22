package io.coffer.server.storage;

import java.util.OptionalLong;

/**
 * One committed secret write in the change log.
 *
 * @param position its place in commit order, from 1; positions have no gaps when written, but
 *     pruning removes the oldest
 * @param version the version written or affected (the newest for delete, recover and restore), or
 *     empty for a purge
 * @param nbf the version's not-before, Unix seconds, when it has one
 * @param exp the version's expiry, Unix seconds, when it has one
 * @param at when it was committed, Unix milliseconds
 */
public record ChangeRecord(
    long position,
    String vaultId,
    String name,
    String version,
    ChangeKind kind,
    OptionalLong nbf,
    OptionalLong exp,
    long at) {}
