package io.heliograph.auth;

/**
 * Who is calling: the organization an authenticated API key belongs to, and what the key may do.
 * Every read and write is scoped to the organization.
 */
public record Caller(String orgId, String apiKeyId, Scope scope) {
}
