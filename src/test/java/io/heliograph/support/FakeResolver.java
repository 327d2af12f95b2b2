package io.heliograph.support;

import io.heliograph.destination.DestinationGuard;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A name resolver for tests: answers from a table, so no test ever asks real DNS. Public-looking
 * names map to TEST-NET-3 (203.0.113.0/24, reserved for documentation); no test logs a request for a
 * webhook pointing there, so nothing is ever sent to them.
 */
public final class FakeResolver implements DestinationGuard.Resolver {
    private final Map<String, List<InetAddress>> names = new ConcurrentHashMap<>();

    public static FakeResolver standard() {
        return new FakeResolver()
                .with("hooks.example.com", "203.0.113.10")
                .with("other.example.com", "203.0.113.11")
                .with("private.attacker.test", "10.0.0.5")
                .with("metadata.attacker.test", "169.254.169.254")
                .with("rebind.attacker.test", "203.0.113.10", "127.0.0.1")
                // An IDN name (bücher.…), as resolvers see it: in punycode. Loopback, for tests that allow it.
                .with("xn--bcher-kva.heliograph-test.example", "127.0.0.1");
    }

    public FakeResolver with(String name, String... addresses) {
        names.put(name.toLowerCase(Locale.ROOT), java.util.Arrays.stream(addresses).map(FakeResolver::literal).toList());
        return this;
    }

    @Override
    public List<InetAddress> resolve(String host) throws UnknownHostException {
        List<InetAddress> found = names.get(host.toLowerCase(Locale.ROOT));
        if (found == null) {
            throw new UnknownHostException(host);
        }
        return found;
    }

    private static InetAddress literal(String address) {
        try {
            // Only ever called with IP literals, which InetAddress parses without a lookup.
            return InetAddress.getByName(address);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(address, e);
        }
    }
}
