package io.heliograph.auth;

import io.heliograph.store.Database;
import io.heliograph.store.TimeOrderedIds;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** Organizations and their API keys in the store. */
public final class ApiKeyStore {
    public static final String DEFAULT_ORG = "default";

    /**
     * A live key, as found in the store, stands for a second: a request a second per key reads the
     * store, not every request. A key revoked in another process (the CLI, another server) is refused
     * within that second; one revoked through this one, at once. An unknown key is never remembered.
     */
    static final long KNOWN_FOR_NANOS = 1_000_000_000L;
    private static final int MAX_KNOWN = 10_000;

    private record Known(Caller caller, long checkedAt) {
    }

    private final Jdbi jdbi;
    private final Database database;
    private final Map<String, Known> known = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Optional<Caller>>> lookups = new ConcurrentHashMap<>();
    private final AtomicLong revocations = new AtomicLong();

    public ApiKeyStore(Database database) {
        this.database = database;
        this.jdbi = database.jdbi();
    }

    /** The caller a presented key stands for, if it is a live key. */
    public Optional<Caller> authenticate(String presentedKey) {
        String hash = ApiKeys.hash(presentedKey);
        Known k = known.get(hash);
        if (k != null && System.nanoTime() - k.checkedAt() < KNOWN_FOR_NANOS) {
            return Optional.of(k.caller());
        }
        // One lookup per key at a time: a burst of requests with a key not yet (or no longer) known
        // waits for the same read instead of each taking a connection from the pool.
        CompletableFuture<Optional<Caller>> mine = new CompletableFuture<>();
        CompletableFuture<Optional<Caller>> running = lookups.putIfAbsent(hash, mine);
        if (running != null) {
            try {
                return running.join();
            } catch (java.util.concurrent.CompletionException e) {
                throw e.getCause() instanceof RuntimeException cause ? cause : e;
            }
        }
        try {
            Optional<Caller> found = lookUp(hash);
            mine.complete(found);
            return found;
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            lookups.remove(hash, mine);
        }
    }

    private Optional<Caller> lookUp(String hash) {
        long generation = revocations.get();
        long now = System.nanoTime();
        Optional<Caller> found = jdbi.withHandle(h -> h.createQuery(
                        "SELECT id, org_id, key_hash, scope FROM api_keys WHERE key_hash = :hash AND revoked_at IS NULL")
                .bind("hash", hash)
                .map((rs, ctx) -> ApiKeys.sameHash(rs.getString("key_hash"), hash)
                        ? new Caller(rs.getString("org_id"), rs.getString("id"), scopeOf(rs))
                        : null)
                .findOne());
        if (found.isPresent() && generation == revocations.get()) { // a revocation meanwhile: do not remember
            if (known.size() >= MAX_KNOWN) {
                known.clear();
            }
            known.put(hash, new Known(found.get(), now));
        } else {
            known.remove(hash);
        }
        return found;
    }

    /** Creates a key for {@code organization}, creating the organization when it does not exist. */
    public CreatedKey createKey(String organization) {
        String key = ApiKeys.generate();
        return jdbi.inTransaction(h -> insertKey(h, orgId(h, organization), organization, key));
    }

    /** A key of the caller's organization, made through the API: the plain key is in the answer and nowhere else. */
    public OrgKey createInOrg(String orgId, Scope scope, String name) {
        String key = ApiKeys.generate();
        long now = database.clock().millis();
        String id = jdbi.inTransaction(h -> insert(h, orgId, key, scope, name, now));
        return new OrgKey(id, ApiKeys.shownPrefix(key), scope, name, now, null, key);
    }

    /** The organization's keys, live and revoked, newest first: never a key or its hash. */
    public List<OrgKey> listInOrg(String orgId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT id, prefix, scope, name, created_at, revoked_at FROM api_keys
                        WHERE org_id = :org ORDER BY created_at DESC, id DESC""")
                .bind("org", orgId)
                .map((rs, ctx) -> orgKey(rs))
                .list());
    }

    /** One key of the organization, live or revoked. */
    public Optional<OrgKey> findInOrg(String orgId, String id) {
        return jdbi.withHandle(h -> findInOrg(h, orgId, id));
    }

    private static Optional<OrgKey> findInOrg(Handle h, String orgId, String id) {
        return h.createQuery("SELECT id, prefix, scope, name, created_at, revoked_at FROM api_keys WHERE org_id = :org AND id = :id")
                .bind("org", orgId).bind("id", id)
                .map((rs, ctx) -> orgKey(rs))
                .findOne();
    }

    private static OrgKey orgKey(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new OrgKey(rs.getString("id"), rs.getString("prefix"), scopeOf(rs), rs.getString("name"), rs.getLong("created_at"), rs.getObject("revoked_at") == null ? null : rs.getLong("revoked_at"), null);
    }

    /**
     * Revokes one of the organization's keys: refused from the next request on by this process, within
     * a second by every other. The organization's last live {@code admin} key is kept: without it
     * nobody could manage its keys through the API. Two revocations at once cannot both pass that
     * check: each first locks the organization's row. A key revoked before is answered as it is.
     */
    public OrgRevokeResult revokeInOrg(String orgId, String id) {
        OrgRevokeResult result = jdbi.inTransaction(h -> {
            h.createUpdate("UPDATE organizations SET name = name WHERE id = :org").bind("org", orgId).execute();
            Optional<OrgKey> key = findInOrg(h, orgId, id);
            if (key.isEmpty()) {
                return new OrgRevokeResult(OrgRevokeResult.Kind.NOT_FOUND, null);
            }
            OrgKey k = key.get();
            if (k.revokedAt() != null) {
                return new OrgRevokeResult(OrgRevokeResult.Kind.REVOKED, k);
            }
            if (k.scope() == Scope.ADMIN) {
                long admins = h.createQuery("SELECT COUNT(*) FROM api_keys WHERE org_id = :org AND scope = 'admin' AND revoked_at IS NULL")
                        .bind("org", orgId).mapTo(Long.class).one();
                if (admins <= 1) {
                    return new OrgRevokeResult(OrgRevokeResult.Kind.LAST_ADMIN, k);
                }
            }
            long now = database.clock().millis();
            h.createUpdate("UPDATE api_keys SET revoked_at = :now WHERE id = :id AND org_id = :org")
                    .bind("now", now).bind("id", id).bind("org", orgId).execute();
            return new OrgRevokeResult(OrgRevokeResult.Kind.REVOKED, new OrgKey(k.id(), k.prefix(), k.scope(), k.name(), k.createdAt(), now, null));
        });
        if (result.kind() == OrgRevokeResult.Kind.REVOKED) {
            forget(id);
        }
        return result;
    }

    /** A key as its organization sees it; {@code key} is set only in the answer to its creation. */
    public record OrgKey(String id, String prefix, Scope scope, String name, long createdAt, Long revokedAt, String key) {
    }

    /** What revoking answered: the key (revoked now or before), none such, or the last admin key, kept. */
    public record OrgRevokeResult(Kind kind, OrgKey key) {
        /** How it went. */
        public enum Kind { REVOKED, NOT_FOUND, LAST_ADMIN }
    }

    /**
     * At first start, with no organization yet: creates org {@code default} and one key. Returns it,
     * or empty when any organization already exists (another process may have won the race).
     */
    public Optional<CreatedKey> createDefaultIfEmpty() {
        String key = ApiKeys.generate();
        return jdbi.inTransaction(h -> {
            long orgs = h.createQuery("SELECT COUNT(*) FROM organizations").mapTo(Long.class).one();
            if (orgs > 0) {
                return Optional.empty();
            }
            int inserted = h.createUpdate("INSERT INTO organizations (id, name, created_at) VALUES (:id, :name, :now) "
                            + "ON CONFLICT (name) DO NOTHING")
                    .bind("id", UUID.randomUUID().toString())
                    .bind("name", DEFAULT_ORG)
                    .bind("now", database.clock().millis())
                    .execute();
            if (inserted == 0) {
                return Optional.empty();
            }
            return Optional.of(insertKey(h, orgId(h, DEFAULT_ORG), DEFAULT_ORG, key));
        });
    }

    /**
     * Makes sure this exact key exists, for org {@code default} when it is new. A key that exists
     * and was revoked stays revoked: revocation must not be undone by a restart.
     */
    public BootstrapOutcome ensureKey(String key) {
        String hash = ApiKeys.hash(key);
        return jdbi.inTransaction(h -> {
            Optional<Long> revokedAt = h.createQuery("SELECT revoked_at FROM api_keys WHERE key_hash = :hash")
                    .bind("hash", hash)
                    .map((rs, ctx) -> rs.getObject("revoked_at") == null ? -1L : rs.getLong("revoked_at"))
                    .findOne();
            if (revokedAt.isPresent()) {
                return revokedAt.get() == -1L ? BootstrapOutcome.ALREADY_PRESENT : BootstrapOutcome.REVOKED;
            }
            insertKey(h, orgId(h, DEFAULT_ORG), DEFAULT_ORG, key);
            return BootstrapOutcome.CREATED;
        });
    }

    public enum BootstrapOutcome { CREATED, ALREADY_PRESENT, REVOKED }

    public List<ApiKeyInfo> list() {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT k.id, o.name, k.prefix, k.created_at, k.revoked_at, k.scope
                        FROM api_keys k JOIN organizations o ON o.id = k.org_id
                        ORDER BY o.name, k.created_at, k.id""")
                .map((rs, ctx) -> new ApiKeyInfo(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                        rs.getObject(5) == null ? null : rs.getLong(5), rs.getString(6)))
                .list());
    }

    /**
     * Revokes the one live key whose id or shown prefix is {@code idOrPrefix}: refused from the next
     * request on by this process, within a second by every other (see {@link #KNOWN_FOR_NANOS}).
     */
    public RevokeResult revoke(String idOrPrefix) {
        String[] revokedId = new String[1];
        RevokeResult result = jdbi.inTransaction(h -> {
            List<String> ids = h.createQuery(
                            "SELECT id FROM api_keys WHERE (id = :value OR prefix = :value) AND revoked_at IS NULL")
                    .bind("value", idOrPrefix)
                    .mapTo(String.class)
                    .list();
            if (ids.size() != 1) {
                return ids.isEmpty() ? RevokeResult.NOT_FOUND : RevokeResult.AMBIGUOUS;
            }
            h.createUpdate("UPDATE api_keys SET revoked_at = :now WHERE id = :id")
                    .bind("now", database.clock().millis())
                    .bind("id", ids.get(0))
                    .execute();
            revokedId[0] = ids.get(0);
            return RevokeResult.REVOKED;
        });
        if (revokedId[0] != null) {
            forget(revokedId[0]);
        }
        return result;
    }

    public enum RevokeResult { REVOKED, NOT_FOUND, AMBIGUOUS }

    /** The command line's and the bootstrap's keys: {@code admin} (SPEC §2). */
    private CreatedKey insertKey(Handle h, String orgId, String organization, String key) {
        return new CreatedKey(insert(h, orgId, key, Scope.ADMIN, null, database.clock().millis()), organization, key);
    }

    /**
     * Stores a key's hash and shown prefix, never the key; answers its id. The id is time-ordered, so
     * keys made in the same millisecond still list newest first.
     */
    private static String insert(Handle h, String orgId, String key, Scope scope, String name, long now) {
        String id = TimeOrderedIds.next(now).toString();
        h.createUpdate("""
                        INSERT INTO api_keys (id, org_id, key_hash, prefix, created_at, scope, name)
                        VALUES (:id, :org, :hash, :prefix, :now, :scope, :name)""")
                .bind("id", id).bind("org", orgId).bind("hash", ApiKeys.hash(key)).bind("prefix", ApiKeys.shownPrefix(key))
                .bind("now", now).bind("scope", scope.wire()).bind("name", name)
                .execute();
        return id;
    }

    /** A stored scope; one this version does not know grants the least. */
    static Scope scopeOf(java.sql.ResultSet rs) throws java.sql.SQLException {
        return Scope.parse(rs.getString("scope")).orElse(Scope.INGEST);
    }

    /** The key is refused from the next request on, in this process. */
    private void forget(String keyId) {
        revocations.incrementAndGet();
        known.values().removeIf(k -> k.caller().apiKeyId().equals(keyId));
    }

    private String orgId(Handle h, String name) {
        h.createUpdate("INSERT INTO organizations (id, name, created_at) VALUES (:id, :name, :now) ON CONFLICT (name) DO NOTHING")
                .bind("id", UUID.randomUUID().toString())
                .bind("name", name)
                .bind("now", database.clock().millis())
                .execute();
        return h.createQuery("SELECT id FROM organizations WHERE name = :name")
                .bind("name", name)
                .mapTo(String.class)
                .one();
    }
}
