package io.heliograph.delivery;

import java.util.Locale;
import java.util.Optional;

/** Where a delivery stands. */
public enum DeliveryStatus {
    /** Waiting for its next attempt (or for its webhook to be enabled again). */
    PENDING,
    /** A 2xx answered. */
    DELIVERED,
    /** The schedule is exhausted (or the destination answered 410); it can be retried by hand. */
    FAILED,
    /** Its webhook was deleted before it was delivered. */
    CANCELLED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<DeliveryStatus> parse(String text) {
        for (DeliveryStatus s : values()) {
            if (s.wire().equals(text)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
