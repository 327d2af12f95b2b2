package io.heliograph.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.heliograph.api.ApiException;
import io.heliograph.api.PageRequest;
import io.heliograph.destination.Destination;
import io.heliograph.http.AuthFilter;
import io.heliograph.http.Envelope;
import io.heliograph.http.JsonBodies;
import io.heliograph.http.Paging;
import io.heliograph.http.PathIds;
import io.heliograph.ingest.RequestLog;
import io.heliograph.ingest.RequestLogStore;
import io.heliograph.json.IsoTime;
import io.heliograph.json.Json;
import io.heliograph.webhook.Webhook;
import io.heliograph.webhook.WebhookService;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A webhook's deliveries: the log of attempts, retrying one, recovering the failed ones, sending a
 * test, per-webhook stats — and the signed body links that payloads point to.
 */
public final class DeliveryRoutes implements HttpService {
    static final String DELIVERY_NOT_FOUND = "Delivery not found";
    static final String LINK_INVALID = "Link invalid or expired";
    static final String BAD_SINCE = "since must be an ISO-8601 time such as 2026-01-15T10:30:00.000Z";
    private static final Pattern DELIVERY_ID = Pattern.compile("msg_[0-9a-f]{32}");

    private final WebhookService webhooks;
    private final DeliveryStore deliveries;
    private final Sender sender;
    private final Runnable wake;
    private final Clock clock;
    private final Payloads payloads;
    private final RequestLogStore logs;

    public DeliveryRoutes(WebhookService webhooks, DeliveryStore deliveries, Sender sender, Runnable wake, Clock clock, Payloads payloads,
            RequestLogStore logs) {
        this.payloads = payloads;
        this.logs = logs;
        this.webhooks = webhooks;
        this.deliveries = deliveries;
        this.sender = sender;
        this.wake = wake;
        this.clock = clock;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/{id}/test", this::test)
                .get("/{id}/deliveries", this::list)
                .post("/{id}/deliveries/{deliveryId}/retry", this::retry)
                .get("/{id}/deliveries/{deliveryId}/payload", this::payload)
                .post("/{id}/recover", this::recover)
                .get("/{id}/stats", this::stats)
                .get("/{id}/series", this::series);
    }

    static final String BAD_WINDOW = "window must be hour or day";

    /** The windows of {@code /series}: bucket width and count. */
    private enum SeriesWindow {
        HOUR(Duration.ofMinutes(1), 60), DAY(Duration.ofMinutes(15), 96);

        final long widthMs;
        final int count;

        SeriesWindow(Duration width, int count) {
            this.widthMs = width.toMillis();
            this.count = count;
        }
    }

    /** Deliveries per bucket and latency percentiles, from the per-minute rollups; the newest bucket holds now. */
    private void series(ServerRequest req, ServerResponse res) {
        Webhook webhook = webhook(req);
        SeriesWindow window = switch (req.query().first("window").orElse("hour")) {
            case "hour" -> SeriesWindow.HOUR;
            case "day" -> SeriesWindow.DAY;
            default -> throw ApiException.badRequest(BAD_WINDOW);
        };
        long from = Math.floorDiv(clock.millis(), window.widthMs) * window.widthMs - (window.count - 1) * window.widthMs;
        ObjectNode data = Json.object();
        data.put("window", window.name().toLowerCase(java.util.Locale.ROOT));
        data.put("bucket_seconds", window.widthMs / 1000);
        AttemptRollups.Series series = deliveries.rollups().series(webhook.orgId(), webhook.id(), from, window.widthMs, window.count);
        AttemptRollups.Point total = series.total();
        data.putObject("total").put("attempts", total.succeeded() + total.failed()).put("successes", total.succeeded())
                .put("failures", total.failed()).put("p50_latency_ms", total.p50LatencyMs()).put("p99_latency_ms", total.p99LatencyMs());
        ArrayNode points = data.putArray("points");
        for (AttemptRollups.Point p : series.points()) {
            points.addObject().put("at", IsoTime.format(p.at())).put("succeeded", p.succeeded()).put("failed", p.failed())
                    .put("p50_latency_ms", p.p50LatencyMs()).put("p99_latency_ms", p.p99LatencyMs());
        }
        Envelope.ok(res, data);
    }

    /**
     * {@code GET /v1/webhooks/health}: every attempted webhook of the caller's organization, its last
     * hour from the rollups and its last attempt ever. Registered before the webhook routes, whose
     * {@code /{id}} would otherwise take "health" for an id.
     */
    public static HttpService health(DeliveryStore deliveries, Clock clock) {
        return rules -> rules.get("/health", (req, res) -> {
            String org = AuthFilter.caller(req).orgId();
            ObjectNode data = Json.object();
            ArrayNode items = data.putArray("items");
            for (AttemptRollups.Health h : deliveries.rollups().health(org, clock.millis() - Duration.ofHours(1).toMillis())) {
                ObjectNode item = items.addObject();
                item.put("webhook_id", h.webhookId());
                item.put("attempts", h.attempts());
                item.put("successes", h.successes());
                if (h.attempts() == 0) {
                    item.putNull("success_rate");
                } else {
                    item.put("success_rate", Math.round(10_000.0 * h.successes() / h.attempts()) / 10_000.0);
                }
                item.put("p99_latency_ms", h.p99LatencyMs());
                item.put("last_attempt_at", h.lastAttemptAt() == null ? null : IsoTime.format(h.lastAttemptAt()));
            }
            Envelope.ok(res, data);
        });
    }

    private Webhook webhook(ServerRequest req) {
        return webhooks.get(AuthFilter.caller(req).orgId(), PathIds.uuid(req, "id", WebhookService.NOT_FOUND));
    }

    /** Sends a sample now and answers what happened; whatever goes wrong is a result, never a 500. */
    private void test(ServerRequest req, ServerResponse res) {
        Webhook webhook = webhook(req);
        long now = clock.millis();
        String id = "msg_test" + java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 24);
        Sender.Result result;
        try {
            byte[] body = Payloads.sample(webhook, now);
            result = sender.send(webhook.destination(), Dispatcher.headers(webhook, id, body, now), body);
        } catch (RuntimeException e) {
            result = Sender.Result.notSent("Could not send: " + e, clock.millis() - now);
        }
        ObjectNode data = Json.object();
        data.put("success", result.succeeded());
        data.put("status_code", result.statusCode());
        data.put("latency_ms", result.latencyMs());
        data.put("message", result.succeeded() ? "Delivered (HTTP " + result.statusCode() + ")"
                : result.statusCode() != null ? "Destination answered HTTP " + result.statusCode() : result.error());
        Envelope.ok(res, data);
    }

    private void list(ServerRequest req, ServerResponse res) {
        Webhook webhook = webhook(req);
        Optional<DeliveryStatus> status = req.query().first("status").asOptional().filter(s -> !s.isEmpty())
                .map(s -> DeliveryStatus.parse(s).orElseThrow(() ->
                        ApiException.badRequest("status must be one of pending, delivered, failed, cancelled")));
        DeliveryStore.Page page = deliveries.page(webhook.orgId(), webhook.id(), status, Paging.of(req));
        ObjectNode data = Json.object();
        ArrayNode items = data.putArray("items");
        page.items().forEach(d -> items.add(json(d)));
        data.put("next_cursor", page.nextCursor());
        Envelope.ok(res, data);
    }

    private static String deliveryId(ServerRequest req) {
        String id = req.path().pathParameters().first("deliveryId").orElse("");
        if (!DELIVERY_ID.matcher(id).matches()) {
            throw ApiException.notFound(DELIVERY_NOT_FOUND);
        }
        return id;
    }

    /**
     * The body an attempt of the delivery sends, built as the dispatcher builds it: from the stored log
     * and the webhook as it is now. Attempts differ only in a body link's expiry and signature.
     */
    private void payload(ServerRequest req, ServerResponse res) {
        Webhook webhook = webhook(req);
        Delivery delivery = deliveries.find(webhook.orgId(), webhook.id(), deliveryId(req))
                .orElseThrow(() -> ApiException.notFound(DELIVERY_NOT_FOUND));
        RequestLog log = logs.find(webhook.orgId(), delivery.requestId()).orElseThrow(() -> ApiException.notFound("Request not found"));
        ObjectNode data = Json.object();
        data.put("delivery_id", delivery.id());
        data.putRawValue("payload", new RawValue(new String(payloads.build(webhook, log), java.nio.charset.StandardCharsets.UTF_8)));
        Envelope.ok(res, data);
    }

    private void retry(ServerRequest req, ServerResponse res) {
        Webhook webhook = webhook(req);
        String id = deliveryId(req);
        Delivery delivery = deliveries.retryNow(webhook.orgId(), webhook.id(), id)
                .orElseThrow(() -> ApiException.notFound(DELIVERY_NOT_FOUND));
        wake.run();
        Envelope.ok(res, json(delivery));
    }

    private void recover(ServerRequest req, ServerResponse res) {
        Webhook webhook = webhook(req);
        JsonNode body = JsonBodies.read(req);
        JsonNode since = body.isObject() ? body.get("since") : null;
        if (since == null || !since.isTextual()) {
            throw ApiException.badRequest(BAD_SINCE);
        }
        long sinceMillis;
        try {
            sinceMillis = DateTimeFormatter.ISO_OFFSET_DATE_TIME.parse(since.textValue(), Instant::from).toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException e) {
            throw ApiException.badRequest(BAD_SINCE);
        }
        int count = deliveries.recover(webhook.orgId(), webhook.id(), sinceMillis);
        wake.run();
        Envelope.ok(res, Json.object().put("count", count));
    }

    private void stats(ServerRequest req, ServerResponse res) {
        Webhook webhook = webhook(req);
        long now = clock.millis();
        AttemptStats stats = deliveries.stats(webhook.orgId(), webhook.id(), now - Duration.ofDays(1).toMillis(),
                now - Duration.ofHours(1).toMillis());
        ObjectNode data = Json.object();
        data.set("last_hour", window(stats.lastHour()));
        data.set("last_day", window(stats.lastDay()));
        Envelope.ok(res, data);
    }

    private static ObjectNode window(AttemptStats.Window w) {
        ObjectNode node = Json.object();
        node.put("attempts", w.attempts());
        node.put("successes", w.successes());
        node.put("failures", w.failures());
        node.put("p50_latency_ms", w.p50LatencyMs());
        node.put("p99_latency_ms", w.p99LatencyMs());
        return node;
    }

    static ObjectNode json(Delivery d) {
        ObjectNode node = Json.object();
        node.put("id", d.id());
        node.put("request_id", d.requestId());
        node.put("status", d.status().wire());
        node.put("attempts_count", d.attemptsCount());
        node.put("next_attempt_at", d.status() == DeliveryStatus.PENDING && d.nextAttemptAt() != null
                ? IsoTime.format(d.nextAttemptAt()) : null);
        node.put("created_at", IsoTime.format(d.createdAt()));
        ArrayNode attempts = node.putArray("attempts");
        for (Attempt a : d.attempts()) {
            ObjectNode attempt = attempts.addObject();
            attempt.put("attempt", a.number());
            attempt.put("attempted_at", IsoTime.format(a.attemptedAt()));
            attempt.put("status_code", a.statusCode());
            attempt.put("latency_ms", a.latencyMs());
            attempt.put("error", a.error());
            attempt.put("response_body", a.responseBody());
        }
        return node;
    }

    /**
     * {@code GET /bodies/{requestId}?org=&expires=&signature=}: a log's whole bodies, for holders of a
     * signed link. The answer is {@code {"request_id","request","response"}} at the top level, not in
     * the envelope: receivers written from Helicone's docs read {@code request} and {@code response}
     * straight off the fetched JSON. Refusals stay in the envelope, as everywhere else.
     */
    public static HttpService bodies(BodyLinks links, RequestLogStore logs) {
        return rules -> rules.get("/bodies/{requestId}", (req, res) -> {
            String requestId = PathIds.uuid(req, "requestId", LINK_INVALID);
            String org = req.query().first("org").orElse("");
            String signature = req.query().first("signature").orElse("");
            long expires;
            try {
                expires = Long.parseLong(req.query().first("expires").orElse(""));
            } catch (NumberFormatException e) {
                throw ApiException.of(403, LINK_INVALID);
            }
            if (!links.valid(org, requestId, expires, signature)) {
                throw ApiException.of(403, LINK_INVALID);
            }
            RequestLog log = logs.find(org, requestId).orElseThrow(() -> ApiException.notFound("Request not found"));
            ObjectNode bodies = Json.object();
            bodies.put("request_id", log.id());
            putRaw(bodies, "request", log.requestBody());
            putRaw(bodies, "response", log.responseBody());
            res.status(Status.OK_200);
            res.header(HeaderNames.CONTENT_TYPE, "application/json");
            res.send(Json.write(bodies));
        });
    }

    private static void putRaw(ObjectNode node, String name, String json) {
        if (json == null) {
            node.putNull(name);
        } else {
            node.putRawValue(name, new RawValue(json));
        }
    }
}
