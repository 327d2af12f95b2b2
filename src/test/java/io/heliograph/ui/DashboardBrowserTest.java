package io.heliograph.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.heliograph.support.Api;
import io.heliograph.support.Chromium;
import io.heliograph.support.Receiver;
import io.heliograph.support.StoreKind;
import io.heliograph.support.TestServer;
import io.heliograph.support.Webhooks;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

/**
 * The dashboard in a real browser (headless Chromium), on each store, as a user meets it: signing in
 * and out, making a webhook (a bad URL's message at its field, then a good one), sending a test,
 * a delivery arriving live, retry and recover, rotating and deleting, hostile log contents left
 * inert, another organization's ids giving nothing, and a webhook made with the keyboard alone.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(StoreKind.class)
class DashboardBrowserTest {
    @Parameter
    StoreKind store;

    static TestServer server;
    static Chromium chromium;

    @BeforeParameterizedClassInvocation
    static void start(StoreKind store) {
        // One attempt per delivery: a failure is final at once, so retry and recover have something to do.
        server = TestServer.builder(store).loopbackReceivers().retrySchedule("").start();
        chromium = Chromium.start(1280, 900);
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        chromium.close();
        server.close();
    }

    @AfterEach
    void signOut() {
        chromium.driver().manage().deleteAllCookies();
        chromium.resize(1280, 900);
    }

    private static String newOrgKey() {
        return server.apiForNewKey("org-" + UUID.randomUUID()).apiKey();
    }

    private static void signIn(String key) {
        chromium.open(server.baseUrl() + "/");
        chromium.shown("#signin-key").sendKeys(key + Keys.ENTER);
        chromium.shown("#app-header");
    }

    private static void go(String hash) {
        chromium.open(server.baseUrl() + "/#" + hash);
    }

    private static String text(String css) {
        return chromium.shown(css).getText();
    }

    @Test
    void signInWithAKeyIntoAnHttpOnlySessionAndSignOut() {
        String org = "org-" + UUID.randomUUID();
        String key = server.apiForNewKey(org).apiKey();
        chromium.open(server.baseUrl() + "/");
        WebElement field = chromium.shown("#signin-key");
        assertThat(chromium.script("return document.activeElement.id")).as("the key is the first field, focused").isEqualTo("signin-key");
        field.sendKeys("hg_not_a_key" + Keys.ENTER);
        chromium.until(d -> text("#signin-error").contains("Invalid API key"));

        field.clear();
        field.sendKeys(key + Keys.ENTER);
        chromium.until(d -> text("#session-org").equals(org));
        Cookie cookie = chromium.driver().manage().getCookieNamed("hg_session");
        assertThat(cookie.isHttpOnly()).isTrue();
        assertThat(cookie.getSameSite()).isEqualTo("Strict");
        assertThat(cookie.isSecure()).isFalse();
        assertThat((String) chromium.script("return document.cookie")).doesNotContain("hg_session");
        assertThat((String) chromium.script("return JSON.stringify(localStorage) + JSON.stringify(sessionStorage) + location.href"))
                .as("the key is kept nowhere a script or a URL can see it").doesNotContain(key);

        chromium.clickButton("Sign out");
        chromium.shown("#signin-key");
        Object status = chromium.driver().executeAsyncScript(
                "const done = arguments[0]; fetch('/ui/session').then(r => done(r.status));");
        assertThat(((Number) status).intValue()).isEqualTo(401);
    }

    @Test
    void aRevokedKeyEndsItsSessionInTheBrowser() {
        Api admin = server.apiForNewKey("org-" + UUID.randomUUID());
        JsonNode write = admin.post("/v1/keys", "{\"scope\":\"write\"}").data();
        signIn(write.get("key").asText());
        assertThat(chromium.all("#nav-keys").stream().noneMatch(WebElement::isDisplayed)).as("keys are for admin keys").isTrue();
        admin.delete("/v1/keys/" + write.get("id").asText());
        go("/requests");
        chromium.shown("#signin-key");
    }

    @Test
    void makeAWebhookSendATestWatchADeliveryArriveRotateAndDelete() {
        String key = newOrgKey();
        Api api = server.api().withKey(key);
        try (Receiver receiver = new Receiver()) {
            signIn(key);
            chromium.clickButton("New webhook");
            chromium.shown("#wh-destination").sendKeys("not a url");
            chromium.find("#wh-submit").click();
            chromium.until(d -> text("#wh-destination-error").equals("Invalid destination URL"));
            assertThat(chromium.find("#wh-destination").getAttribute("aria-invalid")).isEqualTo("true");
            assertThat(api.get("/v1/webhooks").data()).isEmpty();

            chromium.find("#wh-destination").clear();
            chromium.find("#wh-destination").sendKeys(receiver.url());
            chromium.find("#wh-submit").click();
            chromium.until(d -> api.get("/v1/webhooks").data().size() == 1);
            JsonNode webhook = api.get("/v1/webhooks").data().get(0);
            String id = webhook.get("id").asText();
            chromium.until(d -> d.getCurrentUrl().endsWith("#/webhooks/" + id));

            chromium.clickButton("Send test");
            chromium.until(d -> text("#test-result").contains("Delivered (HTTP 200)"));
            assertThat(receiver.received()).hasSize(1);

            // A delivery shows up on the open page, live, with no reload.
            Object marker = chromium.script("window.__notReloaded = true; return 1");
            assertThat(marker).isNotNull();
            String requestId = UUID.randomUUID().toString();
            assertThat(api.post("/v1/request/log", Webhooks.log(requestId, "gpt-4o", "prod")).status()).isEqualTo(200);
            chromium.clickInRow("tr.delivery-row", row -> row.contains("delivered"), "Details");
            assertThat(chromium.script("return window.__notReloaded")).isEqualTo(true);
            chromium.until(d -> chromium.find("tr.delivery-details:not([hidden]) .payload-body").getText().contains(requestId));
            assertThat(chromium.find("tr.delivery-details:not([hidden])").getText()).contains("HTTP 200");

            chromium.find("#reveal-hmac-key").click();
            String before = text("#secret-hmac-key");
            assertThat(before).isEqualTo(webhook.get("hmac_key").asText());
            chromium.find("#webhook-rotate").click();
            chromium.clickShown("#confirm-ok");
            chromium.until(d -> !api.get("/v1/webhooks/" + id).data().get("hmac_key").asText().equals(before));
            String after = api.get("/v1/webhooks/" + id).data().get("hmac_key").asText();
            if (!text("#secret-hmac-key").equals(after)) {
                chromium.find("#reveal-hmac-key").click();
            }
            chromium.until(d -> text("#secret-hmac-key").equals(after));

            chromium.find("#webhook-delete").click();
            assertThat(text("#confirm-title")).isEqualTo("Delete this webhook?");
            chromium.clickShown("#confirm-ok");
            chromium.until(d -> d.getCurrentUrl().endsWith("#/webhooks"));
            await().atMost(Duration.ofSeconds(10)).until(() -> api.get("/v1/webhooks").data().isEmpty());
        }
    }

    @Test
    void retryOneFailedDeliveryThenRecoverTheRest() {
        String key = newOrgKey();
        Api api = server.api().withKey(key);
        try (Receiver receiver = new Receiver()) {
            receiver.answering(r -> Receiver.status(500));
            String id = Webhooks.create(api, receiver.url(), "{}", false).get("id").asText();
            signIn(key);
            go("/webhooks/" + id);
            chromium.shown("#deliveries-table");
            for (int i = 0; i < 3; i++) {
                api.post("/v1/request/log", Webhooks.log(UUID.randomUUID().toString(), "gpt-4o", "prod"));
            }
            chromium.until(d -> failedRows().size() == 3);
            receiver.answering(r -> Receiver.status(200));

            String deliveryId = chromium.until(d -> {
                WebElement first = failedRows().get(0);
                String rowId = first.getAttribute("data-delivery-id");
                first.findElement(org.openqa.selenium.By.xpath(".//button[normalize-space()='Details']")).click();
                return rowId;
            });
            chromium.clickShown("tr.delivery-details:not([hidden]) .delivery-retry");
            chromium.until(d -> deliveryStatus(api, id, deliveryId).equals("delivered"));
            chromium.until(d -> failedRows().size() == 2);

            chromium.find("#recover-button").click();
            chromium.until(d -> text("#recover-result").equals("Queued 2 deliveries"));
            chromium.until(d -> failedRows().isEmpty());
            await().atMost(Duration.ofSeconds(15)).until(() -> receiver.received().size() == 3 + 1 + 2);
        }
    }

    private static List<WebElement> failedRows() {
        return chromium.all("tr.delivery-row").stream().filter(r -> r.getText().contains("failed")).toList();
    }

    private static String deliveryStatus(Api api, String webhookId, String deliveryId) {
        for (JsonNode d : api.get("/v1/webhooks/" + webhookId + "/deliveries?limit=100").data().get("items")) {
            if (d.get("id").asText().equals(deliveryId)) {
                return d.get("status").asText();
            }
        }
        return "absent";
    }

    @Test
    void editAWebhooksFiltersTestingTheExpressionFirstThenDisableAndEnableIt() {
        String key = newOrgKey();
        Api api = server.api().withKey(key);
        String id = Webhooks.create(api, "http://127.0.0.1:9/edit-me", "{}", false).get("id").asText();
        api.post("/v1/request/log", Webhooks.log(UUID.randomUUID().toString(), "gpt-4o", "prod"));
        api.post("/v1/request/log", Webhooks.log(UUID.randomUUID().toString(), "gpt-4o-mini", "prod"));
        signIn(key);
        go("/webhooks/" + id);
        chromium.clickButton("Edit");
        WebElement filter = chromium.shown("#wh-filter");
        filter.sendKeys("{\"model\": {\"$eq\": ");
        chromium.find("#wh-filter-test").click();
        chromium.until(d -> text("#wh-filter-error").equals("Filter expression is not valid JSON"));
        filter.clear();
        filter.sendKeys("{\"status\": {\"$gte\": \"x\"}}");
        chromium.find("#wh-submit").click();
        chromium.until(d -> text("#wh-filter-error").startsWith("Invalid filter at /config/filter/status/$gte"));
        filter.clear();
        filter.sendKeys("{\"model\": {\"$eq\": \"gpt-4o-mini\"}}");
        chromium.find("#wh-filter-test").click();
        chromium.until(d -> text("#wh-filter-test-result").equals("matched 1 of 2 recent requests"));
        WebElement rate = chromium.find("#wh-sample-rate");
        rate.clear();
        rate.sendKeys("250");
        chromium.find("#wh-submit").click();
        chromium.until(d -> text("#wh-sample-rate-error").equals("Sample rate must be between 0 and 100"));
        rate.clear();
        rate.sendKeys("12.5");
        chromium.clickButton("Add property filter");
        chromium.shown("#wh-property-filters input.pf-key").sendKeys("Environment");
        chromium.find("#wh-property-filters input.pf-value").sendKeys("prod");
        chromium.find("#wh-submit").click();
        chromium.until(d -> d.getCurrentUrl().endsWith("#/webhooks/" + id));
        JsonNode config = api.get("/v1/webhooks/" + id).data().get("config");
        assertThat(config.get("sampleRate").asDouble()).isEqualTo(12.5);
        assertThat(config.get("filter").toString()).isEqualTo("{\"model\":{\"$eq\":\"gpt-4o-mini\"}}");
        assertThat(config.get("propertyFilters").toString()).isEqualTo("[{\"key\":\"Environment\",\"value\":\"prod\"}]");

        chromium.clickButton("Disable");
        chromium.until(d -> !api.get("/v1/webhooks/" + id).data().get("enabled").asBoolean());
        chromium.clickButton("Enable");
        chromium.until(d -> api.get("/v1/webhooks/" + id).data().get("enabled").asBoolean());
    }

    static final String[] HOSTILE = {
        "<script>window.__xss = 'script'</script>",
        "<img src=x onerror=\"window.__xss = 'img'\">",
        "javascript:window.__xss='href'",
        "\"><svg onload=\"window.__xss='svg'\">",
    };

    @Test
    void hostileLogContentsRenderAsInertText() {
        String key = newOrgKey();
        Api api = server.api().withKey(key);
        String requestId = UUID.randomUUID().toString();
        StringBuilder props = new StringBuilder();
        for (int i = 0; i < HOSTILE.length; i++) {
            props.append(i == 0 ? "" : ",").append(json(HOSTILE[i])).append(':').append(json(HOSTILE[(i + 1) % HOSTILE.length]));
        }
        String log = """
                {"request_id":"%s","model":%s,"provider":"openai","user_id":%s,"properties":{%s},
                 "request":{"model":"gpt-4o","messages":[{"role":"user","content":%s}]},
                 "response":{"choices":[{"message":{"role":"assistant","content":%s}}]},
                 "status":200,"started_at":"2026-01-15T10:30:00.000Z","ended_at":"2026-01-15T10:30:00.930Z"}"""
                .formatted(requestId, json(HOSTILE[0]), json(HOSTILE[2]), props, json(HOSTILE[1]), json(HOSTILE[3]));
        assertThat(api.post("/v1/request/log", log).status()).isEqualTo(200);
        Webhooks.create(api, "http://127.0.0.1:9/" + "%3Cscript%3E", "{\"propertyFilters\":[{\"key\":" + json(HOSTILE[1]) + ",\"value\":"
                + json(HOSTILE[0]) + "}]}", false);

        signIn(key);
        chromium.untilText("127.0.0.1:9");
        go("/requests");
        chromium.until(d -> chromium.find("#requests-body").getText().contains("<script>"));
        go("/requests/" + requestId);
        String page = chromium.untilText("onerror");
        for (String h : HOSTILE) {
            assertThat(page).as("shown as text").contains(h.substring(0, 12));
        }
        assertThat(chromium.script("return window.__xss === undefined")).as("no script ran").isEqualTo(true);
        assertThat(chromium.script("return document.querySelectorAll('main script, main img, main svg[onload], main [onerror], main a[href^=\"javascript\"]').length"))
                .isEqualTo(0L);
        try {
            chromium.driver().switchTo().alert();
            throw new AssertionError("an alert opened");
        } catch (NoAlertPresentException expected) {
            // nothing ran
        }
    }

    private static String json(String s) {
        try {
            return io.heliograph.support.TestJson.MAPPER.writeValueAsString(s);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void anotherOrganizationsIdsShowNothing() {
        String key = newOrgKey();
        Api other = server.apiForNewKey("org-" + UUID.randomUUID());
        String theirs = Webhooks.create(other, "http://127.0.0.1:9/theirs-secret-path", "{}", false).get("id").asText();
        String theirRequest = UUID.randomUUID().toString();
        other.post("/v1/request/log", Webhooks.log(theirRequest, "their-model", "prod"));

        signIn(key);
        chromium.shown("#webhooks-empty");
        go("/webhooks/" + theirs);
        assertThat(chromium.untilText("Webhook not found")).doesNotContain("theirs-secret-path");
        go("/requests/" + theirRequest);
        assertThat(chromium.untilText("Request not found")).doesNotContain("their-model");
        go("/requests");
        chromium.shown("#requests-empty");
        assertThat(chromium.find("main").getText()).doesNotContain("their-model");
    }

    @Test
    void anAdminMakesAKeyShownOnceAndRevokesItButNotTheLastAdminKey() {
        Api admin = server.apiForNewKey("org-" + UUID.randomUUID());
        signIn(admin.apiKey());
        chromium.clickButton("API keys");
        chromium.shown("#key-name").sendKeys("backend");
        new org.openqa.selenium.support.ui.Select(chromium.find("#key-scope")).selectByValue("write");
        chromium.find("#key-create").click();
        String made = text("#new-key");
        assertThat(made).startsWith("hg_");
        assertThat(admin.withKey(made).get("/v1/webhooks").status()).as("the key shown works").isEqualTo(200);
        JsonNode listed = admin.get("/v1/keys").data();
        assertThat(listed).hasSize(2);
        assertThat(listed.get(0).get("scope").asText()).isEqualTo("write");
        chromium.find("#new-key-done").click();
        chromium.until(d -> chromium.all("#new-key").stream().noneMatch(WebElement::isDisplayed));
        assertThat(chromium.find("main").getText()).as("shown once").doesNotContain(made);

        chromium.clickInRow("#keys-table tbody tr", row -> row.contains("backend"), "Revoke");
        chromium.clickShown("#confirm-ok");
        chromium.until(d -> admin.withKey(made).get("/v1/webhooks").status() == 401);

        chromium.clickInRow("#keys-table tbody tr", row -> row.contains("admin") && !row.contains("backend") && !row.contains("write"), "Revoke");
        chromium.clickShown("#confirm-ok");
        chromium.untilText("The last admin key of an organization cannot be revoked");
        assertThat(admin.get("/v1/webhooks").status()).isEqualTo(200);
    }

    @Test
    void aWebhookCanBeMadeWithTheKeyboardAlone() {
        String key = newOrgKey();
        Api api = server.api().withKey(key);
        chromium.open(server.baseUrl() + "/");
        chromium.shown("#signin-key");
        Actions keys = new Actions(chromium.driver());
        keys.sendKeys(key).sendKeys(Keys.ENTER).perform();
        chromium.shown("#new-webhook");
        tabTo("new-webhook");
        keys.sendKeys(Keys.ENTER).perform();
        chromium.shown("#wh-destination");
        tabTo("wh-destination");
        keys.sendKeys("http://127.0.0.1:9/typed").perform();
        tabTo("wh-submit");
        keys.sendKeys(Keys.ENTER).perform();
        chromium.until(d -> api.get("/v1/webhooks").data().size() == 1);
        assertThat(api.get("/v1/webhooks").data().get(0).get("destination").asText()).isEqualTo("http://127.0.0.1:9/typed");
    }

    /** Presses Tab until the element with this id has the focus (at most 60 times). */
    private static void tabTo(String id) {
        Actions keys = new Actions(chromium.driver());
        for (int i = 0; i < 60; i++) {
            if (id.equals(chromium.script("return document.activeElement && document.activeElement.id"))) {
                return;
            }
            keys.sendKeys(Keys.TAB).perform();
        }
        throw new AssertionError("Tab never reached #" + id);
    }

    @Test
    void everyPageIsLabelledAndFitsANarrowScreenInLightAndDark() {
        String key = newOrgKey();
        Api api = server.api().withKey(key);
        Webhooks.create(api, "http://127.0.0.1:9/a-rather-long-destination-path/that/keeps/going?and=has&a=query", "{}", false);
        Receiver receiver = new Receiver().answering(r -> Receiver.status(r.requestId().startsWith("f") ? 503 : 200));
        String id = Webhooks.create(api, receiver.url(), "{\"propertyFilters\":[{\"key\":\"Environment\",\"value\":\"prod\"}]}", true)
                .get("id").asText();
        String requestId = UUID.randomUUID().toString();
        api.post("/v1/request/log", Webhooks.log(requestId, "gpt-4o", "prod"));
        for (int i = 0; i < 12; i++) {
            String first = i % 4 == 3 ? "f" : "0";
            api.post("/v1/request/log", Webhooks.log(first + UUID.randomUUID().toString().substring(1), i % 2 == 0 ? "gpt-4o" : "gpt-4o-mini", "prod"));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> receiver.received().size() == 13);
        receiver.close();
        signIn(key);
        Map<String, String> pages = new java.util.LinkedHashMap<>();
        pages.put("webhooks", "#webhooks-table");
        pages.put("webhooks/new", "#wh-destination");
        pages.put("webhooks/" + id, "#deliveries-table");
        pages.put("requests", "#requests-table");
        pages.put("requests/" + requestId, "#request-facts");
        pages.put("live", "#live-status");
        pages.put("keys", "#keys-table");
        for (int width : new int[] {1280, 375}) {
            chromium.resize(width, 900);
            for (Map.Entry<String, String> p : pages.entrySet()) {
                go("/" + p.getKey());
                chromium.shown(p.getValue());
                Object unlabelled = chromium.script("""
                        return [...document.querySelectorAll('input, select, textarea')]
                          .filter(e => e.type !== 'hidden' && e.labels.length === 0 && !e.getAttribute('aria-label'))
                          .map(e => e.id || e.name || e.outerHTML.slice(0, 60));""");
                assertThat((List<?>) unlabelled).as(p.getKey() + ": every control has a label").isEmpty();
                Screenshots.take(chromium, store, p.getKey(), width);
                Object overflow = chromium.script("return document.documentElement.scrollWidth - document.documentElement.clientWidth");
                Object widest = chromium.script("return [...document.querySelectorAll('body *')]"
                        + ".filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1 && !e.closest('.table-wrap'))"
                        + ".slice(0, 4).map(e => e.tagName + '#' + e.id + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"
                        + ".join(', ') + ' (viewport ' + document.documentElement.clientWidth + ')'");
                assertThat(((Number) overflow).intValue()).as(p.getKey() + " at " + width + " px: no sideways scrolling: " + widest)
                        .isLessThanOrEqualTo(0);
            }
        }
        chromium.resize(1280, 900);
        go("/webhooks");
        chromium.shown("#webhooks-table");
        String light = (String) chromium.script("return getComputedStyle(document.body).backgroundColor");
        chromium.driver().executeCdpCommand("Emulation.setEmulatedMedia",
                Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", "dark"))));
        String dark = (String) chromium.script("return getComputedStyle(document.body).backgroundColor");
        assertThat(dark).as("follows the system's dark preference").isNotEqualTo(light);
        Screenshots.take(chromium, store, "webhooks-dark", 1280);
        chromium.driver().executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features", List.of()));
        chromium.driver().manage().deleteAllCookies();
        chromium.open(server.baseUrl() + "/");
        chromium.shown("#signin-key");
        Screenshots.take(chromium, store, "signin", 1280);
        chromium.resize(375, 900);
        Screenshots.take(chromium, store, "signin", 375);
    }
}
