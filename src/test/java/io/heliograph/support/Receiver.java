package io.heliograph.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/** A webhook receiver on loopback (MockWebServer3) that records every delivery and answers as told. */
public final class Receiver implements AutoCloseable {
    /** One received request: headers (lower-cased names), the exact body bytes, when it arrived. */
    public record Received(Map<String, String> headers, byte[] body, long receivedAtMillis) {
        public String header(String name) {
            return headers.get(name.toLowerCase(java.util.Locale.ROOT));
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** The payload's {@code request_id}: which logged request this delivery is about. */
        public String requestId() {
            return TestJson.parse(body).get("request_id").asText();
        }
    }

    private final MockWebServer server = new MockWebServer();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile Function<Received, MockResponse> answer = r -> new MockResponse.Builder().code(200).body("ok").build();

    public Receiver() {
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                Map<String, String> headers = new TreeMap<>();
                request.getHeaders().forEach(p -> headers.put(p.getFirst().toLowerCase(java.util.Locale.ROOT), p.getSecond()));
                Received r = new Received(headers, request.getBody() == null ? new byte[0] : request.getBody().toByteArray(),
                        System.currentTimeMillis());
                MockResponse response = answer.apply(r);
                received.add(r);
                return response;
            }
        });
        try {
            server.start(InetAddress.getLoopbackAddress(), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How to answer from now on. */
    public Receiver answering(Function<Received, MockResponse> how) {
        answer = how;
        return this;
    }

    public static MockResponse status(int code) {
        return new MockResponse.Builder().code(code).body("status " + code).build();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getPort() + "/hook";
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    @Override
    public void close() {
        server.close();
    }
}
