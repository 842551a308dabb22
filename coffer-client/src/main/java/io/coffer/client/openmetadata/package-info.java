/** OpenMetadata's Azure Key Vault secrets manager: its secret names, tags and references. */
package io.coffer.client.openmetadata;
