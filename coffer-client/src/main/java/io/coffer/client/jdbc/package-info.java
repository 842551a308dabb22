/** A JDBC driver whose credentials are vault references, re-read when a login is refused. */
package io.coffer.client.jdbc;
