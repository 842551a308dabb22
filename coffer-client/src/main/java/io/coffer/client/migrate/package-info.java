/** Moving plaintext credentials from configuration files into a vault, as references. */
package io.coffer.client.migrate;
