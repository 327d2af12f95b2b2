package io.heliograph.destination;

import java.net.IDN;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Hosts a caller may name, as an operator lists them: {@code api.together.xyz}, or {@code *.example.com}
 * for every name under example.com (not example.com itself). Matching is by name, case-insensitive, a
 * trailing dot ignored; an IPv4 address may be listed as written in dotted form. An empty list
 * permits every host (the destination guard still applies).
 */
public record HostAllowList(List<String> entries) {
    public static final HostAllowList ANY = new HostAllowList(List.of());
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9_-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9_-]*[a-z0-9])?)*");

    public HostAllowList {
        entries = List.copyOf(entries);
    }

    /**
     * From comma-separated text ({@code HELIOGRAPH_GATEWAY_TARGETS}); blank text is the empty list.
     *
     * @throws IllegalArgumentException naming the entry that is not a host name or {@code *.}name
     */
    public static HostAllowList parse(String text) {
        if (text == null || text.isBlank()) {
            return ANY;
        }
        List<String> entries = new ArrayList<>();
        for (String raw : text.split(",")) {
            String entry = raw.strip();
            if (entry.isEmpty()) {
                continue;
            }
            entries.add(normalise(entry));
        }
        return new HostAllowList(entries);
    }

    private static String normalise(String entry) {
        String wildcard = entry.startsWith("*.") ? "*." : "";
        String name = entry.substring(wildcard.length()).toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        try {
            name = IDN.toASCII(name, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            throw invalid(entry);
        }
        if (!NAME.matcher(name).matches()) {
            throw invalid(entry);
        }
        return wildcard + name;
    }

    private static IllegalArgumentException invalid(String entry) {
        return new IllegalArgumentException("Gateway targets must be host names or *.names separated by commas"
                + " (no scheme, port or path), got '" + entry + "'");
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** Whether {@code host} (as {@link Destination#host()} gives it) is listed; always true for an empty list. */
    public boolean permits(String host) {
        if (entries.isEmpty()) {
            return true;
        }
        String name = host.toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        for (String entry : entries) {
            if (entry.startsWith("*.") ? name.endsWith(entry.substring(1)) && name.length() > entry.length() - 1
                    : name.equals(entry)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return String.join(",", entries);
    }
}
