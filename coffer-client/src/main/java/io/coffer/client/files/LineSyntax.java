package io.coffer.client.files;

import java.util.List;

/** How a line-based format lays out its entries: over which lines, and how values are written. */
sealed interface LineSyntax permits PropertiesSyntax, DotenvSyntax {

  /** How many physical lines, from {@code at}, the entry that starts there spans (at least one). */
  int span(List<String> lines, int at);

  /** The entry these physical lines form; {@code number} is the first one's, for messages. */
  LineEntry entry(List<String> lines, int number);

  /** A value as written after an entry's head, so that reading it gives back exactly the value. */
  String quote(String value);
}
