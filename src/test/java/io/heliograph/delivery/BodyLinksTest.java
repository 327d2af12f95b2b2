package io.heliograph.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The signed links to a log's bodies: their form, their signature (an HMAC computed elsewhere), expiry and tampering. */
class BodyLinksTest {
    private static final Clock AT = Clock.fixed(Instant.ofEpochSecond(1_700_000_000L), ZoneOffset.UTC);

    @Test
    void aLinkIsThePublicUrlWithoutTrailingSlashesAndAnHmacOfOrgRequestAndExpiry() {
        BodyLinks links = new BodyLinks(() -> "https://hg.example.com//", "secret", AT);
        // Python: hmac.new(b'secret', b'org_1\nreq-42\n1700604800', hashlib.sha256).hexdigest()
        assertThat(links.linkFor("org_1", "req-42")).isEqualTo("https://hg.example.com/bodies/req-42?org=org_1&expires=1700604800"
                + "&signature=00c9824f635819ca8368e2b8fcd0897f45919d1e147c444b73c93ff464b879eb");
        assertThat(BodyLinks.withoutTrailingSlashes("http://h:1")).isEqualTo("http://h:1");
        assertThat(BodyLinks.withoutTrailingSlashes("/")).isEmpty();
    }

    @Test
    void onlyItsOwnUnexpiredSignatureIsValid() {
        BodyLinks links = new BodyLinks(() -> "http://localhost:8585", "secret", AT);
        String signature = query(links.linkFor("org_1", "req-42"), "signature");
        long expires = Long.parseLong(query(links.linkFor("org_1", "req-42"), "expires"));
        assertThat(links.valid("org_1", "req-42", expires, signature)).isTrue();
        assertThat(links.valid("org_2", "req-42", expires, signature)).as("another org").isFalse();
        assertThat(links.valid("org_1", "req-43", expires, signature)).as("another log").isFalse();
        assertThat(links.valid("org_1", "req-42", expires + 1, signature)).as("a longer life").isFalse();
        assertThat(new BodyLinks(() -> "http://x", "other", AT).valid("org_1", "req-42", expires, signature))
                .as("another server's secret").isFalse();
        BodyLinks later = new BodyLinks(() -> "http://localhost:8585", "secret",
                Clock.offset(AT, BodyLinks.VALIDITY.plusSeconds(1)));
        assertThat(later.valid("org_1", "req-42", expires, signature)).as("expired").isFalse();
    }

    @Test
    void manyThreadsSigningAtOnceAllGetTheSameSignature() throws Exception {
        BodyLinks links = new BodyLinks(() -> "http://localhost:8585", "secret", AT);
        String expected = links.linkFor("org_1", "req-42");
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<List<String>>> results = IntStream.range(0, 8)
                    .mapToObj(i -> pool.submit(() -> IntStream.range(0, 2_000).mapToObj(j -> links.linkFor("org_1", "req-42")).toList()))
                    .toList();
            for (Future<List<String>> result : results) {
                assertThat(result.get()).containsOnly(expected);
            }
        }
    }

    private static String query(String link, String name) {
        for (String pair : URI.create(link).getRawQuery().split("&")) {
            if (pair.startsWith(name + "=")) {
                return pair.substring(name.length() + 1);
            }
        }
        throw new AssertionError("no " + name + " in " + link);
    }
}
