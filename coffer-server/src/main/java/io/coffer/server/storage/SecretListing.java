package io.coffer.server.storage;

/** A secret in a listing: its name-level state and its newest version. */
public record SecretListing(SecretHead head, VersionRecord latest) {}
