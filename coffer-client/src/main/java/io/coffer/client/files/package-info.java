/** Configuration files (properties, .env, JSON, YAML) as flat keys, rewritten in their format. */
package io.coffer.client.files;
