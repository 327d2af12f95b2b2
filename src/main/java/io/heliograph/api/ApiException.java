package io.heliograph.api;

/**
 * A request the API refuses. The message goes to the caller as the envelope's {@code error}, the
 * status as the HTTP status; {@code http.ErrorMapping} is the one place that turns it into a response.
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String retryAfterSeconds;

    private ApiException(int status, String message, String retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, message, null);
    }

    public static ApiException unauthorized() {
        return new ApiException(401, "Unauthorized", null);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, message, null);
    }

    public static ApiException tooLarge(String message) {
        return new ApiException(413, message, null);
    }

    public static ApiException unsupportedMediaType(String message) {
        return new ApiException(415, message, null);
    }

    public static ApiException unavailable(String message) {
        return new ApiException(503, message, null);
    }

    /** 503 with a {@code Retry-After} of {@code retryAfterSeconds}: come back, the server is busy. */
    public static ApiException unavailable(String message, String retryAfterSeconds) {
        return new ApiException(503, message, retryAfterSeconds);
    }

    public static ApiException of(int status, String message) {
        return new ApiException(status, message, null);
    }

    public int status() {
        return status;
    }

    /** Seconds for a {@code Retry-After} header, or null. */
    public String retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
