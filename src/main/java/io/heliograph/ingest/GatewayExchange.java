package io.heliograph.ingest;

/**
 * One exchange the gateway carried, as it saw it: raw bytes, still in their content encodings.
 * {@link GatewayLogFormat} turns it into a log.
 *
 * @param provider         who served it: the route's provider, or for the generic gateway the one its
 *                         target host names ({@code CUSTOM} when none)
 * @param upstreamUrl      the URL the request went to
 * @param startedAt        when the gateway received the request (epoch ms)
 * @param endedAt          when the exchange ended: last byte to the caller, or the failure (epoch ms)
 * @param firstByteAt      when the first byte of the upstream's body arrived (epoch ms), else null
 * @param requestBody      the request body as received; null when it was too large to keep
 * @param status           the status the caller got: the upstream's, or the gateway's own 502/504
 * @param responseBody     the response body as received (or the gateway's own error body); null
 *                         when it was too large to keep
 */
public record GatewayExchange(
        LogIdentity identity,
        String provider,
        boolean omitRequest,
        boolean omitResponse,
        String upstreamUrl,
        long startedAt,
        long endedAt,
        Long firstByteAt,
        byte[] requestBody,
        String requestContentType,
        String requestContentEncoding,
        int status,
        byte[] responseBody,
        String responseContentType,
        String responseContentEncoding,
        Outcome outcome) {
}
