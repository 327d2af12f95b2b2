package io.heliograph.destination;

import static io.heliograph.destination.DestinationGuard.HTTPS_REQUIRED;
import static io.heliograph.destination.DestinationGuard.INVALID_URL;
import static io.heliograph.destination.DestinationGuard.PRIVATE_REFUSED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.heliograph.destination.DestinationGuard.RefusedDestinationException;
import io.heliograph.destination.DestinationGuard.Resolver;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DestinationGuardTest {

    /** Fake DNS: names not in the map do not resolve. Records every lookup so tests can assert on them. */
    private final Map<String, List<InetAddress>> dns = new HashMap<>();
    private final List<String> lookups = new ArrayList<>();
    private final Resolver fakeResolver = host -> {
        lookups.add(host);
        List<InetAddress> answer = dns.get(host);
        if (answer == null) {
            throw new UnknownHostException(host);
        }
        return answer;
    };

    private final DestinationGuard strict = new DestinationGuard(fakeResolver, false, false);

    /** Builds an address from strict dotted-quad or standard IPv6 text, which the JDK parses without DNS. */
    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static List<InetAddress> ips(String... literals) {
        return Arrays.stream(literals).map(DestinationGuardTest::ip).toList();
    }

    /** A lookup that never answers in time; the bounded resolver interrupts it when it gives up. */
    private static List<InetAddress> hang() {
        try {
            Thread.sleep(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return List.of();
    }

    private static void assertRefused(DestinationGuard guard, String url, String message) {
        assertThatThrownBy(() -> guard.check(url))
                .isInstanceOf(RefusedDestinationException.class)
                .hasMessage(message);
    }

    @Nested
    class Ipv4Ranges {

        @ParameterizedTest(name = "{0} refused")
        @ValueSource(strings = {
            "0.0.0.0", "0.1.2.3", "0.255.255.255",
            "10.0.0.0", "10.20.30.40", "10.255.255.255",
            "127.0.0.0", "127.0.0.1", "127.255.255.255",
            "100.64.0.0", "100.100.100.100", "100.127.255.255",
            "169.254.0.0", "169.254.169.254", "169.254.255.255",
            "172.16.0.0", "172.20.1.1", "172.31.255.255",
            "192.168.0.0", "192.168.1.1", "192.168.255.255",
            "198.18.0.0", "198.18.200.1", "198.19.255.255",
            "224.0.0.0", "230.1.2.3", "239.255.255.255",
            "240.0.0.0", "250.1.2.3", "255.255.255.254",
            "255.255.255.255",
        })
        void refused(String address) {
            assertThat(DestinationGuard.isRefusedAddress(ip(address))).isTrue();
            assertRefused(strict, "https://" + address + "/", PRIVATE_REFUSED);
        }

        @ParameterizedTest(name = "{0} allowed")
        @ValueSource(strings = {
            "1.0.0.0", "9.255.255.255", "11.0.0.0",
            "126.255.255.255", "128.0.0.0",
            "100.63.255.255", "100.128.0.0",
            "169.253.255.255", "169.255.0.0",
            "172.15.255.255", "172.32.0.0",
            "192.167.255.255", "192.169.0.0",
            "198.17.255.255", "198.20.0.0",
            "223.255.255.255",
            "93.184.216.34", "8.8.8.8",
        })
        void allowed(String address) {
            assertThat(DestinationGuard.isRefusedAddress(ip(address))).isFalse();
            assertThat(strict.check("https://" + address + "/").host()).isEqualTo(address);
            assertThat(lookups).as("literals are never resolved").isEmpty();
        }
    }

    @Nested
    class Ipv6Ranges {

        @ParameterizedTest(name = "{0} refused")
        @ValueSource(strings = {
            "::", "::1",
            "fc00::", "fd12:3456::1", "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
            "fe80::", "fe80::1", "febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
            "ff00::", "ff02::1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
        })
        void refused(String address) {
            assertThat(DestinationGuard.isRefusedAddress(ip(address))).isTrue();
            assertRefused(strict, "https://[" + address + "]/", PRIVATE_REFUSED);
        }

        @ParameterizedTest(name = "{0} allowed")
        @ValueSource(strings = {
            "2606:4700::1", "2001:4860:4860::8888", "fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "fec0::1", "fe00::1",
        })
        void allowed(String address) {
            assertThat(DestinationGuard.isRefusedAddress(ip(address))).isFalse();
            assertThat(strict.check("https://[" + address + "]/").hostIsIpLiteral()).isTrue();
        }
    }

    @Nested
    class Embeddings {

        @ParameterizedTest(name = "{0} refused")
        @ValueSource(strings = {
            "::ffff:127.0.0.1", "::ffff:7f00:1", "::ffff:10.1.2.3", "0:0:0:0:0:ffff:a9fe:a9fe",
            "::127.0.0.1", "::10.0.0.1", "::c0a8:101",
            "64:ff9b::127.0.0.1", "64:ff9b::a9fe:a9fe", "64:ff9b::192.168.0.1",
            "2002:7f00:1::", "2002:a00:1::1", "2002:c0a8:101:1::1",
            // found by the SSRF matrix: IPv4-translated, local-use NAT64 and Teredo were let through
            "::ffff:0:7f00:1", "::ffff:0:a9fe:a9fe", "64:ff9b:1::a9fe:a9fe", "64:ff9b:1:7f00:1::",
            "2001:0:4136:e378:8000:63bf:3fff:fdd2", "2001::1",
        })
        void embeddedPrivateIpv4IsRefused(String address) {
            assertThat(DestinationGuard.parseIpLiteral(address))
                    .get().matches(DestinationGuard::isRefusedAddress, "is refused");
            assertRefused(strict, "https://[" + address + "]/", PRIVATE_REFUSED);
        }

        @ParameterizedTest(name = "{0} allowed")
        @ValueSource(strings = {
            "::ffff:8.8.8.8", "::ffff:808:808", "::93.184.216.34",
            "64:ff9b::8.8.8.8", "64:ff9b::5db8:d822", "2002:808:808::1",
        })
        void embeddedPublicIpv4IsAllowed(String address) {
            assertThat(DestinationGuard.parseIpLiteral(address))
                    .get().matches(a -> !DestinationGuard.isRefusedAddress(a), "is allowed");
            assertThat(strict.check("https://[" + address + "]/").hostIsIpLiteral()).isTrue();
        }

        @Test
        void mappedAddressKeptAsInet6AddressIsStillJudgedByItsIpv4() throws Exception {
            byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 127, 0, 0, 1};
            InetAddress address = Inet6Address.getByAddress(null, mapped, -1);
            assertThat(address).isInstanceOf(Inet6Address.class);
            assertThat(DestinationGuard.isRefusedAddress(address)).isTrue();

            byte[] mappedPublic = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 8, 8, 8, 8};
            assertThat(DestinationGuard.isRefusedAddress(Inet6Address.getByAddress(null, mappedPublic, -1))).isFalse();
        }
    }

    @Nested
    class Notations {

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {
            "https://2130706433/",
            "https://0177.0.0.1/",
            "https://017700000001/",
            "https://0x7f.0.0.1/",
            "https://0x7f000001/",
            "https://0X7F000001/",
            "https://0x7F.0x0.0x0.0x1/",
            "https://127.1/",
            "https://127.0.1/",
            "https://10.1/",
            "https://0x7f.1/",
            "https://167772161/",
            "https://0xa9.0xfe.0xa9.0xfe/",
            "https://0251.0376.0251.0376/",
            "https://0/",
            "https://0x/",
            "https://4294967295/",
            "https://127.0.0.1./",
            "https://127.0.0.1.:8443/",
            "https://[::ffff:127.0.0.1]/",
            "https://[::ffff:7f00:1]/",
            "https://[::127.0.0.1]/",
            "https://[0:0:0:0:0:0:0:1]/",
            "https://[::1]:8443/",
            "https://[FE80::1]/",
            "https://[fe80::1%25eth0]/",
            "https://[FE80::ABCD%25en0]:443/",
            "https://LOCALHOST/",
            "https://localhost./",
            "https://１２７.０.０.１/",
            "https://ｌｏｃａｌｈｏｓｔ/",
        })
        void everyNotationOfARefusedHostIsRefused(String url) {
            assertRefused(strict, url, PRIVATE_REFUSED);
            assertThat(lookups).as("refused without any DNS lookup").isEmpty();
        }

        @ParameterizedTest(name = "{0} -> {1}")
        @CsvSource({
            "127.1,              127.0.0.1",
            "127.0.1,            127.0.0.1",
            "10.1,               10.0.0.1",
            "1.2.3,              1.2.0.3",
            "0x7f.1,             127.0.0.1",
            "2130706433,         127.0.0.1",
            "0177.0.0.1,         127.0.0.1",
            "0x7f000001,         127.0.0.1",
            "0X7F.0X0.0X0.0X1,   127.0.0.1",
            "00000000177.1,      127.0.0.1",
            "0x00000000007f.1,   127.0.0.1",
            "0,                  0.0.0.0",
            "0x,                 0.0.0.0",
            "4294967295,         255.255.255.255",
            "1.16777215,         1.255.255.255",
            "1.2.65535,          1.2.255.255",
            "127.0.0.1.,         127.0.0.1",
            "8.8.8.8,            8.8.8.8",
            "::ffff:7f00:1,      127.0.0.1",
            "::ffff:127.0.0.1,   127.0.0.1",
            "::1,                0:0:0:0:0:0:0:1",
            "fe80::1%eth0,       fe80:0:0:0:0:0:0:1",
            "2606:4700::1,       2606:4700:0:0:0:0:0:1",
            "1:2:3:4:5:6:7::,    1:2:3:4:5:6:7:0",
            "::2:3:4:5:6:7:8,    0:2:3:4:5:6:7:8",
            "1:2:3:4:5:6:1.2.3.4, 1:2:3:4:5:6:102:304",
        })
        void parsesIpLiterals(String text, String expected) {
            assertThat(DestinationGuard.parseIpLiteral(text)).map(InetAddress::getHostAddress).contains(expected);
        }

        @ParameterizedTest(name = "\"{0}\" is not a literal")
        @ValueSource(strings = {
            "", ".", "example.com", "1.2.3.4.example.com", "0x7f.example.com", "localhost",
            "256.1.1.1", "1.256.1.1", "1.2.3.256", "1.2.3.4.5", "08.1", "0x100000000", "4294967296",
            "1.16777216", "1..2", "1.2.3.4..", "-1", "+1", "0x7g", "1e3",
            "١٢٧.٠.٠.١", "１２７.０.０.１",
            "::1::", ":::", ":1::", "1::2:", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "12345::", "::g",
            "[::1]", "::ffff:127.0.0.01", "::ffff:1.2.3", "::ffff:256.0.0.1", "1.2.3.4::", "::1.2.3.4:1",
            "fe80::1%", "fe80::1%eth 0", "fe80::1%25%25", "example.com:80",
        })
        void rejectsNonLiterals(String text) {
            assertThat(DestinationGuard.parseIpLiteral(text)).isEmpty();
        }
    }

    @Nested
    class Names {

        @ParameterizedTest(name = "{0} refused")
        @ValueSource(strings = {
            "localhost", "LOCALHOST", "localhost.", "foo.localhost", "a.b.LocalHost.",
            "printer.local", "PRINTER.LOCAL.", "db.internal", "metadata.google.internal",
            "METADATA.GOOGLE.INTERNAL.", "local", "internal",
        })
        void refusedNames(String name) {
            assertThat(DestinationGuard.isRefusedName(name)).isTrue();
            assertRefused(strict, "https://" + name + "/", PRIVATE_REFUSED);
            assertThat(lookups).as("refused names are not looked up").isEmpty();
        }

        @ParameterizedTest(name = "{0} allowed")
        @ValueSource(strings = {
            "localhost.example.com", "mylocal", "internal.example.com", "example.com",
            "notlocalhost", "local.example", "mylocalhost.com", "example.com.", "xn--localhost",
        })
        void allowedNames(String name) {
            dns.put(name, ips("93.184.216.34"));
            assertThat(DestinationGuard.isRefusedName(name)).isFalse();
            assertThat(strict.check("https://" + name + "/").host()).isEqualTo(name);
            assertThat(lookups).containsExactly(name);
        }

        @Test
        void hexLookingNameIsANameAndIsResolved() {
            dns.put("0x7f.example.com", ips("93.184.216.34"));
            Destination d = strict.check("https://0x7f.example.com/");
            assertThat(d.hostIsIpLiteral()).isFalse();
            assertThat(lookups).containsExactly("0x7f.example.com");
        }
    }

    @Nested
    class Userinfo {

        @Test
        void judgedByTheRealHost() {
            dns.put("good.com", ips("93.184.216.34"));
            assertRefused(strict, "https://good.com@127.0.0.1/", PRIVATE_REFUSED);
            assertRefused(strict, "https://user:pass@good.com@10.0.0.1/", PRIVATE_REFUSED);
            assertRefused(strict, "https://good.com:443@[::1]/", PRIVATE_REFUSED);
            assertRefused(strict, "https://good.com@localhost/", PRIVATE_REFUSED);
            assertThat(lookups).isEmpty();
        }

        @Test
        void privateLookingUserinfoDoesNotRefuseAPublicHost() {
            dns.put("good.com", ips("93.184.216.34"));
            assertThat(strict.check("https://127.0.0.1@good.com/").host()).isEqualTo("good.com");
            assertThat(lookups).containsExactly("good.com");
        }
    }

    @Nested
    class Resolution {

        @Test
        void nameResolvingToPrivateAddressIsRefused() {
            dns.put("evil.example.com", ips("10.0.0.5"));
            assertRefused(strict, "https://evil.example.com/", PRIVATE_REFUSED);
        }

        @Test
        void nameResolvingToPrivateIpv6IsRefused() {
            dns.put("evil6.example.com", ips("fd00::1"));
            assertRefused(strict, "https://evil6.example.com/", PRIVATE_REFUSED);
        }

        @Test
        void nameResolvingToMixedAddressesIsRefused() {
            dns.put("mixed.example.com", ips("93.184.216.34", "2606:4700::1", "169.254.169.254"));
            assertRefused(strict, "https://mixed.example.com/", PRIVATE_REFUSED);
        }

        @Test
        void nameResolvingToPublicAddressesIsAccepted() {
            dns.put("hooks.example.com", ips("93.184.216.34", "2606:4700::1"));
            Destination d = strict.check("https://hooks.example.com/h");
            assertThat(d.host()).isEqualTo("hooks.example.com");
            assertThat(d.hostIsIpLiteral()).isFalse();
        }

        @Test
        void unresolvableNameIsAcceptedAtCreation() {
            Destination d = strict.check("https://ghost.example.com/");
            assertThat(d.host()).isEqualTo("ghost.example.com");
            assertThat(lookups).containsExactly("ghost.example.com");
        }

        @Test
        void nameResolvingToNothingIsAcceptedAtCreation() {
            dns.put("empty.example.com", List.of());
            assertThat(strict.check("https://empty.example.com/").host()).isEqualTo("empty.example.com");
        }

        @Test
        void timedOutLookupIsAcceptedAtCreation() {
            Resolver slow = DestinationGuard.bounded(host -> hang(), Duration.ofMillis(50));
            DestinationGuard guard = new DestinationGuard(slow, false, false);
            long start = System.nanoTime();
            assertThat(guard.check("https://slow.example.com/").host()).isEqualTo("slow.example.com");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Nested
    class ResolveForSend {

        @Test
        void returnsResolvedPublicAddressesWithoutDuplicates() {
            dns.put("hooks.example.com", ips("93.184.216.34", "2606:4700::1", "93.184.216.34"));
            Destination d = strict.check("https://hooks.example.com/");
            assertThat(strict.resolveForSend(d)).containsExactlyElementsOf(ips("93.184.216.34", "2606:4700::1"));
        }

        @Test
        void unresolvableNameIsRefusedAtSend() {
            Destination d = strict.check("https://ghost.example.com/");
            assertThatThrownBy(() -> strict.resolveForSend(d))
                    .isInstanceOf(RefusedDestinationException.class)
                    .hasMessage("Destination host could not be resolved: ghost.example.com");
        }

        @Test
        void emptyAnswerIsRefusedAtSend() {
            dns.put("empty.example.com", List.of());
            Destination d = strict.check("https://empty.example.com/");
            assertThatThrownBy(() -> strict.resolveForSend(d))
                    .isInstanceOf(RefusedDestinationException.class)
                    .hasMessage("Destination host could not be resolved: empty.example.com");
        }

        @Test
        void dnsRebindingToPrivateAddressIsRefusedAtSend() {
            dns.put("rebind.example.com", ips("93.184.216.34"));
            Destination d = strict.check("https://rebind.example.com/");
            dns.put("rebind.example.com", ips("127.0.0.1"));
            assertThatThrownBy(() -> strict.resolveForSend(d))
                    .isInstanceOf(RefusedDestinationException.class)
                    .hasMessage(PRIVATE_REFUSED);
        }

        @Test
        void mixedAnswerIsRefusedAtSend() {
            dns.put("mixed.example.com", ips("93.184.216.34"));
            Destination d = strict.check("https://mixed.example.com/");
            dns.put("mixed.example.com", ips("93.184.216.34", "::ffff:10.0.0.1"));
            assertThatThrownBy(() -> strict.resolveForSend(d)).hasMessage(PRIVATE_REFUSED);
        }

        @Test
        void resolvesOncePerSend() {
            dns.put("hooks.example.com", ips("93.184.216.34"));
            Destination d = Destination.parse("https://hooks.example.com/");
            strict.resolveForSend(d);
            assertThat(lookups).containsExactly("hooks.example.com");
        }

        @Test
        void publicLiteralResolvesToItselfWithoutDns() {
            Destination d = Destination.parse("https://0x5d.0xb8.0xd8.0x22/");
            assertThat(strict.resolveForSend(d)).containsExactly(ip("93.184.216.34"));
            assertThat(lookups).isEmpty();
        }

        @Test
        void privateLiteralIsRefusedAtSend() {
            Destination d = Destination.parse("https://127.1/");
            assertThatThrownBy(() -> strict.resolveForSend(d)).hasMessage(PRIVATE_REFUSED);
        }

        @Test
        void refusedNameIsRefusedAtSendWithoutDns() {
            Destination d = Destination.parse("https://metadata.google.internal/");
            assertThatThrownBy(() -> strict.resolveForSend(d)).hasMessage(PRIVATE_REFUSED);
            assertThat(lookups).isEmpty();
        }

        @Test
        void httpIsRefusedAtSendWhenHttpsIsRequired() {
            Destination d = Destination.parse("http://hooks.example.com/");
            assertThatThrownBy(() -> strict.resolveForSend(d)).hasMessage(HTTPS_REQUIRED);
        }
    }

    @Nested
    class AllowPrivate {

        private final DestinationGuard permissive = new DestinationGuard(fakeResolver, true, false);

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {
            "https://127.0.0.1/", "https://0x7f.1/", "https://[::1]/", "https://[fe80::1%25eth0]/",
            "https://localhost/", "https://metadata.google.internal/", "https://10.0.0.1:8443/",
        })
        void acceptsPrivateHostsWithoutLookingThemUp(String url) {
            assertThat(permissive.check(url).url()).isEqualTo(url);
            assertThat(lookups).isEmpty();
        }

        @Test
        void acceptsNameResolvingToPrivateAddresses() {
            dns.put("intranet.example.com", ips("10.1.2.3"));
            assertThat(permissive.check("https://intranet.example.com/").host()).isEqualTo("intranet.example.com");
        }

        @Test
        void resolveForSendReturnsPrivateAddresses() {
            dns.put("localhost", ips("127.0.0.1", "::1"));
            Destination d = permissive.check("https://localhost/");
            assertThat(permissive.resolveForSend(d)).containsExactlyElementsOf(ips("127.0.0.1", "::1"));
            assertThat(permissive.resolveForSend(Destination.parse("https://10.1/"))).containsExactly(ip("10.0.0.1"));
        }

        @Test
        void stillRequiresResolutionAtSend() {
            Destination d = permissive.check("https://ghost.internal/");
            assertThatThrownBy(() -> permissive.resolveForSend(d))
                    .hasMessage("Destination host could not be resolved: ghost.internal");
        }

        @Test
        void stillEnforcesUrlValidityAndHttps() {
            assertRefused(permissive, "not a url", INVALID_URL);
            assertRefused(permissive, "http://127.0.0.1/", HTTPS_REQUIRED);
        }
    }

    @Nested
    class AllowHttp {

        private final DestinationGuard httpAllowed = new DestinationGuard(fakeResolver, false, true);

        @Test
        void acceptsHttpToPublicHost() {
            dns.put("hooks.example.com", ips("93.184.216.34"));
            Destination d = httpAllowed.check("http://hooks.example.com/");
            assertThat(d.isHttps()).isFalse();
            assertThat(httpAllowed.resolveForSend(d)).containsExactly(ip("93.184.216.34"));
        }

        @Test
        void stillRefusesPrivateHosts() {
            assertRefused(httpAllowed, "http://127.0.0.1/", PRIVATE_REFUSED);
            assertRefused(httpAllowed, "http://localhost:8080/", PRIVATE_REFUSED);
        }

        @Test
        void allowPrivateAndHttpTogetherAcceptLocalDevelopmentUrls() {
            DestinationGuard dev = new DestinationGuard(fakeResolver, true, true);
            assertThat(dev.check("http://localhost:8080/hook").port()).isEqualTo(8080);
        }
    }

    @Nested
    class CheckOrder {

        @Test
        void httpsRuleComesBeforePrivateRule() {
            assertRefused(strict, "http://127.0.0.1/", HTTPS_REQUIRED);
            assertRefused(strict, "http://localhost/", HTTPS_REQUIRED);
            assertRefused(strict, "http://good.com@10.0.0.1/", HTTPS_REQUIRED);
        }

        @Test
        void httpsRuleComesBeforeDns() {
            dns.put("evil.example.com", ips("10.0.0.5"));
            assertRefused(strict, "http://evil.example.com/", HTTPS_REQUIRED);
            assertThat(lookups).isEmpty();
        }

        @ParameterizedTest(name = "\"{0}\"")
        @ValueSource(strings = {
            "", "not a url", "ftp://127.0.0.1/", "https://", "https:///path", "//127.0.0.1",
            "https://exa mple.com", "javascript:alert(1)", "http://127.0.0.1:0/", "https://localhost:65536/",
            "http://256.0.0.1/", "https://[127.0.0.1]/",
        })
        void invalidUrlComesFirst(String url) {
            assertRefused(strict, url, INVALID_URL);
        }

        @Test
        void nullUrlIsInvalid() {
            assertRefused(strict, null, INVALID_URL);
        }
    }

    @Nested
    class Resolvers {

        @Test
        void boundedResolverTimesOutWithUnknownHostException() {
            AtomicReference<Thread> lookupThread = new AtomicReference<>();
            Resolver slow = DestinationGuard.bounded(host -> {
                lookupThread.set(Thread.currentThread());
                return hang();
            }, Duration.ofMillis(50));
            assertThatThrownBy(() -> slow.resolve("slow.example.com"))
                    .isInstanceOf(UnknownHostException.class)
                    .hasMessageContaining("slow.example.com")
                    .hasMessageContaining("timed out");
            assertThat(lookupThread.get()).isNotNull();
            assertThat(lookupThread.get().isVirtual()).isTrue();
        }

        @Test
        void boundedResolverPassesAnswersAndUnknownHostsThrough() throws Exception {
            Resolver fast = DestinationGuard.bounded(fakeResolver, Duration.ofSeconds(2));
            dns.put("hooks.example.com", ips("93.184.216.34"));
            assertThat(fast.resolve("hooks.example.com")).containsExactly(ip("93.184.216.34"));
            assertThatThrownBy(() -> fast.resolve("ghost.example.com"))
                    .isInstanceOf(UnknownHostException.class)
                    .hasMessage("ghost.example.com");
        }

        @Test
        void boundedResolverTurnsOtherFailuresIntoUnknownHost() {
            Resolver broken = DestinationGuard.bounded(host -> {
                throw new IllegalStateException("boom");
            }, Duration.ofSeconds(2));
            assertThatThrownBy(() -> broken.resolve("x.example.com"))
                    .isInstanceOf(UnknownHostException.class)
                    .hasRootCauseInstanceOf(IllegalStateException.class);
        }

        @Test
        void systemResolverResolvesALiteralWithoutTheNetwork() throws Exception {
            // The JDK answers a dotted-quad literal from the text itself, so no DNS traffic happens here.
            assertThat(DestinationGuard.systemResolver(Duration.ofSeconds(2)).resolve("93.184.216.34"))
                    .containsExactly(ip("93.184.216.34"));
        }

        @Test
        void systemResolverRequiresAPositiveTimeout() {
            assertThatThrownBy(() -> DestinationGuard.systemResolver(Duration.ZERO))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> DestinationGuard.systemResolver(Duration.ofSeconds(-1)))
                    .isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void guardRequiresAResolver() {
            assertThatThrownBy(() -> new DestinationGuard(null, false, false))
                    .isInstanceOf(NullPointerException.class);
        }

        @Test
        void resolverIsNeverAskedAboutLiterals() {
            Resolver forbidden = host -> fail("resolver called for " + host);
            DestinationGuard guard = new DestinationGuard(forbidden, false, false);
            assertThat(guard.check("https://8.8.8.8/").hostIsIpLiteral()).isTrue();
            assertThat(guard.resolveForSend(Destination.parse("https://[2606:4700::1]/")))
                    .containsExactly(ip("2606:4700::1"));
        }
    }
}
