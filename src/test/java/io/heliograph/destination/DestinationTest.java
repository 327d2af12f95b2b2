package io.heliograph.destination;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class DestinationTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "https://example.com                     | https | example.com           | 443   | false",
        "http://example.com/hook                 | http  | example.com           | 80    | false",
        "https://example.com:8443/x?y=1#frag     | https | example.com           | 8443  | false",
        "http://example.com:443/                 | http  | example.com           | 443   | false",
        "HTTPS://EXAMPLE.COM/Path                | https | example.com           | 443   | false",
        "https://user:pass@example.com/          | https | example.com           | 443   | false",
        "https://example.com:/                   | https | example.com           | 443   | false",
        "https://example.com./                   | https | example.com.          | 443   | false",
        "https://xn--bcher-kva.example/          | https | xn--bcher-kva.example | 443   | false",
        "https://bücher.example/                 | https | xn--bcher-kva.example | 443   | false",
        "https://a-b.c--d.example/               | https | a-b.c--d.example      | 443   | false",
        "https://9lives.example.com/             | https | 9lives.example.com    | 443   | false",
        "https://example.com:1/                  | https | example.com           | 1     | false",
        "https://example.com:65535/              | https | example.com           | 65535 | false",
        "https://example.com:00443/              | https | example.com           | 443   | false",
        "https://93.184.216.34/                  | https | 93.184.216.34         | 443   | true",
        "https://[2606:4700::1]:8443/            | https | 2606:4700:0:0:0:0:0:1 | 8443  | true",
        "https://[::1]:/                         | https | 0:0:0:0:0:0:0:1       | 443   | true",
        "http://0x7f.1/                          | http  | 127.0.0.1             | 80    | true",
        "https://2130706433/                     | https | 127.0.0.1             | 443   | true",
        "https://127.0.0.1./                     | https | 127.0.0.1             | 443   | true",
        "https://[fe80::1%25eth0]/               | https | fe80:0:0:0:0:0:0:1    | 443   | true",
        "https://[::ffff:127.0.0.1]/             | https | 127.0.0.1             | 443   | true",
        "https://a@b@127.0.0.1/                  | https | 127.0.0.1             | 443   | true",
        "https://good.com@127.0.0.1:9000/        | https | 127.0.0.1             | 9000  | true",
        "https://0x7f.example.com/               | https | 0x7f.example.com      | 443   | false",
        "https://1.2.3.4.example.com/            | https | 1.2.3.4.example.com   | 443   | false",
    })
    void parsesValidUrls(String url, String scheme, String host, int port, boolean literal) {
        Destination d = Destination.parse(url);

        assertThat(d.url()).isEqualTo(url);
        assertThat(d.scheme()).isEqualTo(scheme);
        assertThat(d.host()).isEqualTo(host);
        assertThat(d.port()).isEqualTo(port);
        assertThat(d.hostIsIpLiteral()).isEqualTo(literal);
    }

    @ParameterizedTest(name = "[{index}] \"{0}\"")
    @NullAndEmptySource
    @ValueSource(strings = {
        "not a url",
        "ftp://x",
        "https://",
        "https:///path",
        "//example.com",
        "https://exa mple.com",
        "javascript:alert(1)",
        "mailto:someone@example.com",
        "https:example.com",
        "example.com",
        "https://example.com:0/",
        "https://example.com:65536/",
        "https://example.com:99999/",
        "https://example.com:123456/",
        "https://example.com:-1/",
        "https://example.com:80a/",
        "https://example.com:8:8/",
        "https://user@/",
        "https://example.com@/",
        "https://[127.0.0.1]/",
        "https://[v1.x]/",
        "https://[fe80::1%eth0]/",
        "https://[::1",
        "https://[::1]x/",
        "https://[1:2:3:4:5:6:7:8:9]/",
        "https://[::ffff:127.0.0.01]/",
        "https://[]/",
        "https://256.1.1.1/",
        "https://1.2.3.4.5/",
        "https://08.0.0.1/",
        "https://4294967296/",
        "https://example.123/",
        "https://foo.0x7f/",
        "https://127.0.0.%31/",
        "https://%65xample.com/",
        "https://exa!mple.com/",
        "https://a..b/",
        "https://.example.com/",
        "https://example.com../",
        "https://./",
        "https://example.com\\@127.0.0.1/",
        "https://exa\tmple.com/",
        " https://example.com/",
        "https://example.com/path with space",
        // Hosts Java's URI parser (and so the HTTP client) finds no host in: refused at creation, not at send.
        "https://a_b.example.com/hook",
        "https://sub_domain.example.com/",
        "https://-a.example.com/",
        "https://a-.example.com/",
        "https://a.-example.com/",
        "https://example.com-/",
        "https://example.1com/",
        "https://example.9/",
    })
    void rejectsInvalidUrls(String url) {
        assertThatThrownBy(() -> Destination.parse(url))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid destination URL");
    }

    @Test
    void rejectsOverlongLabelAndName() {
        String longLabel = "a".repeat(64);
        assertThatThrownBy(() -> Destination.parse("https://" + longLabel + ".com/"))
                .hasMessage("Invalid destination URL");
        String longName = ("a".repeat(60) + ".").repeat(5) + "com";
        assertThatThrownBy(() -> Destination.parse("https://" + longName + "/"))
                .hasMessage("Invalid destination URL");
        assertThat(Destination.parse("https://" + "a".repeat(63) + ".com/").host()).startsWith("aaa");
    }

    @Test
    void defaultPortFollowsScheme() {
        assertThat(Destination.parse("http://example.com/").port()).isEqualTo(80);
        assertThat(Destination.parse("https://example.com/").port()).isEqualTo(443);
        assertThat(Destination.parse("HTTP://example.com/").port()).isEqualTo(80);
    }

    @Test
    void isHttpsReflectsScheme() {
        assertThat(Destination.parse("https://example.com/").isHttps()).isTrue();
        assertThat(Destination.parse("HtTpS://example.com/").isHttps()).isTrue();
        assertThat(Destination.parse("http://example.com/").isHttps()).isFalse();
    }

    @Test
    void convertsIdnHostsToPunycode() {
        assertThat(Destination.parse("https://bücher.example/hook").host()).isEqualTo("xn--bcher-kva.example");
        assertThat(Destination.parse("https://BÜCHER.example/hook").host()).isEqualTo("xn--bcher-kva.example");
        assertThat(Destination.parse("https://例え.テスト/").host()).isEqualTo("xn--r8jz45g.xn--zckzah");
    }

    @Test
    void idnMappingThatProducesAnAddressYieldsALiteral() {
        Destination fullwidth = Destination.parse("https://１２７.０.０.１/");
        assertThat(fullwidth.host()).isEqualTo("127.0.0.1");
        assertThat(fullwidth.hostIsIpLiteral()).isTrue();

        Destination ideographicDots = Destination.parse("https://10。0。0。1/");
        assertThat(ideographicDots.host()).isEqualTo("10.0.0.1");
        assertThat(ideographicDots.hostIsIpLiteral()).isTrue();
    }

    @Test
    void idnMappingThatProducesAName() {
        assertThat(Destination.parse("https://ｌｏｃａｌｈｏｓｔ/").host()).isEqualTo("localhost");
    }

    @Test
    void idnConversionFailureIsInvalid() {
        // 70 non-ASCII letters make a punycode label longer than 63 characters.
        assertThatThrownBy(() -> Destination.parse("https://" + "ü".repeat(70) + ".com/"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid destination URL");
    }

    @Test
    void idnMappingThatIntroducesSeparatorsIsInvalid() {
        // A fullwidth colon maps to ':' but must not become a port separator after the fact.
        assertThatThrownBy(() -> Destination.parse("https://example.com：80/"))
                .hasMessage("Invalid destination URL");
    }

    @Test
    void equalDestinationsAreEqualValues() {
        assertThat(Destination.parse("https://example.com/a")).isEqualTo(Destination.parse("https://example.com/a"));
        assertThat(Destination.parse("https://example.com/a")).isNotEqualTo(Destination.parse("https://example.com/b"));
    }

    @Test
    void constructorAcceptsConsistentComponents() {
        Destination built = new Destination("https://example.com:8443/x", "https", "example.com", 8443, false);
        assertThat(built).isEqualTo(Destination.parse("https://example.com:8443/x"));
    }

    @Test
    void constructorRejectsComponentsThatDoNotMatchTheUrl() {
        assertThatThrownBy(() -> new Destination("https://example.com/", "https", "127.0.0.1", 443, true))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Destination("https://example.com/", "http", "example.com", 443, false))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Destination("https://example.com/", "https", "example.com", 80, false))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Destination("https://example.com/", "https", "example.com", 443, true))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void constructorRejectsInvalidUrl() {
        assertThatThrownBy(() -> new Destination("ftp://example.com/", "ftp", "example.com", 21, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid destination URL");
    }

    @Test
    void toStringDoesNotLeakCredentialsOrPath() {
        Destination d = Destination.parse("https://user:s3cret@hooks.example.com/T000/B000/token123");
        assertThat(d.toString())
                .isEqualTo("Destination[https://hooks.example.com:443]")
                .doesNotContain("s3cret", "token123");
        assertThat(Destination.parse("https://[2606:4700::1]/").toString())
                .isEqualTo("Destination[https://[2606:4700:0:0:0:0:0:1]:443]");
    }
}
