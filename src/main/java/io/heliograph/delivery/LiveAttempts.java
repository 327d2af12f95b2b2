package io.heliograph.delivery;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Attempts as they are recorded, told to whoever listens for their organization (the dashboard's
 * live stream), after their transaction committed. In-process: a listener hears the attempts this
 * server made; with several servers on one PostgreSQL, each browser hears its own server's.
 */
public final class LiveAttempts {
    /** One recorded attempt, as the live stream shows it. */
    public record Event(String orgId, String webhookId, String deliveryId, String requestId, Attempt attempt, DeliveryStatus status) {
    }

    private final Map<String, List<Consumer<Event>>> listeners = new ConcurrentHashMap<>();

    /** Listens to the organization's attempts until the answer is closed. A listener must not block. */
    public AutoCloseable listen(String orgId, Consumer<Event> listener) {
        listeners.computeIfAbsent(orgId, k -> new CopyOnWriteArrayList<>()).add(listener);
        return () -> listeners.computeIfPresent(orgId, (k, list) -> {
            list.remove(listener);
            return list.isEmpty() ? null : list;
        });
    }

    void publish(List<DeliveryStore.Recorded> recorded) {
        if (listeners.isEmpty()) {
            return;
        }
        for (DeliveryStore.Recorded r : recorded) {
            List<Consumer<Event>> list = listeners.get(r.claimed().orgId());
            if (list == null) {
                continue;
            }
            Event e = new Event(r.claimed().orgId(), r.claimed().webhookId(), r.claimed().id(), r.claimed().requestId(), r.attempt(),
                    r.outcome().status());
            for (Consumer<Event> l : list) {
                l.accept(e);
            }
        }
    }
}
