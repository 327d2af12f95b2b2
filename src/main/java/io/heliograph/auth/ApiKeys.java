package io.heliograph.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * How API keys look and how they are stored. A key is 32 random bytes (256 bits), so a plain SHA-256
 * is the right hash: there is nothing to brute-force, and a slow hash would only slow every request.
 */
public final class ApiKeys {
    static final String KEY_PREFIX = "hg_";
    /** Characters of a key shown by {@code keys list}: enough to tell keys apart, useless to an attacker. */
    static final int SHOWN_PREFIX_LENGTH = 11;

    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiKeys() {
    }

    public static String generate() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return KEY_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static String hash(String key) {
        return HexFormat.of().formatHex(sha256(key.getBytes(StandardCharsets.UTF_8)));
    }

    public static String shownPrefix(String key) {
        return key.length() <= SHOWN_PREFIX_LENGTH ? key.substring(0, Math.min(3, key.length())) : key.substring(0, SHOWN_PREFIX_LENGTH);
    }

    /** Compares two hex hashes in time independent of where they differ. */
    static boolean sameHash(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] sha256(byte[] input) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(input);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JDK has SHA-256", e);
        }
    }
}
