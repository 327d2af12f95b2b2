package io.heliograph.store;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Random secrets of this installation, made once and kept in the store, so every server process on
 * one database signs and checks with the same key.
 */
public final class InstallationSecrets {
    private InstallationSecrets() {
    }

    /** The secret named {@code name}, created (32 random bytes, hex) the first time it is asked for. */
    public static String get(Database database, String name) {
        byte[] fresh = new byte[32];
        new SecureRandom().nextBytes(fresh);
        return database.jdbi().inTransaction(h -> {
            h.createUpdate("INSERT INTO installation_secrets (name, value, created_at) VALUES (:name, :value, :now) "
                            + "ON CONFLICT (name) DO NOTHING")
                    .bind("name", name).bind("value", HexFormat.of().formatHex(fresh)).bind("now", database.clock().millis())
                    .execute();
            return h.createQuery("SELECT value FROM installation_secrets WHERE name = :name")
                    .bind("name", name).mapTo(String.class).one();
        });
    }
}
