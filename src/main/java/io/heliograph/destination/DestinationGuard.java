package io.heliograph.destination;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Keeps webhook deliveries away from private and internal networks (SSRF protection).
 *
 * <p>Two moments matter. At creation ({@link #check}) a destination is refused when its host is, or resolves to,
 * a refused address; a name that does not resolve yet is accepted. At send time ({@link #resolveForSend}) the
 * host is resolved once and the sender connects to exactly the addresses returned, so a DNS answer that changes
 * between check and connect (DNS rebinding) cannot slip through.
 */
public final class DestinationGuard {

    public static final String INVALID_URL = "Invalid destination URL";
    public static final String HTTPS_REQUIRED = "Destination must use HTTPS";
    public static final String PRIVATE_REFUSED = "Destination cannot point to private or internal networks";

    private static final String UNRESOLVED_PREFIX = "Destination host could not be resolved: ";

    @FunctionalInterface
    public interface Resolver {
        List<InetAddress> resolve(String host) throws UnknownHostException;
    }

    /** Thrown when a destination is refused; the message is safe to show to the user. */
    public static final class RefusedDestinationException extends RuntimeException {
        public RefusedDestinationException(String message) {
            super(message);
        }
    }

    private final Resolver resolver;
    private final boolean allowPrivate;
    private final boolean allowHttp;

    public DestinationGuard(Resolver resolver, boolean allowPrivate, boolean allowHttp) {
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        this.allowPrivate = allowPrivate;
        this.allowHttp = allowHttp;
    }

    /** InetAddress.getAllByName, bounded by the given timeout (run on a virtual thread; timeout => UnknownHostException). */
    public static Resolver systemResolver(Duration timeout) {
        return bounded(host -> List.of(InetAddress.getAllByName(host)), timeout);
    }

    /**
     * Runs {@code delegate} on a virtual thread and gives up after {@code timeout}. The lookup itself cannot be
     * aborted (getaddrinfo ignores interrupts), so a timed-out lookup is abandoned rather than waited for.
     * Package-private so the timeout behaviour can be tested without real DNS.
     */
    static Resolver bounded(Resolver delegate, Duration timeout) {
        Objects.requireNonNull(delegate, "delegate");
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        long timeoutNanos = timeout.toNanos();
        return host -> {
            FutureTask<List<InetAddress>> lookup = new FutureTask<>(() -> delegate.resolve(host));
            Thread.ofVirtual().name("dns-lookup").start(lookup);
            try {
                return lookup.get(timeoutNanos, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                lookup.cancel(true);
                throw new UnknownHostException(host + " (lookup timed out after " + timeout.toMillis() + " ms)");
            } catch (InterruptedException e) {
                lookup.cancel(true);
                Thread.currentThread().interrupt();
                throw new UnknownHostException(host + " (lookup interrupted)");
            } catch (ExecutionException e) {
                if (e.getCause() instanceof UnknownHostException unknown) {
                    throw unknown;
                }
                UnknownHostException unknown = new UnknownHostException(host + " (lookup failed: " + e.getCause() + ")");
                unknown.initCause(e.getCause());
                throw unknown;
            }
        };
    }

    /**
     * Creation-time check in the spec order 3,4,5. Returns the parsed destination or throws
     * RefusedDestinationException whose getMessage() is one of the three constants.
     */
    public Destination check(String url) {
        Destination destination;
        try {
            destination = Destination.parse(url);
        } catch (IllegalArgumentException e) {
            throw new RefusedDestinationException(INVALID_URL);
        }
        requireAllowedScheme(destination);
        if (allowPrivate) {
            return destination;
        }
        requireAllowedHost(destination);
        if (!destination.hostIsIpLiteral()) {
            // Not resolving yet is fine at creation (the name may be set up later); every send checks again.
            List<InetAddress> addresses;
            try {
                addresses = lookUp(destination.host());
            } catch (UnknownHostException e) {
                return destination;
            }
            requireNoRefusedAddress(addresses);
        }
        return destination;
    }

    /**
     * Send-time: the checks of {@link #check}, then resolves the host (a literal resolves to itself) and returns
     * the addresses to connect to. Refuses the destination if any address is refused rather than filtering,
     * because a name answering with internal addresses is hostile or misconfigured either way.
     */
    public List<InetAddress> resolveForSend(Destination d) throws RefusedDestinationException {
        Objects.requireNonNull(d, "destination");
        requireAllowedScheme(d);
        return resolveHostForSend(d.host());
    }

    /**
     * Send-time check of a host alone — what an HTTP client's resolver hook is asked when it opens a
     * connection — so the connection goes to exactly the addresses checked here. Accepts the host as
     * {@link Destination#host()} gives it (IP literals in canonical form, IPv6 with or without brackets).
     */
    public List<InetAddress> resolveHostForSend(String host) throws RefusedDestinationException {
        Objects.requireNonNull(host, "host");
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        Optional<InetAddress> literal = parseIpLiteral(bare);
        if (literal.isPresent()) {
            if (!allowPrivate && isRefusedAddress(literal.get())) {
                throw new RefusedDestinationException(PRIVATE_REFUSED);
            }
            return List.of(literal.get());
        }
        if (!allowPrivate && isRefusedName(bare)) {
            throw new RefusedDestinationException(PRIVATE_REFUSED);
        }
        List<InetAddress> addresses;
        try {
            addresses = lookUp(bare);
        } catch (UnknownHostException e) {
            throw new RefusedDestinationException(UNRESOLVED_PREFIX + bare);
        }
        if (addresses.isEmpty()) {
            throw new RefusedDestinationException(UNRESOLVED_PREFIX + bare);
        }
        if (!allowPrivate) {
            requireNoRefusedAddress(addresses);
        }
        return addresses;
    }

    /**
     * {@link #resolveHostForSend} as the socket addresses an HTTP client's resolver hook answers with: the
     * connection goes to exactly what was checked.
     */
    public List<java.net.InetSocketAddress> socketAddressesForSend(String host, int port) throws RefusedDestinationException {
        return resolveHostForSend(host).stream().map(a -> new java.net.InetSocketAddress(a, port)).toList();
    }

    private void requireAllowedScheme(Destination destination) {
        if (!allowHttp && !destination.isHttps()) {
            throw new RefusedDestinationException(HTTPS_REQUIRED);
        }
    }

    /** The checks that need no DNS: the literal address itself, or the name's special-use suffix. */
    private static void requireAllowedHost(Destination destination) {
        boolean refused = destination.hostIsIpLiteral()
                ? isRefusedAddress(parseIpLiteral(destination.host()).orElseThrow())
                : isRefusedName(destination.host());
        if (refused) {
            throw new RefusedDestinationException(PRIVATE_REFUSED);
        }
    }

    private static void requireNoRefusedAddress(List<InetAddress> addresses) {
        if (addresses.stream().anyMatch(DestinationGuard::isRefusedAddress)) {
            throw new RefusedDestinationException(PRIVATE_REFUSED);
        }
    }

    /** Distinct, non-null addresses in resolver order; a resolver returning null counts as nothing found. */
    private List<InetAddress> lookUp(String host) throws UnknownHostException {
        List<InetAddress> found = resolver.resolve(host);
        if (found == null) {
            return List.of();
        }
        Set<InetAddress> distinct = new LinkedHashSet<>();
        for (InetAddress address : found) {
            if (address != null) {
                distinct.add(address);
            }
        }
        return List.copyOf(distinct);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Address and name rules

    /** A CIDR block over raw address bytes, so one matcher serves IPv4 and IPv6. */
    private record Block(byte[] network, int prefixLength) {

        static Block of(String cidr) {
            int slash = cidr.indexOf('/');
            byte[] network = parseIpBytes(cidr.substring(0, slash));
            if (network == null) {
                throw new IllegalArgumentException("bad block " + cidr);
            }
            return new Block(network, Integer.parseInt(cidr.substring(slash + 1)));
        }

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int wholeBytes = prefixLength / 8;
            for (int i = 0; i < wholeBytes; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int remainingBits = prefixLength % 8;
            if (remainingBits == 0) {
                return true;
            }
            int mask = (0xFF << (8 - remainingBits)) & 0xFF;
            return (address[wholeBytes] & mask) == (network[wholeBytes] & mask);
        }
    }

    /** An IPv6 prefix that carries an IPv4 address at a fixed byte offset; the IPv4 address is what gets judged. */
    private record Ipv4Embedding(Block prefix, int offset) {
        byte[] extract(byte[] ipv6) {
            return Arrays.copyOfRange(ipv6, offset, offset + 4);
        }
    }

    private static final List<Block> REFUSED_IPV4 = List.of(
            Block.of("0.0.0.0/8"),        // "this network"; 0.0.0.0 reaches local services on many systems
            Block.of("10.0.0.0/8"),
            Block.of("127.0.0.0/8"),
            Block.of("100.64.0.0/10"),    // carrier-grade NAT
            Block.of("169.254.0.0/16"),   // link-local, home of cloud metadata endpoints
            Block.of("172.16.0.0/12"),
            Block.of("192.168.0.0/16"),
            Block.of("198.18.0.0/15"),    // benchmarking
            Block.of("224.0.0.0/4"),      // multicast
            Block.of("240.0.0.0/4"),      // reserved
            Block.of("255.255.255.255/32"));

    private static final List<Block> REFUSED_IPV6 = List.of(
            Block.of("::/128"),
            Block.of("::1/128"),
            Block.of("fc00::/7"),         // unique local
            Block.of("fe80::/10"),        // link-local
            Block.of("ff00::/8"),         // multicast
            Block.of("64:ff9b:1::/48"),   // local-use NAT64 (RFC 8215): translates to whatever IPv4 the site chose
            Block.of("2001::/32"));       // Teredo: tunnels to an obfuscated IPv4 address

    private static final List<Ipv4Embedding> IPV4_EMBEDDINGS = List.of(
            new Ipv4Embedding(Block.of("::ffff:0:0/96"), 12),   // IPv4-mapped
            new Ipv4Embedding(Block.of("::ffff:0:0:0/96"), 12), // IPv4-translated (SIIT, RFC 2765)
            new Ipv4Embedding(Block.of("::/96"), 12),           // IPv4-compatible (deprecated, still routable by some stacks)
            new Ipv4Embedding(Block.of("64:ff9b::/96"), 12),    // NAT64 well-known prefix
            new Ipv4Embedding(Block.of("2002::/16"), 2));       // 6to4

    private static final List<String> REFUSED_NAME_SUFFIXES = List.of("localhost", "local", "internal");

    /** Applies all ranges, including the IPv4 address embedded in mapped, compatible, NAT64 and 6to4 addresses. */
    public static boolean isRefusedAddress(InetAddress address) {
        Objects.requireNonNull(address, "address");
        byte[] bytes = address.getAddress();
        if (bytes.length == 4) {
            return REFUSED_IPV4.stream().anyMatch(block -> block.contains(bytes));
        }
        if (REFUSED_IPV6.stream().anyMatch(block -> block.contains(bytes))) {
            return true;
        }
        return IPV4_EMBEDDINGS.stream()
                .filter(embedding -> embedding.prefix().contains(bytes))
                .anyMatch(embedding -> isRefusedAddress(fromBytes(embedding.extract(bytes))));
    }

    /**
     * localhost, *.localhost, *.local, *.internal (which covers metadata.google.internal); case-insensitive,
     * trailing dot ignored. The bare special-use names "local" and "internal" are refused too.
     */
    public static boolean isRefusedName(String host) {
        Objects.requireNonNull(host, "host");
        String name = host.toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        for (String suffix : REFUSED_NAME_SUFFIXES) {
            if (name.equals(suffix) || name.endsWith("." + suffix)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Parses an IP literal in any of the supported notations (no brackets: callers strip them; zone id allowed
     * and dropped); empty if the text is not an IP literal. Never does DNS: addresses are built from bytes.
     */
    public static Optional<InetAddress> parseIpLiteral(String host) {
        Objects.requireNonNull(host, "host");
        byte[] bytes = parseIpBytes(host);
        return bytes == null ? Optional.empty() : Optional.of(fromBytes(bytes));
    }

    private static InetAddress fromBytes(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("address of illegal length " + bytes.length, e);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // IP literal parsing. Hand-written because every notation a resolver would accept must be recognised here,
    // and InetAddress.getByName would fall back to DNS for anything it does not understand.

    private static byte[] parseIpBytes(String text) {
        return text.indexOf(':') >= 0 ? parseIpv6(text) : parseIpv4(text);
    }

    /**
     * inet_aton rules: 1 to 4 parts, each decimal, 0-prefixed octal or 0x-prefixed hex; the last part fills
     * all remaining bytes ("127.1" is 127.0.0.1, "2130706433" is 127.0.0.1). One trailing dot is tolerated
     * because resolvers ignore it.
     */
    private static byte[] parseIpv4(String text) {
        String body = text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
        if (body.isEmpty()) {
            return null;
        }
        String[] parts = body.split("\\.", -1);
        if (parts.length > 4) {
            return null;
        }
        long[] values = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            values[i] = parseInetAtonPart(parts[i]);
            if (values[i] < 0) {
                return null;
            }
        }
        for (int i = 0; i < parts.length - 1; i++) {
            if (values[i] > 0xFF) {
                return null;
            }
        }
        int lastPartBytes = 5 - parts.length;
        long last = values[parts.length - 1];
        if (last >= (1L << (8 * lastPartBytes))) {
            return null;
        }
        long address = last;
        for (int i = 0; i < parts.length - 1; i++) {
            address |= values[i] << (8 * (3 - i));
        }
        return new byte[] {(byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address};
    }

    /** Value of one inet_aton part, or -1 if it is not a number or exceeds 32 bits. "0x" alone is 0, as in WHATWG. */
    private static long parseInetAtonPart(String part) {
        int radix;
        String digits;
        if (part.startsWith("0x") || part.startsWith("0X")) {
            radix = 16;
            digits = part.substring(2);
        } else if (part.length() > 1 && part.startsWith("0")) {
            radix = 8;
            digits = part.substring(1);
        } else if (!part.isEmpty()) {
            radix = 10;
            digits = part;
        } else {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < digits.length(); i++) {
            int digit = asciiDigit(digits.charAt(i), radix);
            if (digit < 0) {
                return -1;
            }
            value = value * radix + digit;
            if (value > 0xFFFF_FFFFL) {
                return -1;
            }
        }
        return value;
    }

    /** Like Character.digit but ASCII only: Unicode digits must never form an address. */
    private static int asciiDigit(char c, int radix) {
        int value;
        if (c >= '0' && c <= '9') {
            value = c - '0';
        } else if (c >= 'a' && c <= 'f') {
            value = c - 'a' + 10;
        } else if (c >= 'A' && c <= 'F') {
            value = c - 'A' + 10;
        } else {
            return -1;
        }
        return value < radix ? value : -1;
    }

    /**
     * RFC 4291 text form: eight groups of 1-4 hex digits, at most one "::", optionally ending in a strict
     * dotted quad, optionally followed by "%zone" (RFC 6874 characters), which is dropped.
     */
    private static byte[] parseIpv6(String text) {
        String address = text;
        int percent = text.indexOf('%');
        if (percent >= 0) {
            String zone = text.substring(percent + 1);
            if (zone.isEmpty() || !zone.chars().allMatch(DestinationGuard::isZoneChar)) {
                return null;
            }
            address = text.substring(0, percent);
        }
        int gap = address.indexOf("::");
        if (gap >= 0 && address.indexOf("::", gap + 1) >= 0) {
            return null;
        }
        List<String> head = splitGroups(gap >= 0 ? address.substring(0, gap) : address);
        List<String> tail = gap >= 0 ? splitGroups(address.substring(gap + 2)) : List.of();
        if (head == null || tail == null) {
            return null;
        }
        // With "::" present the head is followed by it, so only the tail can end in a dotted quad.
        byte[] headBytes = groupBytes(head, gap < 0);
        byte[] tailBytes = groupBytes(tail, true);
        if (headBytes == null || tailBytes == null) {
            return null;
        }
        int explicitBytes = headBytes.length + tailBytes.length;
        if (gap < 0 ? explicitBytes != 16 : explicitBytes > 14) {
            return null;
        }
        byte[] result = new byte[16];
        System.arraycopy(headBytes, 0, result, 0, headBytes.length);
        System.arraycopy(tailBytes, 0, result, 16 - tailBytes.length, tailBytes.length);
        return result;
    }

    /** Colon-separated groups; empty text is no groups, an empty group (stray colon) is malformed. */
    private static List<String> splitGroups(String text) {
        if (text.isEmpty()) {
            return List.of();
        }
        List<String> groups = List.of(text.split(":", -1));
        return groups.stream().anyMatch(String::isEmpty) ? null : groups;
    }

    /**
     * Bytes of consecutive groups. A dotted quad is only allowed as the very last group of the address,
     * which {@code mayEndInIpv4} says these groups can contain.
     */
    private static byte[] groupBytes(List<String> groups, boolean mayEndInIpv4) {
        byte[] bytes = new byte[groups.size() * 2 + 2];
        int length = 0;
        for (int i = 0; i < groups.size(); i++) {
            String group = groups.get(i);
            if (group.indexOf('.') >= 0) {
                byte[] ipv4 = i == groups.size() - 1 && mayEndInIpv4 ? parseDottedQuad(group) : null;
                if (ipv4 == null) {
                    return null;
                }
                System.arraycopy(ipv4, 0, bytes, length, 4);
                length += 4;
            } else {
                int value = parseHexGroup(group);
                if (value < 0) {
                    return null;
                }
                bytes[length++] = (byte) (value >>> 8);
                bytes[length++] = (byte) value;
            }
        }
        return length > 16 ? null : Arrays.copyOf(bytes, length);
    }

    private static int parseHexGroup(String group) {
        if (group.length() > 4) {
            return -1;
        }
        int value = 0;
        for (int i = 0; i < group.length(); i++) {
            int digit = asciiDigit(group.charAt(i), 16);
            if (digit < 0) {
                return -1;
            }
            value = value * 16 + digit;
        }
        return value;
    }

    /** The RFC 3986 IPv4address form used inside IPv6 text: four decimal octets, no leading zeros. */
    private static byte[] parseDottedQuad(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            String part = parts[i];
            if (part.isEmpty() || part.length() > 3 || (part.length() > 1 && part.charAt(0) == '0')
                    || !part.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return null;
            }
            int value = Integer.parseInt(part);
            if (value > 255) {
                return null;
            }
            bytes[i] = (byte) value;
        }
        return bytes;
    }

    private static boolean isZoneChar(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~';
    }
}
