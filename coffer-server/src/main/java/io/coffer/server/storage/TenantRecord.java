package io.coffer.server.storage;

/** A tenant: the directory that owns principals and vaults. */
public record TenantRecord(String id, String name, long created) {}
