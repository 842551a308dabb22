package io.coffer.client.files;

import java.util.Random;

/** Random strings drawn from the characters a format finds awkward, for round-trip tests. */
final class RandomText {
  private final Random random = new Random(20261117);
  private final int[] alphabet;

  RandomText(String alphabet) {
    this.alphabet = alphabet.codePoints().toArray();
  }

  /** Up to {@code maxLength} code points. */
  String next(int maxLength) {
    StringBuilder text = new StringBuilder();
    for (int n = random.nextInt(maxLength + 1); n > 0; n--) {
      text.appendCodePoint(alphabet[random.nextInt(alphabet.length)]);
    }
    return text.toString();
  }
}
