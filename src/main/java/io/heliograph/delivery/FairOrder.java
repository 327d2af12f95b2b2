package io.heliograph.delivery;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * An order in which to serve items so that no group goes first by accident of how they were listed:
 * one item of each group in turn, the groups (and the items within each) rotated by {@code rotation}
 * so that each call starts elsewhere. Pure.
 */
final class FairOrder {
    private FairOrder() {
    }

    static <T, G> List<T> interleave(List<T> items, Function<T, G> group, long rotation) {
        Map<G, List<T>> byGroup = new LinkedHashMap<>();
        for (T item : items) {
            byGroup.computeIfAbsent(group.apply(item), g -> new ArrayList<>()).add(item);
        }
        List<List<T>> groups = new ArrayList<>(byGroup.values());
        if (groups.isEmpty()) {
            return List.of();
        }
        int start = (int) Math.floorMod(rotation, (long) groups.size());
        List<T> out = new ArrayList<>(items.size());
        for (int round = 0; out.size() < items.size(); round++) {
            for (int i = 0; i < groups.size(); i++) {
                List<T> g = groups.get((start + i) % groups.size());
                if (round < g.size()) {
                    out.add(g.get((int) ((round + Math.floorMod(rotation, (long) g.size())) % g.size())));
                }
            }
        }
        return out;
    }
}
