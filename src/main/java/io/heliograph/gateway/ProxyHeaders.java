package io.heliograph.gateway;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which headers cross the gateway. Everything end-to-end passes, untouched and in order —
 * {@code Authorization} included, which goes to the upstream and nowhere else. What stops:
 * hop-by-hop headers (RFC 9110 §7.6.1, plus any the {@code Connection} header names), the
 * {@code Helicone-*} headers meant for the gateway, and framing the HTTP client sets itself.
 */
public final class ProxyHeaders {
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection",
            "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade",
            "http2-settings");
    /** Set by the client for the upstream connection, or answered by the gateway itself. */
    private static final Set<String> REQUEST_FRAMING = Set.of("host", "content-length", "expect");

    private ProxyHeaders() {
    }

    /** The header names a {@code Connection} header lists: they are hop-by-hop too. */
    public static Set<String> connectionTokens(List<String> connectionValues) {
        Set<String> tokens = new HashSet<>();
        for (String value : connectionValues) {
            for (String token : value.split(",")) {
                String t = token.trim().toLowerCase(Locale.ROOT);
                if (!t.isEmpty()) {
                    tokens.add(t);
                }
            }
        }
        return tokens;
    }

    /** Whether a request header goes on to the upstream. */
    public static boolean forwardsRequestHeader(String name, Set<String> connectionTokens) {
        String n = name.toLowerCase(Locale.ROOT);
        return !HOP_BY_HOP.contains(n) && !REQUEST_FRAMING.contains(n) && !n.startsWith("helicone-")
                && !connectionTokens.contains(n);
    }

    /**
     * Whether an upstream response header goes back to the caller. {@code Content-Length} does: the
     * body passes byte for byte. {@code Helicone-Id} is the gateway's to set.
     */
    public static boolean forwardsResponseHeader(String name, Set<String> connectionTokens) {
        String n = name.toLowerCase(Locale.ROOT);
        return !HOP_BY_HOP.contains(n) && !n.equals("helicone-id") && !connectionTokens.contains(n);
    }
}
