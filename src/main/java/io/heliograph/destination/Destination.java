package io.heliograph.destination;

import java.net.IDN;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A parsed, absolute http(s) destination URL. Value type; invalid ones cannot exist.
 *
 * <p>{@code host} is normalised so that it can be judged without further interpretation: lower case,
 * IDN hosts in their ASCII (punycode) form, and IP literals in canonical text whatever notation the URL
 * used ({@code http://0x7f.1/} has host {@code 127.0.0.1}, {@code http://[::1]/} has host
 * {@code 0:0:0:0:0:0:0:1}, brackets and zone id dropped). A name keeps a trailing dot if it had one.
 * {@code url} is the text exactly as given.
 *
 * @param url             the destination exactly as the user gave it
 * @param scheme          {@code "http"} or {@code "https"}
 * @param host            the normalised host (see above)
 * @param port            the explicit port, or 80/443 by scheme
 * @param hostIsIpLiteral whether the host is an IP address rather than a name to resolve
 */
public record Destination(String url, String scheme, String host, int port, boolean hostIsIpLiteral) {

    private static final String INVALID = "Invalid destination URL";

    private static final int MAX_NAME_LENGTH = 253;
    private static final int MAX_LABEL_LENGTH = 63;

    /**
     * Re-derives every component from {@code url}, so a Destination built directly with inconsistent or
     * invalid parts cannot exist either.
     */
    public Destination {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(scheme, "scheme");
        Objects.requireNonNull(host, "host");
        Parts parts = dissect(url);
        if (!parts.scheme().equals(scheme) || !parts.host().equals(host) || parts.port() != port
                || parts.hostIsIpLiteral() != hostIsIpLiteral) {
            throw new IllegalArgumentException("Destination components do not match its URL");
        }
    }

    /** @throws IllegalArgumentException with message "Invalid destination URL" */
    public static Destination parse(String url) {
        Parts parts = dissect(url);
        return new Destination(url, parts.scheme(), parts.host(), parts.port(), parts.hostIsIpLiteral());
    }

    public boolean isHttps() {
        return scheme.equals("https");
    }

    /** Leaves out {@code url}: webhook URLs routinely carry credentials or secret path tokens. */
    @Override
    public String toString() {
        String shownHost = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return "Destination[" + scheme + "://" + shownHost + ":" + port + "]";
    }

    private record Parts(String scheme, String host, int port, boolean hostIsIpLiteral) {}

    private static Parts dissect(String url) {
        if (url == null) {
            throw invalid();
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw invalid();
        }
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!"http".equals(scheme) && !"https".equals(scheme)) {
            throw invalid();
        }
        // java.net.URI gives up on hosts such as "0x7f.1", "a@b@host" or IDN names (getHost() == null), so the
        // authority is always taken apart here rather than trusting URI's host/port split.
        String authority = uri.getRawAuthority();
        if (uri.isOpaque() || authority == null || authority.isEmpty()) {
            throw invalid();
        }
        // Browsers and most clients treat everything before the LAST '@' as userinfo; judging the same host
        // they will connect to is what defeats "https://good.com@127.0.0.1/".
        String hostAndPort = authority.substring(authority.lastIndexOf('@') + 1);

        String rawHost;
        String portText;
        if (hostAndPort.startsWith("[")) {
            int close = hostAndPort.indexOf(']');
            if (close < 0) {
                throw invalid();
            }
            rawHost = hostAndPort.substring(0, close + 1);
            String rest = hostAndPort.substring(close + 1);
            if (!rest.isEmpty() && !rest.startsWith(":")) {
                throw invalid();
            }
            portText = rest.isEmpty() ? "" : rest.substring(1);
        } else {
            int colon = hostAndPort.indexOf(':');
            rawHost = colon < 0 ? hostAndPort : hostAndPort.substring(0, colon);
            portText = colon < 0 ? "" : hostAndPort.substring(colon + 1);
        }

        int port = parsePort(portText, scheme);
        if (rawHost.startsWith("[")) {
            InetAddress address = parseBracketedIpv6(rawHost.substring(1, rawHost.length() - 1));
            return new Parts(scheme, address.getHostAddress(), port, true);
        }
        String host = toAsciiHost(rawHost);
        Optional<InetAddress> literal = DestinationGuard.parseIpLiteral(host);
        if (literal.isPresent()) {
            return new Parts(scheme, literal.get().getHostAddress(), port, true);
        }
        if (!isValidHostName(host)) {
            throw invalid();
        }
        return new Parts(scheme, host, port, false);
    }

    /** An empty port ("https://host:/") is allowed by RFC 3986 and means the scheme default. */
    private static int parsePort(String text, String scheme) {
        if (text.isEmpty()) {
            return scheme.equals("https") ? 443 : 80;
        }
        if (text.length() > 5 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw invalid();
        }
        int port = Integer.parseInt(text);
        if (port < 1 || port > 65535) {
            throw invalid();
        }
        return port;
    }

    /**
     * Only IPv6 may appear in brackets (no IPv4, no IPvFuture). A zone id must be written the RFC 6874 way,
     * "%25" then the zone; a bare '%' is a malformed escape.
     */
    private static InetAddress parseBracketedIpv6(String inside) {
        String text = inside;
        int percent = inside.indexOf('%');
        if (percent >= 0) {
            if (!inside.startsWith("%25", percent)) {
                throw invalid();
            }
            text = inside.substring(0, percent) + "%" + inside.substring(percent + 3);
        }
        // Checked on the text, not the result: "::ffff:a.b.c.d" legitimately comes back as an Inet4Address.
        if (text.indexOf(':') < 0) {
            throw invalid();
        }
        return DestinationGuard.parseIpLiteral(text).orElseThrow(Destination::invalid);
    }

    /**
     * Converts non-ASCII hosts first because IDN mapping can itself produce an IP literal or a refused name
     * ("１２７.０.０.１" becomes "127.0.0.1", "ｌｏｃａｌｈｏｓｔ" becomes "localhost").
     */
    private static String toAsciiHost(String rawHost) {
        if (rawHost.isEmpty()) {
            throw invalid();
        }
        // Percent-encoded hosts are decoded by some clients and not others; refusing them removes the ambiguity.
        if (rawHost.indexOf('%') >= 0) {
            throw invalid();
        }
        String ascii = rawHost;
        if (!rawHost.chars().allMatch(c -> c < 0x80)) {
            try {
                ascii = IDN.toASCII(rawHost);
            } catch (IllegalArgumentException e) {
                throw invalid();
            }
        }
        return ascii.toLowerCase(Locale.ROOT);
    }

    /**
     * A host name as RFC 1123 and Java's own URI parser read one: labels of letters, digits and '-'
     * that neither start nor end with '-', the last one starting with a letter; one trailing dot
     * allowed. Anything else ('_', a label "-a", a last label "1com") is refused here, because the HTTP
     * client would find no host in it and could not send — and because resolvers (inet_aton) read a
     * numeric last label as an address: anything that really is an address was already recognised as a
     * literal before this check. IDN names arrive here in their ASCII (punycode) form, which passes.
     */
    static boolean isValidHostName(String host) {
        String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        if (name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
            return false;
        }
        String[] labels = name.split("\\.", -1);
        for (String label : labels) {
            if (label.isEmpty() || label.length() > MAX_LABEL_LENGTH || label.charAt(0) == '-'
                    || label.charAt(label.length() - 1) == '-') {
                return false;
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                boolean allowed = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
                if (!allowed) {
                    return false;
                }
            }
        }
        char first = labels[labels.length - 1].charAt(0);
        return first >= 'a' && first <= 'z';
    }

    private static IllegalArgumentException invalid() {
        return new IllegalArgumentException(INVALID);
    }
}
