package io.heliograph.auth;

/** Who is calling: the organization an authenticated API key belongs to. Every read and write is scoped to it. */
public record Caller(String orgId, String apiKeyId) {
}
