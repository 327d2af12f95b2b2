package io.heliograph.e2e;

import static io.heliograph.support.RouteJunk.HELICONE_OPENAI;
import static io.heliograph.support.RouteJunk.LOG_ROUTES;
import static io.heliograph.support.RouteJunk.MIB;
import static io.heliograph.support.RouteJunk.PLAIN_BASE;
import static io.heliograph.support.RouteJunk.TIMEOUT;
import static io.heliograph.support.RouteJunk.abbreviate;
import static io.heliograph.support.RouteJunk.assertEnvelope;
import static io.heliograph.support.RouteJunk.call;
import static io.heliograph.support.RouteJunk.concat;
import static io.heliograph.support.RouteJunk.counts;
import static io.heliograph.support.RouteJunk.freshOrg;
import static io.heliograph.support.RouteJunk.junkJson;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.heliograph.support.RawHttp;
import io.heliograph.support.RouteJunk.Answer;
import io.heliograph.support.RouteJunk.Counts;
import io.heliograph.support.RouteJunk.Header;
import io.heliograph.support.RouteJunk.Org;
import io.heliograph.support.RouteJunk.Servers;
import io.heliograph.support.StoreKind;
import io.heliograph.support.TestJson;
import io.heliograph.support.TestServer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * Framing the JDK client will not send — a Content-Length that disagrees with the body, two of them,
 * one beside chunked framing, broken chunks, odd Content-Types — written on a socket to the routes that
 * read a body, on both stores. The server answers every one, within the timeout, and stores nothing it
 * refuses.
 */
class BodyFramingJunkTest {
    private static Servers servers;

    @BeforeContainer
    static void start() {
        servers = Servers.start();
    }

    @AfterContainer
    static void stop() {
        servers.close();
    }

    /**
     * What the JDK client refuses to send — a Content-Length that disagrees with the body, two of them,
     * one beside chunked framing, broken chunks, odd Content-Types — written on a socket to the routes
     * that read a body. The server answers every one, within the timeout, and stores nothing it refuses.
     */
    @Property(tries = 50, edgeCases = EdgeCasesMode.NONE)
    void framingJunkIsAnsweredAndStoresNothing(@ForAll("framedRequests") FramedRequest r, @ForAll StoreKind kind) {
        TestServer server = servers.server(kind);
        Org org = freshOrg(server);
        StringBuilder head = new StringBuilder(r.route().equals("RECOVER") ? "POST /v1/webhooks/" + UUID.randomUUID() + "/recover"
                : "POST " + r.route()).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ").append(org.key()).append("\r\n");
        r.contentTypes().forEach(ct -> head.append("Content-Type: ").append(ct).append("\r\n"));
        if (!r.extra().isEmpty()) {
            head.append(r.extra()).append("\r\n");
        }
        if (r.userId() != null) {
            head.append("Helicone-User-Id: ").append(new String(r.userId(), StandardCharsets.ISO_8859_1)).append("\r\n");
        }
        byte[] body = r.body();
        byte[] payload;
        switch (r.framing()) {
            case "EXACT" -> payload = framed(head, "Content-Length: " + body.length, body);
            case "SHORTER" -> payload = framed(head, "Content-Length: " + Math.max(0, body.length - 1 - body.length / 3), body);
            case "LONGER" -> payload = framed(head, "Content-Length: " + (body.length + 1 + body.length / 2), body);
            case "DECLARED_HUGE" -> payload = framed(head, "Content-Length: " + (11L * MIB), body);
            case "DECLARED_ABOVE_SERVER_CAP" -> payload = framed(head, "Content-Length: " + (41L * MIB), body);
            case "NEGATIVE" -> payload = framed(head, "Content-Length: -" + body.length, body);
            case "NOT_A_NUMBER" -> payload = framed(head, "Content-Length: 1e2", body);
            case "PLUS_SIGN" -> payload = framed(head, "Content-Length: +" + body.length, body);
            case "TWO_DIFFERENT" -> payload = framed(head, "Content-Length: " + body.length + "\r\nContent-Length: " + (body.length + 1), body);
            case "TWO_SAME" -> payload = framed(head, "Content-Length: " + body.length + "\r\nContent-Length: " + body.length, body);
            case "LIST" -> payload = framed(head, "Content-Length: " + body.length + ", " + body.length, body);
            case "NONE" -> payload = framed(head, null, body);
            case "CHUNKED" -> payload = framed(head, "Transfer-Encoding: chunked", chunk(body, false));
            case "CHUNKED_AND_LENGTH" -> payload = framed(head, "Transfer-Encoding: chunked\r\nContent-Length: " + body.length,
                    chunk(body, false));
            case "CHUNKED_BROKEN" -> payload = framed(head, "Transfer-Encoding: chunked", chunk(body, true));
            case "CHUNKED_UNFINISHED" -> payload = framed(head, "Transfer-Encoding: chunked",
                    Arrays.copyOf(chunk(body, false), Math.max(0, chunk(body, false).length - 5)));
            default -> throw new IllegalStateException(r.framing());
        }
        RawHttp.Answer a = RawHttp.send(server.heliograph().port(), payload, true, TIMEOUT);
        Statistics.collect(r.framing(), a.status());
        assertThat(a.status()).as("an answer, not a closed connection, for " + r).isPositive();
        assertThat(a.status()).as(a.body()).isLessThan(500);
        assertEnvelope(new Answer(a.status(), a.body(), Map.of()));
        Counts after = counts(server, org.id());
        if (a.status() != 200) {
            assertThat(after).as("a refused request stores nothing").isEqualTo(Counts.EMPTY);
        } else if (!r.route().equals("/v1/webhooks")) {
            assertThat(after.logs()).isEqualTo(1);
            if (r.userId() != null && LOG_ROUTES.contains(r.route()) && r.body().length > 0) {
                // Header values are read as US-ASCII: each byte beyond it becomes U+FFFD (docs/limits.md).
                String expected = new String(r.userId(), StandardCharsets.US_ASCII);
                String id = TestJson.parse(a.body()).get("data").get("request_id").asText();
                JsonNode stored = assertEnvelope(call(server, "GET", "/v1/request/" + id, null, null, org.key(), List.of())).get("data");
                JsonNode meta = TestJson.parse(r.body()).path("providerRequest").path("meta");
                if (!meta.has("Helicone-User-Id")) {
                    assertThat(stored.get("user_id")).isEqualTo(expected.isEmpty() ? NullNode.instance : TextNode.valueOf(expected));
                }
            }
        }
    }

    /**
     * Was a 500: a body whose framing the client broke — it stops before its Content-Length or its last
     * chunk, or a chunk size is not hex — on every route that reads a body, the gateway's included.
     */
    @Example
    void aBodyWithBrokenFramingIsABadRequest() {
        for (StoreKind kind : StoreKind.values()) {
            TestServer server = servers.server(kind);
            Org org = freshOrg(server);
            byte[] body = HELICONE_OPENAI.getBytes(StandardCharsets.UTF_8);
            byte[] chunked = chunk(body, false);
            for (String target : List.of("/custom/v1/log", "/v1/request/log", "/v1/webhooks", "/oai/v1/chat/completions")) {
                StringBuilder head = new StringBuilder("POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ")
                        .append(org.key()).append("\r\nHelicone-Auth: Bearer ").append(org.key())
                        .append("\r\nContent-Type: application/json\r\n");
                for (byte[] request : List.of(framed(head, "Content-Length: " + (body.length + 1), body),
                        framed(head, "Transfer-Encoding: chunked", Arrays.copyOf(chunked, chunked.length - 5)),
                        framed(head, "Transfer-Encoding: chunked", chunk(body, true)))) {
                    RawHttp.Answer a = RawHttp.send(server.heliograph().port(), request, true, TIMEOUT);
                    assertThat(a.status()).as(kind + " " + target + " " + a.body()).isEqualTo(400);
                    assertThat(assertEnvelope(new Answer(a.status(), a.body(), Map.of())).get("error").asText())
                            .isEqualTo("Could not read the request body");
                }
            }
            assertThat(counts(server, org.id())).isEqualTo(Counts.EMPTY);
        }
    }

    /**
     * Was a 501 "Internal server error": a Transfer-Encoding other than chunked (or chunked not last), which
     * Helidon refuses as a bad request but with a 5xx status.
     */
    @Example
    void aTransferEncodingOtherThanChunkedIsABadRequest() {
        TestServer server = servers.server(StoreKind.SQLITE);
        Org org = freshOrg(server);
        byte[] body = HELICONE_OPENAI.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder("POST /custom/v1/log HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ")
                .append(org.key()).append("\r\nContent-Type: application/json\r\n");
        for (String framing : List.of("Transfer-Encoding: chunked\r\nTransfer-Encoding: identity", "Transfer-Encoding: gzip, chunked",
                "Transfer-Encoding: chunked, gzip", "Transfer-Encoding: x-unknown")) {
            RawHttp.Answer a = RawHttp.send(server.heliograph().port(), framed(head, framing, chunk(body, false)), true, TIMEOUT);
            assertThat(a.status()).as(framing + " " + a.body()).isEqualTo(400);
            assertEnvelope(new Answer(a.status(), a.body(), Map.of()));
        }
        assertThat(counts(server, org.id())).isEqualTo(Counts.EMPTY);
    }

    /** {@code userId}: the raw bytes of a Helicone-User-Id header, or null for none; {@code extra}: one more header line, or "". */
    record FramedRequest(String route, List<String> contentTypes, String framing, byte[] body, byte[] userId, String extra) {
        @Override
        public String toString() {
            return route + " " + contentTypes + " " + framing + " " + extra + " user=" + (userId == null ? null : Arrays.toString(userId))
                    + " body=" + abbreviate(new String(body, StandardCharsets.UTF_8));
        }
    }

    @Provide
    Arbitrary<FramedRequest> framedRequests() {
        Arbitrary<String> route = Arbitraries.of("/custom/v1/log", "/oai/v1/log", "/anthropic/v1/log", "/googleapis/v1/log",
                "/v1/request/log", "/v1/webhooks", "RECOVER");
        Arbitrary<List<String>> contentTypes = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.just(List.of("application/json"))),
                Tuple.of(1, Arbitraries.just(List.<String>of())),
                Tuple.of(2, Arbitraries.of("text/plain", "", "application/json; charset=utf-8", "application/json, text/plain",
                        "app\u00e9/json", ";;;", "application/problem+json").map(List::of)),
                Tuple.of(1, Arbitraries.just(List.of("application/json", "text/plain"))));
        Arbitrary<String> framing = Arbitraries.of("EXACT", "SHORTER", "LONGER", "DECLARED_HUGE", "DECLARED_ABOVE_SERVER_CAP",
                "NEGATIVE", "NOT_A_NUMBER", "PLUS_SIGN", "TWO_DIFFERENT", "TWO_SAME", "LIST", "NONE", "CHUNKED",
                "CHUNKED_AND_LENGTH", "CHUNKED_BROKEN", "CHUNKED_UNFINISHED");
        return Combinators.combine(route, contentTypes, framing).flatAs((r, ct, f) -> {
            String valid = switch (r) {
                case "/v1/request/log" -> PLAIN_BASE.replace("REQUEST_ID", UUID.randomUUID().toString());
                case "/v1/webhooks" -> "{\"destination\":\"https://hooks.example.com/x\",\"config\":{}}";
                case "RECOVER" -> "{\"since\":\"2000-01-01T00:00:00Z\"}";
                default -> HELICONE_OPENAI;
            };
            Arbitrary<byte[]> userId = Arbitraries.frequencyOf(
                    Tuple.of(3, Arbitraries.just(null)),
                    Tuple.of(1, Arbitraries.of("user_1", "Jos\u00e9", "\u00e9\ud83d\ude00", "").map(u -> u.getBytes(StandardCharsets.UTF_8))),
                    Tuple.of(1, Arbitraries.of("Jos\u00e9").map(u -> u.getBytes(StandardCharsets.ISO_8859_1))),
                    Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(8)
                            .map(b -> new String(b, StandardCharsets.ISO_8859_1).replaceAll("[\r\n]", "x").strip()
                                    .getBytes(StandardCharsets.ISO_8859_1))
                            .filter(b -> b.length > 0 && b[0] != '\t' && b[b.length - 1] != '\t')));
            Arbitrary<String> junk = junkJson().filter(j -> j.length() < 64 * 1024); // framing, not size, is the point here
            Arbitrary<String> extra = Arbitraries.frequencyOf(
                    Tuple.of(6, Arbitraries.just("")),
                    Tuple.of(1, Arbitraries.of("Content-Encoding: gzip", "Content-Encoding: identity", "Expect: 100-continue",
                            "Expect: nonsense", "Transfer-Encoding: identity", "Transfer-Encoding: gzip")));
            return Combinators.combine(Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just(valid)), Tuple.of(1, junk)), userId, extra)
                    .as((b, u, x) -> new FramedRequest(r, ct, f, b.getBytes(StandardCharsets.UTF_8), u, x));
        });
    }

    private static byte[] framed(StringBuilder head, String framingHeader, byte[] body) {
        String h = head + (framingHeader == null ? "" : framingHeader + "\r\n") + "Connection: close\r\n\r\n";
        return concat(h.getBytes(StandardCharsets.ISO_8859_1), body);
    }

    private static byte[] chunk(byte[] body, boolean broken) {
        StringBuilder s = new StringBuilder();
        int half = body.length / 2;
        byte[] first = Arrays.copyOf(body, half);
        byte[] second = Arrays.copyOfRange(body, half, body.length);
        byte[] out = new byte[0];
        for (byte[] part : List.of(first, second)) {
            if (part.length == 0) {
                continue;
            }
            String size = broken ? "zz" + Integer.toHexString(part.length) : Integer.toHexString(part.length);
            out = concat(out, (size + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out = concat(out, part);
            out = concat(out, "\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        return concat(out, "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    }
}
