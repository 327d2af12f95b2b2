package io.heliograph.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.heliograph.api.ApiException;
import io.heliograph.http.JsonBodies;
import io.heliograph.json.Json;
import io.heliograph.support.RouteJunk;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.junit.jupiter.api.Test;

/**
 * The log formats read a body once: {@link RawJson#parse} gives the tree {@link Json#parse} gives and the
 * exact text of the chosen values that a second walk over the body gave before (the oracle below,
 * the code it replaced), and refuses what they refused.
 */
class RawJsonTest {
    private static final Set<String> PLAIN = Set.of("/request", "/response");
    private static final Set<String> HELICONE = Set.of("/providerRequest/json", "/providerResponse/json", "/providerResponse/textBody");

    @Property(tries = 1_500)
    void oneReadGivesTheTreeAndTheTextsTwoReadsGave(@ForAll("bodies") String body, @ForAll boolean helicone) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        Set<String> pointers = helicone ? HELICONE : PLAIN;
        assertThat(oneRead(bytes, pointers)).isEqualTo(twoReads(bytes, pointers));
    }

    @Test
    void keepsTheTextAsItCameAndTheLastOfARepeatedKey() {
        String body = "{ \"request\" : {\"b\": 1.50 ,\"a\":\"\\u00e9\"}, \"response\":[1e2], \"response\" :  \"x\" , \"other\":{\"request\":1}}";
        RawJson.Parsed parsed = RawJson.parse(body.getBytes(StandardCharsets.UTF_8), PLAIN);
        assertThat(parsed.raw()).containsExactlyInAnyOrderEntriesOf(Map.of("/request", "{\"b\": 1.50 ,\"a\":\"\\u00e9\"}", "/response", "\"x\""));
        assertThat(Json.writeString(parsed.root())).isEqualTo("{\"request\":{\"b\":1.5,\"a\":\"é\"},\"response\":\"x\",\"other\":{\"request\":1}}");
    }

    @Test
    void refusesWhatTheWholeReadRefuses() {
        for (String bad : List.of("", " ", "{} {}", "{\"request\":{}} x", "{\"request\":{}", "[1,]", "{\"a\":1,}", "\u0000{}",
                "{\"request\":" + "[".repeat(250) + "]".repeat(250) + "}")) {
            assertThat(oneRead(bad.getBytes(StandardCharsets.UTF_8), PLAIN)).as(bad).isEqualTo("refused: " + JsonBodies.INVALID_JSON);
        }
    }

    @Provide
    Arbitrary<String> bodies() {
        Arbitrary<String> key = Arbitraries.of("request", "response", "providerRequest", "providerResponse", "json", "textBody",
                "model", "a/b", "~", "request ");
        Arbitrary<String> space = Arbitraries.of("", "", " ", "\n\t", "  ");
        Arbitrary<String> member = Combinators.combine(space, key, space, RouteJunk.jsonValue(3), space)
                .as((s1, k, s2, v, s3) -> s1 + "\"" + k + "\"" + s2 + ":" + s3 + v + s1);
        // Objects on the wanted paths, with members of their own that are wanted, repeated, or not.
        Arbitrary<String> nested = Combinators.combine(key, member.list().ofMaxSize(4))
                .as((k, members) -> "\"" + k + "\":{" + String.join(",", members) + "}");
        Arbitrary<String> object = Arbitraries.oneOf(member, nested).list().ofMaxSize(6)
                .map(members -> "{" + String.join(",", members) + "}");
        return Arbitraries.frequencyOf(
                Tuple.of(6, object),
                Tuple.of(1, object.map(o -> o + " {}")),
                Tuple.of(1, object.map(o -> o.substring(0, o.length() / 2))),
                Tuple.of(2, RouteJunk.junkJson()));
    }

    private static String oneRead(byte[] body, Set<String> pointers) {
        try {
            RawJson.Parsed parsed = RawJson.parse(body, pointers);
            return Json.writeString(parsed.root()) + " " + new java.util.TreeMap<>(parsed.raw());
        } catch (ApiException e) {
            return "refused: " + e.getMessage();
        }
    }

    private static String twoReads(byte[] body, Set<String> pointers) {
        JsonNode root;
        try {
            root = Json.parse(body, JsonBodies.INVALID_JSON);
        } catch (ApiException e) {
            return "refused: " + e.getMessage();
        }
        return Json.writeString(root) + " " + new java.util.TreeMap<>(find(body, pointers));
    }

    // The second walk the log formats made before, kept as the oracle.

    private static Map<String, String> find(byte[] document, Set<String> pointers) {
        Map<String, String> found = new HashMap<>();
        try (JsonParser parser = Json.MAPPER.getFactory().createParser(document)) {
            if (parser.nextToken() != null) {
                walk(parser, "", pointers, document, found);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("Not valid JSON", e);
        }
        return found;
    }

    private static void walk(JsonParser p, String path, Set<String> pointers, byte[] doc, Map<String, String> found)
            throws IOException {
        JsonToken token = p.currentToken();
        if (pointers.contains(path)) {
            int start = (int) p.currentTokenLocation().getByteOffset();
            int end;
            if (token.isStructStart()) {
                p.skipChildren();
                end = (int) p.currentTokenLocation().getByteOffset() + 1;
            } else {
                p.finishToken();
                end = (int) p.currentLocation().getByteOffset();
            }
            found.put(path, new String(doc, start, end - start, StandardCharsets.UTF_8));
            return;
        }
        if (token == JsonToken.START_OBJECT && pointers.stream().anyMatch(pointer -> pointer.startsWith(path + "/"))) {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String child = path + "/" + p.currentName().replace("~", "~0").replace("/", "~1");
                p.nextToken();
                walk(p, child, pointers, doc, found);
            }
        } else if (token.isStructStart()) {
            p.skipChildren();
        }
    }
}
