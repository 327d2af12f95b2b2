package io.heliograph.auth;

/** What {@code keys list} shows of a key: never the key itself. */
public record ApiKeyInfo(String id, String organization, String prefix, long createdAt, Long revokedAt, String scope) {
    public boolean revoked() {
        return revokedAt != null;
    }
}
