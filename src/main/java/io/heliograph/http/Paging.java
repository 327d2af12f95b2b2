package io.heliograph.http;

import io.helidon.webserver.http.ServerRequest;
import io.heliograph.api.PageRequest;

/** A list route's paging, read from its query ({@code limit}, {@code cursor}). */
public final class Paging {
    private Paging() {
    }

    public static PageRequest of(ServerRequest req) {
        return PageRequest.parse(req.query().first("limit").orElse(null), req.query().first("cursor").orElse(null));
    }
}
