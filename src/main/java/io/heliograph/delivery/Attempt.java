package io.heliograph.delivery;

/**
 * One attempt to deliver: what the receiver answered, or why there was no answer.
 *
 * @param statusCode   the HTTP status, null when none arrived (refused, timed out, blocked)
 * @param responseBody the first 4 KiB of the answer, as text
 */
public record Attempt(int number, long attemptedAt, Integer statusCode, long latencyMs, String error, String responseBody) {
    public boolean succeeded() {
        return statusCode != null && statusCode >= 200 && statusCode < 300;
    }
}
