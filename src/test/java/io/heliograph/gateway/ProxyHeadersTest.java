package io.heliograph.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ProxyHeadersTest {

    @ParameterizedTest
    @ValueSource(strings = {"Authorization", "Content-Type", "Accept", "Accept-Encoding", "User-Agent",
            "OpenAI-Organization", "OpenAI-Project", "OpenAI-Beta", "X-Stainless-Lang", "Idempotency-Key", "Cookie"})
    void endToEndRequestHeadersGoUpstream(String name) {
        assertThat(ProxyHeaders.forwardsRequestHeader(name, Set.of())).isTrue();
        assertThat(ProxyHeaders.forwardsRequestHeader(name.toUpperCase(), Set.of())).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authorization", "TE", "Trailer",
            "Transfer-Encoding", "Upgrade", "Host", "Content-Length", "Expect", "Helicone-Auth", "helicone-property-env",
            "Helicone-User-Id", "Helicone-Request-Id", "Helicone-Omit-Request", "HELICONE-CACHE-ENABLED"})
    void hopByHopAndHeliconeHeadersStop(String name) {
        assertThat(ProxyHeaders.forwardsRequestHeader(name, Set.of())).isFalse();
    }

    @Test
    void headersTheConnectionHeaderNamesAreHopByHopToo() {
        Set<String> tokens = ProxyHeaders.connectionTokens(List.of("keep-alive, X-Trace", " x-other ,"));
        assertThat(tokens).containsExactlyInAnyOrder("keep-alive", "x-trace", "x-other");
        assertThat(ProxyHeaders.forwardsRequestHeader("X-Trace", tokens)).isFalse();
        assertThat(ProxyHeaders.forwardsResponseHeader("X-Other", tokens)).isFalse();
        assertThat(ProxyHeaders.forwardsRequestHeader("X-Kept", tokens)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Content-Type", "Content-Length", "Content-Encoding", "Set-Cookie", "x-request-id",
            "openai-processing-ms", "x-ratelimit-remaining-tokens", "retry-after", "Date", "Server"})
    void responseHeadersComeBack(String name) {
        assertThat(ProxyHeaders.forwardsResponseHeader(name, Set.of())).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Connection", "Keep-Alive", "Transfer-Encoding", "Upgrade", "Trailer", "Helicone-Id"})
    void hopByHopResponseHeadersAndAForgedHeliconeIdStop(String name) {
        assertThat(ProxyHeaders.forwardsResponseHeader(name, Set.of())).isFalse();
    }
}
