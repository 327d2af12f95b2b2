package io.heliograph.auth;

/** A key just made: the only moment its plain text exists outside the caller's hands. */
public record CreatedKey(String id, String organization, String key) {
}
