package io.coffer.wire;

/** Backup answers and restore requests both carry {@code {"value": "<base64url>"}}. */
public record BackupBlob(String value) {

  @Override
  public String toString() {
    return "BackupBlob[" + (value == null ? 0 : value.length()) + " chars]";
  }
}
