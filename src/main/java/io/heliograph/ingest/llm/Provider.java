package io.heliograph.ingest.llm;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;

/** Who served a request, by Helicone's names. Other names a caller states are kept as given, upper-cased. */
public final class Provider {
    public static final String OPENAI = "OPENAI";
    public static final String ANTHROPIC = "ANTHROPIC";
    public static final String GOOGLE = "GOOGLE";
    public static final String CUSTOM = "CUSTOM";
    public static final int MAX_LENGTH = 64;

    private Provider() {
    }

    /** The provider a log route implies: {@code /oai/…}, {@code /anthropic/…}, {@code /googleapis/…}, else CUSTOM. */
    public static String ofRoute(String routePrefix) {
        return switch (routePrefix) {
            case "oai" -> OPENAI;
            case "anthropic" -> ANTHROPIC;
            case "googleapis" -> GOOGLE;
            default -> CUSTOM;
        };
    }

    /** A provider named by a caller, normalised; empty when blank. */
    public static Optional<String> stated(String name) {
        if (name == null || name.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(name.trim().toUpperCase(Locale.ROOT));
    }

    /** The provider a request URL points at, when it is one of the well-known API hosts. */
    public static Optional<String> ofUrl(String url) {
        if (url == null) {
            return Optional.empty();
        }
        String host;
        try {
            host = URI.create(url.trim()).getHost();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (host == null) {
            return Optional.empty();
        }
        host = host.toLowerCase(Locale.ROOT);
        if (host.equals("api.openai.com")) {
            return Optional.of(OPENAI);
        }
        if (host.equals("api.anthropic.com")) {
            return Optional.of(ANTHROPIC);
        }
        if (host.endsWith("generativelanguage.googleapis.com") || host.endsWith("aiplatform.googleapis.com")) {
            return Optional.of(GOOGLE);
        }
        return Optional.empty();
    }

    /** Case-insensitive comparison, as webhook filters on {@code provider} need. */
    public static boolean same(String a, String b) {
        return a != null && b != null && a.equalsIgnoreCase(b);
    }
}
