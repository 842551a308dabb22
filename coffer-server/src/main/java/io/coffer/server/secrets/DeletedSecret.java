package io.coffer.server.secrets;

/** A soft-deleted secret: its newest version, when it was deleted and when it will be purged. */
public record DeletedSecret(SecretVersion latest, long deletedDate, long scheduledPurgeDate) {}
