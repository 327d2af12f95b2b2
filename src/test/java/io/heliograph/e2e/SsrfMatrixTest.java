package io.heliograph.e2e;

import static io.heliograph.destination.DestinationGuard.HTTPS_REQUIRED;
import static io.heliograph.destination.DestinationGuard.INVALID_URL;
import static io.heliograph.destination.DestinationGuard.PRIVATE_REFUSED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.heliograph.destination.Destination;
import io.heliograph.destination.DestinationGuard;
import io.heliograph.support.Api;
import io.heliograph.support.ConnectionTrap;
import io.heliograph.support.FakeResolver;
import io.heliograph.support.Receiver;
import io.heliograph.support.StoreKind;
import io.heliograph.support.TestJson;
import io.heliograph.support.TestServer;
import io.heliograph.support.Webhooks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import mockwebserver3.MockResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Server-side request forgery, end to end, on each store. Every destination form in {@link #FORMS} is
 * refused when a webhook is created or patched with it, with the message docs/api.md documents, and
 * refused again at send time when a webhook row already points at it: rows made while private
 * destinations were still allowed, rows whose name re-resolves to a private address after creation
 * (DNS rebinding), and rows from before the URL rules existed. A receiver that redirects to a private
 * address gets a failed attempt, and the redirect is not followed. The same forms, named as the generic
 * gateway's {@code Helicone-Target-Url}, are each a 400 and no connection.
 *
 * <p>Nothing here may connect to anything but loopback. The guard refuses before connecting; names
 * resolve through a {@link FakeResolver}; loopback forms point at {@link ConnectionTrap}s, which must
 * count no connection. And before anything is sent, the server's own guard rules are asked about
 * every form, so that a regression fails this test instead of sending a packet into a private range.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(StoreKind.class)
class SsrfMatrixTest {

    /** TEST-NET-3 (documentation only): what a rebinding name answers while its webhook is created. Never sent to. */
    private static final String PUBLIC_ANSWER = "203.0.113.10";

    /** Placeholders for the trap ports, so that a loopback form that got through would be counted. */
    private static final String TRAP = "{trap}";
    private static final String TRAP6 = "{trap6}";

    private static final List<Form> FORMS = List.of(
            // Loopback, in every notation a resolver reads as 127.0.0.1, and the loopback names
            refused("https://127.0.0.1:{trap}/hook"),
            refused("https://127.1:{trap}/"),
            refused("https://127.255.255.254:{trap}/"),
            refused("https://2130706433:{trap}/"),
            refused("https://0177.0.0.1:{trap}/"),
            refused("https://0x7f.0.0.1:{trap}/"),
            refused("https://0x7f000001:{trap}/"),
            refused("https://0x7f.1:{trap}/"),
            refused("https://127.0.0.1.:{trap}/"),
            refused("https://１２７.０.０.１:{trap}/"),
            refused("https://127。0。0。1:{trap}/"),
            refused("https://localhost:{trap}/"),
            refused("https://localhost.:{trap}/"),
            refused("https://LocalHost:{trap}/"),
            refused("https://ｌｏｃａｌｈｏｓｔ:{trap}/"),
            refused("https://api.localhost:{trap}/"),
            refused("https://[::1]:{trap6}/"),
            refused("https://[0:0:0:0:0:0:0:1]:{trap6}/"),
            // "This host": connecting to these reaches local services
            refused("https://0.0.0.0:{trap}/"),
            refused("https://0:{trap}/"),
            refused("https://[::]:{trap6}/"),
            // Private ranges 10/8, 172.16/12, 192.168/16, and carrier-grade NAT 100.64/10
            refused("https://10.0.0.1/"),
            refused("https://10.1/"),
            refused("https://012.0.0.1/"),
            refused("https://10.255.255.255/"),
            refused("https://172.16.0.1/"),
            refused("https://172.31.255.254/"),
            refused("https://192.168.0.1/"),
            refused("https://3232235777/"),
            refused("https://0xc0a80101/"),
            refused("https://100.64.0.1/"),
            refused("https://100.127.255.254/"),
            // Link-local and the cloud metadata endpoints
            refused("https://169.254.169.254/latest/meta-data/"),
            refused("https://169.254.0.1/"),
            refused("https://2852039166/"),
            refused("https://0xa9.0xfe.0xa9.0xfe/"),
            refused("https://0251.0376.0251.0376/"),
            refused("https://metadata.google.internal/computeMetadata/v1/"),
            refused("https://METADATA.GOOGLE.INTERNAL./"),
            refused("https://instance-data.ec2.internal/"),
            refused("https://100.100.100.200/"),
            refused("https://[fd00:ec2::254]/"),
            refused("http://169.254.169.254/latest/meta-data/", HTTPS_REQUIRED),
            // IPv6 link-local, unique local, multicast
            refused("https://[fe80::1]/"),
            refused("https://[fe80::1%25eth0]/"),
            refused("https://[fc00::1]/"),
            refused("https://[fd12:3456:789a::1]/"),
            refused("https://[ff02::1]/"),
            // IPv4 inside IPv6: mapped, compatible, NAT64, 6to4
            refused("https://[::ffff:127.0.0.1]:{trap}/"),
            refused("https://[::ffff:7f00:1]:{trap}/"),
            refused("https://[::ffff:10.0.0.1]/"),
            refused("https://[::ffff:a9fe:a9fe]/"),
            refused("https://[::127.0.0.1]/"),
            refused("https://[::10.0.0.1]/"),
            refused("https://[64:ff9b::7f00:1]/"),
            refused("https://[64:ff9b::a9fe:a9fe]/"),
            refused("https://[2002:7f00:1::]/"),
            refused("https://[2002:a9fe:a9fe::]/"),
            refused("https://[::ffff:0:7f00:1]/"),        // IPv4-translated (SIIT)
            refused("https://[64:ff9b:1::a9fe:a9fe]/"),   // local-use NAT64
            refused("https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/"), // Teredo
            // Userinfo and delimiter tricks: the host is what follows the last '@' of the authority
            refused("https://good.com@127.0.0.1:{trap}/"),
            refused("https://127.0.0.1:{trap}#@good.com"),
            refused("https://127.0.0.1:{trap}?@good.com"),
            refused("https://good.com:443@10.0.0.1/"),
            refused("https://user:pass@hooks.example.com@169.254.169.254/"),
            // Percent-encoded hosts are not URLs Heliograph accepts
            refused("https://127.0.0.%31:{trap}/", INVALID_URL),
            refused("https://%6c%6f%63%61%6c%68%6f%73%74:{trap}/", INVALID_URL),
            // Names that resolve to refused addresses
            resolving("https://private.attacker.test/", "10.0.0.5"),
            resolving("https://metadata.attacker.test/", "169.254.169.254"),
            resolving("https://metadata.goog/computeMetadata/v1/", "169.254.169.254"),
            resolving("https://loopback.attacker.test:{trap}/", "127.0.0.1"),
            resolving("https://loopback6.attacker.test:{trap6}/", "::1"),
            resolving("https://ula.attacker.test/", "fd00::1"),
            resolving("https://mapped.attacker.test/", "::ffff:192.168.0.1"),
            resolving("https://cgnat.attacker.test/", "100.64.0.1"),
            resolving("https://trailing-dot.attacker.test./", "10.0.0.5"),
            // ... and names with several addresses, one of them refused
            resolving("https://rebind.attacker.test:{trap}/", "203.0.113.10", "127.0.0.1"),
            resolving("https://mixed.attacker.test/", "203.0.113.10", "203.0.113.11", "172.16.5.4"),
            resolving("https://mixed6.attacker.test/", "2001:db8::10", "fe80::1"));

    /** Redirects a receiver answers with. The receivers are on loopback; the locations must never be reached. */
    private static final List<Redirect> REDIRECTS = List.of(
            new Redirect(302, "http://169.254.169.254/latest/meta-data/iam/security-credentials/"),
            new Redirect(301, "http://metadata.google.internal/computeMetadata/v1/"),
            new Redirect(303, "http://10.0.0.1/"),
            new Redirect(307, "http://[::ffff:a9fe:a9fe]/"),
            new Redirect(308, "https://192.168.1.1/admin"),
            new Redirect(302, "http://2852039166/"));

    @Parameter
    StoreKind store;

    private static final List<String> SUMMARIES = new ArrayList<>();
    private static Summary summary;

    @BeforeParameterizedClassInvocation
    static void startSummary(StoreKind store) {
        summary = new Summary(store, System.nanoTime());
    }

    @AfterParameterizedClassInvocation
    static void endSummary() {
        SUMMARIES.add(summary.line());
    }

    /** Once, after both stores: surefire keeps one output file per class, and a second invocation would replace the first's. */
    @AfterAll
    static void printSummaries() {
        SUMMARIES.forEach(System.out::println);
    }

    @Test
    void everyFormIsRefusedAtCreationAndAtSendTime() {
        FakeResolver dns = FakeResolver.standard();
        try (ConnectionTrap trap = ConnectionTrap.ipv4();
             ConnectionTrap trap6 = ConnectionTrap.ipv6();
             TestServer server = TestServer.builder(store).resolver(dns).loopbackReceivers().retrySchedule("").start()) {
            List<Form> forms = FORMS.stream().map(f -> f.withPorts(trap.port(), trap6.port())).toList();
            Map<Form, String> rows = new LinkedHashMap<>();

            // Rows from before the operator turned both flags off, and rows from before the URL rules existed.
            Api before = server.api();
            for (Form form : forms) {
                if (form.origin() == Origin.FLAGS_WERE_ON) {
                    rows.put(form, createdId(before, form.url()));
                } else if (form.origin() == Origin.OLDER_RULES) {
                    String id = createdId(before, "https://127.0.0.1:" + trap.port() + "/");
                    server.heliograph().database().jdbi().useHandle(h -> h.createUpdate(
                            "UPDATE webhooks SET destination = :destination WHERE id = :id")
                            .bind("destination", form.url()).bind("id", id).execute());
                    rows.put(form, id);
                }
            }

            server.restartWith(settings -> settings.allowPrivate(false).allowHttp(false));
            Api api = server.api();
            forms.stream().filter(f -> f.origin() == Origin.DNS_REBOUND).forEach(f -> dns.with(f.host(), f.answerArray()));

            // Creation: POST, and PATCH of an existing webhook, are refused with the documented message.
            String patched = rows.values().iterator().next();
            String patchedDestination = api.get("/v1/webhooks/" + patched).data().get("destination").asText();
            Map<Form, String> atCreation = new LinkedHashMap<>();
            Map<Form, String> atPatch = new LinkedHashMap<>();
            for (Form form : forms) {
                atCreation.put(form, refusal(create(api, form.url())));
                atPatch.put(form, refusal(patchDestination(api, patched, form.url())));
            }
            summary.forms = forms.size();
            summary.refusedAtCreation = (int) forms.stream()
                    .filter(f -> f.message().equals(atCreation.get(f)) && f.message().equals(atPatch.get(f))).count();
            assertThat(table(forms, "create", atCreation, "patch", atPatch))
                    .containsExactlyElementsOf(table(forms, "create", expectedMessages(forms), "patch", expectedMessages(forms)));
            assertThat(api.get("/v1/webhooks").data()).as("no refused webhook was stored").hasSize(rows.size());
            assertThat(api.get("/v1/webhooks/" + patched).data().get("destination").asText())
                    .as("a refused PATCH changes nothing").isEqualTo(patchedDestination);

            // DNS rebinding: the name answers a public address while its webhook is made, a refused one after.
            for (Form form : forms) {
                if (form.origin() == Origin.DNS_REBOUND) {
                    dns.with(form.host(), PUBLIC_ANSWER);
                    rows.put(form, createdId(api, form.url()));
                    dns.with(form.host(), form.answerArray());
                }
            }
            assertThat(rows).as("one row per form").hasSameSizeAs(forms);

            // The hard rule: the sender's first step is the guard, with these rules; if it would let any form
            // through, stop here rather than let the server open a connection to a private range.
            DestinationGuard serverRules = new DestinationGuard(dns, false, false);
            Map<Form, String> beforeConnecting = new LinkedHashMap<>();
            forms.forEach(f -> beforeConnecting.put(f, refusalBeforeConnecting(serverRules, f.url())));
            assertThat(beforeConnecting).as("the guard refuses every form before connecting").isEqualTo(expectedMessages(forms));

            // Send time: one logged request gives every row a delivery; each is refused, once, before connecting.
            log(api);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> rows.values().stream().allMatch(id -> settledDelivery(api, id) != null));
            Map<Form, String> atSend = new LinkedHashMap<>();
            Map<Form, String> atTestRoute = new LinkedHashMap<>();
            rows.forEach((form, id) -> {
                atSend.put(form, sendRefusal(settledDelivery(api, id)));
                atTestRoute.put(form, testRouteRefusal(api.post("/v1/webhooks/" + id + "/test", null)));
            });
            summary.connections = trap.accepted() + trap6.accepted();
            summary.refusedAtSend = (int) forms.stream()
                    .filter(f -> f.message().equals(atSend.get(f)) && f.message().equals(atTestRoute.get(f))).count();

            assertThat(table(forms, "delivery", atSend, "test route", atTestRoute))
                    .containsExactlyElementsOf(table(forms, "delivery", expectedMessages(forms), "test route", expectedMessages(forms)));
            assertThat(summary.connections).as("connections that reached a loopback trap").isZero();
        }
    }

    /**
     * The generic gateway's {@code Helicone-Target-Url} passes the same guard: every form (but those a header
     * cannot carry, non-ASCII text) is a 400 in the envelope and no connection, with private destinations off.
     */
    @Test
    void everyFormIsRefusedAsAGatewayTarget() throws Exception {
        FakeResolver dns = FakeResolver.standard();
        try (ConnectionTrap trap = ConnectionTrap.ipv4();
             ConnectionTrap trap6 = ConnectionTrap.ipv6();
             TestServer server = TestServer.builder(store).resolver(dns).start()) {
            List<Form> forms = FORMS.stream().map(f -> f.withPorts(trap.port(), trap6.port()))
                    .filter(f -> f.url().chars().allMatch(c -> c < 0x80)).toList();
            forms.stream().filter(f -> f.origin() == Origin.DNS_REBOUND).forEach(f -> dns.with(f.host(), f.answerArray()));
            Map<Form, String> expected = new LinkedHashMap<>();
            forms.forEach(f -> expected.put(f, gatewayRefusal(f)));

            DestinationGuard serverRules = new DestinationGuard(dns, false, false);
            Map<Form, String> beforeConnecting = new LinkedHashMap<>();
            forms.forEach(f -> beforeConnecting.put(f, refusalBeforeConnecting(serverRules, f.url())));
            assertThat(beforeConnecting).as("the guard refuses every form before connecting").isEqualTo(expectedMessages(forms));

            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            Map<Form, String> observed = new LinkedHashMap<>();
            for (Form form : forms) {
                var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.baseUrl() + "/gateway/v1/chat/completions"))
                        .header("Helicone-Auth", "Bearer " + TestServer.BOOTSTRAP_KEY)
                        .header("Helicone-Target-Url", form.url())
                        .header("Content-Type", "application/json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o\"}")).build();
                var response = http.send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
                observed.put(form, refusal(new Api.Response(response.statusCode(), response.body(), response.headers().map())));
            }
            summary.gatewayTargets = forms.size();
            summary.gatewayRefused = (int) forms.stream().filter(f -> expected.get(f).equals(observed.get(f))).count();
            assertThat(table(forms, "gateway", observed, "expected", expected))
                    .containsExactlyElementsOf(table(forms, "gateway", expected, "expected", expected));
            assertThat(trap.accepted() + trap6.accepted()).as("connections that reached a loopback trap").isZero();
        }
    }

    /** What the gateway answers for a form: the guard's message, or the header's own rule (no query, fragment, user info). */
    private static String gatewayRefusal(Form form) {
        java.net.URI uri;
        try {
            uri = new java.net.URI(form.url());
        } catch (java.net.URISyntaxException e) {
            return GATEWAY_INVALID;
        }
        if (form.message().equals(INVALID_URL) || uri.getRawQuery() != null || uri.getRawFragment() != null
                || uri.getRawUserInfo() != null) {
            return GATEWAY_INVALID;
        }
        return "Helicone-Target-Url refused: " + form.message();
    }

    private static final String GATEWAY_INVALID =
            "Helicone-Target-Url must be an absolute http(s) URL with a host and no query, e.g. https://api.together.xyz";

    @Test
    void redirectsToPrivateAddressesAreRecordedAsFailedAndNotFollowed() {
        // Receivers are plain http on loopback, so this server allows private destinations — a followed redirect
        // would really be sent. Hence a redirect to a loopback receiver first: only when that one is shown not to
        // be followed are redirects to private addresses sent.
        try (TestServer server = TestServer.builder(store).loopbackReceivers().retrySchedule("").start();
             Receiver target = new Receiver()) {
            List<String> interlock = deliverThroughRedirects(server, List.of(new Redirect(302, target.url())));
            assertThat(target.received()).as("the redirect to a loopback receiver was not followed").isEmpty();
            assertThat(interlock).containsExactly(expectedRedirect(new Redirect(302, target.url())));

            List<String> observed = deliverThroughRedirects(server, REDIRECTS);
            summary.redirects = 1 + REDIRECTS.size();
            summary.redirectsFailed = 1 + (int) REDIRECTS.stream().filter(r -> observed.contains(expectedRedirect(r))).count();
            assertThat(observed).containsExactlyElementsOf(REDIRECTS.stream().map(SsrfMatrixTest::expectedRedirect).toList());
        }
    }

    /** Each redirect from its own receiver, to one webhook of a fresh organization; what came of each. */
    private static List<String> deliverThroughRedirects(TestServer server, List<Redirect> redirects) {
        Api api = server.apiForNewKey("redirects-" + UUID.randomUUID());
        List<Receiver> receivers = new ArrayList<>();
        try {
            List<String> ids = new ArrayList<>();
            for (Redirect r : redirects) {
                Receiver receiver = new Receiver().answering(x ->
                        new MockResponse.Builder().code(r.status()).addHeader("Location", r.location()).build());
                receivers.add(receiver);
                ids.add(createdId(api, receiver.url()));
            }
            log(api);
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                    .until(() -> ids.stream().allMatch(id -> settledDelivery(api, id) != null));
            List<String> observed = new ArrayList<>();
            for (int i = 0; i < redirects.size(); i++) {
                JsonNode delivery = settledDelivery(api, ids.get(i));
                observed.add(redirects.get(i) + ": " + delivery.get("status").asText() + ", attempts "
                        + delivery.get("attempts").findValuesAsText("status_code") + ", requests received "
                        + receivers.get(i).received().size());
            }
            return observed;
        } finally {
            receivers.forEach(Receiver::close);
        }
    }

    private static String expectedRedirect(Redirect r) {
        return r + ": failed, attempts [" + r.status() + "], requests received 1";
    }

    // ---------------------------------------------------------------------------------------------------------
    // The forms

    /** How a webhook row comes to point at a form that the server, as configured now, refuses. */
    private enum Origin {
        /** Created while private (and http) destinations were allowed; served with both flags off since. */
        FLAGS_WERE_ON,
        /** Created while its name answered a public address; the name answers refused addresses since. */
        DNS_REBOUND,
        /** Written when the URL rules were looser; no API today accepts it. */
        OLDER_RULES
    }

    /** A destination the guard must refuse, the message it refuses it with, and for a name what it resolves to. */
    private record Form(String url, String message, List<String> answers) {

        Origin origin() {
            if (!answers.isEmpty()) {
                return Origin.DNS_REBOUND;
            }
            return message.equals(INVALID_URL) ? Origin.OLDER_RULES : Origin.FLAGS_WERE_ON;
        }

        String host() {
            return Destination.parse(url).host();
        }

        String[] answerArray() {
            return answers.toArray(String[]::new);
        }

        Form withPorts(int trapPort, int trap6Port) {
            return new Form(url.replace(TRAP, Integer.toString(trapPort)).replace(TRAP6, Integer.toString(trap6Port)),
                    message, answers);
        }

        @Override
        public String toString() {
            return url;
        }
    }

    private record Redirect(int status, String location) {
        @Override
        public String toString() {
            return status + " to " + location;
        }
    }

    private static Form refused(String url) {
        return refused(url, PRIVATE_REFUSED);
    }

    private static Form refused(String url, String message) {
        return new Form(url, message, List.of());
    }

    private static Form resolving(String url, String... answers) {
        return new Form(url, PRIVATE_REFUSED, List.of(answers));
    }

    private static Map<Form, String> expectedMessages(List<Form> forms) {
        Map<Form, String> expected = new LinkedHashMap<>();
        forms.forEach(f -> expected.put(f, f.message()));
        return expected;
    }

    /** One line per form, so that a failure shows every form that went wrong, and where, at once. */
    private static List<String> table(List<Form> forms, String first, Map<Form, String> firstOutcomes, String second,
            Map<Form, String> secondOutcomes) {
        return forms.stream().map(f -> f.url() + " | " + first + ": " + firstOutcomes.get(f) + " | " + second + ": "
                + secondOutcomes.get(f)).toList();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Talking to the server

    private static Api.Response create(Api api, String destination) {
        ObjectNode body = TestJson.object().put("destination", destination);
        body.putObject("config");
        return api.post("/v1/webhooks", body.toString());
    }

    private static Api.Response patchDestination(Api api, String webhookId, String destination) {
        return api.patch("/v1/webhooks/" + webhookId, TestJson.object().put("destination", destination).toString());
    }

    private static String createdId(Api api, String destination) {
        Api.Response r = create(api, destination);
        assertThat(r.status()).as("creating %s: %s", destination, r.body()).isEqualTo(200);
        return r.data().get("id").asText();
    }

    private static void log(Api api) {
        Api.Response r = api.post("/v1/request/log", Webhooks.log(UUID.randomUUID().toString(), "gpt-4o", "prod"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    /** The 400 envelope's message, or what came instead. */
    private static String refusal(Api.Response r) {
        boolean envelope = r.status() == 400 && r.json().get("data").isNull();
        return envelope ? r.error() : r.status() == 200 ? "accepted" : "HTTP " + r.status() + " " + r.body();
    }

    /** What the sender's first step makes of a URL: the guard's message, or null if it would connect. */
    private static String refusalBeforeConnecting(DestinationGuard guard, String url) {
        try {
            guard.resolveForSend(Destination.parse(url));
            return null;
        } catch (DestinationGuard.RefusedDestinationException e) {
            return e.getMessage();
        } catch (IllegalArgumentException e) {
            return INVALID_URL;
        }
    }

    /** The webhook's one delivery once it is no longer pending, else null. */
    private static JsonNode settledDelivery(Api api, String webhookId) {
        JsonNode items = api.get("/v1/webhooks/" + webhookId + "/deliveries").data().get("items");
        if (items.isEmpty() || items.get(0).get("status").asText().equals("pending")) {
            return null;
        }
        assertThat(items).as("deliveries of %s", webhookId).hasSize(1);
        return items.get(0);
    }

    /** The guard's message if the delivery failed on one attempt refused before connecting; else what happened. */
    private static String sendRefusal(JsonNode delivery) {
        JsonNode attempts = delivery.get("attempts");
        JsonNode first = attempts.get(0);
        boolean refusedBeforeConnecting = delivery.get("status").asText().equals("failed") && attempts.size() == 1
                && first.get("status_code").isNull() && first.get("latency_ms").asLong() == 0;
        return refusedBeforeConnecting ? first.get("error").asText() : delivery.toString();
    }

    private static String testRouteRefusal(Api.Response r) {
        JsonNode data = r.data();
        boolean refusedBeforeConnecting = r.status() == 200 && !data.get("success").asBoolean()
                && data.get("status_code").isNull() && data.get("latency_ms").asLong() == 0;
        return refusedBeforeConnecting ? data.get("message").asText() : "HTTP " + r.status() + " " + r.body();
    }

    /** What one store's run came to, printed when it ends. */
    private static final class Summary {
        final StoreKind store;
        final long startNanos;
        int forms;
        int refusedAtCreation;
        int refusedAtSend;
        int connections;
        int redirects;
        int redirectsFailed;
        int gatewayTargets;
        int gatewayRefused;

        Summary(StoreKind store, long startNanos) {
            this.store = store;
            this.startNanos = startNanos;
        }

        String line() {
            return "ssrf matrix (%s): %d forms, %d refused at creation, %d refused at send time, %d connections; "
                    .formatted(store, forms, refusedAtCreation, refusedAtSend, connections)
                    + "%d redirects recorded as failed and not followed, of %d; "
                    .formatted(redirectsFailed, redirects)
                    + "%d gateway targets refused with a 400, of %d; %.1f s"
                    .formatted(gatewayRefused, gatewayTargets, (System.nanoTime() - startNanos) / 1e9);
        }
    }
}
