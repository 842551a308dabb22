/** The seed example connector: database facts read with vault-held credentials. */
package io.coffer.client.dbinfo;
