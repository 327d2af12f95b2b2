package io.heliograph.auth;

import io.heliograph.store.Database;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * The dashboard's sign-ins. Signing in with an API key makes a session: a random token (the cookie,
 * stored only as its hash) and a CSRF token the page sends back on every change. A session stands
 * for its key, with its key's organization and scope, until it is signed out, expires, or its key
 * is revoked: the key's row is read with the session on every request, in every process.
 */
public final class SessionStore {
    /** A session ends this long after sign-in, however active. */
    public static final Duration LIFETIME = Duration.ofHours(12);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Database database;
    private final Jdbi jdbi;
    private final ApiKeyStore keys;

    public SessionStore(Database database, ApiKeyStore keys) {
        this.database = database;
        this.jdbi = database.jdbi();
        this.keys = keys;
    }

    /** A signed-in browser: who it acts as, the CSRF token its changes must carry, and what the page shows. */
    public record Session(Caller caller, String csrfToken, String organization, String keyPrefix, long expiresAt) {
    }

    /** A new session: the cookie's token, shown once, and the session itself. */
    public record Opened(String token, Session session) {
    }

    /** Opens a session for a live key; empty for any other. Expired sessions are removed on the way. */
    public Optional<Opened> signIn(String presentedKey) {
        Optional<Caller> caller = keys.authenticate(presentedKey);
        if (caller.isEmpty()) {
            return Optional.empty();
        }
        String token = randomToken();
        String csrf = randomToken();
        long now = database.clock().millis();
        long expires = now + LIFETIME.toMillis();
        jdbi.useTransaction(h -> {
            h.createUpdate("DELETE FROM dashboard_sessions WHERE expires_at <= :now").bind("now", now).execute();
            h.createUpdate("""
                            INSERT INTO dashboard_sessions (token_hash, api_key_id, org_id, csrf_token, created_at, expires_at)
                            VALUES (:hash, :key, :org, :csrf, :now, :expires)""")
                    .bind("hash", ApiKeys.hash(token)).bind("key", caller.get().apiKeyId()).bind("org", caller.get().orgId())
                    .bind("csrf", csrf).bind("now", now).bind("expires", expires).execute();
        });
        return find(token).map(s -> new Opened(token, s));
    }

    /** The live session a cookie's token stands for: not signed out, not expired, its key not revoked. */
    public Optional<Session> find(String token) {
        if (!plausible(token)) {
            return Optional.empty();
        }
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT s.org_id, s.api_key_id, s.csrf_token, s.expires_at, k.scope, k.prefix, o.name
                        FROM dashboard_sessions s
                        JOIN api_keys k ON k.id = s.api_key_id AND k.org_id = s.org_id
                        JOIN organizations o ON o.id = s.org_id
                        WHERE s.token_hash = :hash AND s.expires_at > :now AND k.revoked_at IS NULL""")
                .bind("hash", ApiKeys.hash(token)).bind("now", database.clock().millis())
                .map((rs, ctx) -> new Session(new Caller(rs.getString("org_id"), rs.getString("api_key_id"), ApiKeyStore.scopeOf(rs)),
                        rs.getString("csrf_token"), rs.getString("name"), rs.getString("prefix"), rs.getLong("expires_at")))
                .findFirst());
    }

    /** Ends the session the token stands for, if any. */
    public void signOut(String token) {
        if (!plausible(token)) {
            return;
        }
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM dashboard_sessions WHERE token_hash = :hash")
                .bind("hash", ApiKeys.hash(token)).execute());
    }

    /** A cookie value that could be one of ours (43 characters); anything else is not looked up. */
    private static boolean plausible(String token) {
        return token != null && !token.isEmpty() && token.length() <= 100;
    }

    private static String randomToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
