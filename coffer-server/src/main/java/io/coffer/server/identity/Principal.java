package io.coffer.server.identity;

/** An authenticated caller, as the claims of a verified token name it. */
public record Principal(String objectId, String tenantId, String clientId) {}
