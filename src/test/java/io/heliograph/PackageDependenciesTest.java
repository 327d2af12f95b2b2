package io.heliograph;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The layout's rules, read from the sources: which top-level package under {@code io.heliograph}
 * refers to which (imports and fully qualified names alike). No two packages refer to each other,
 * directly or round a longer loop; the framework-free foundations ({@code store}, {@code json},
 * {@code api}, {@code destination}, {@code filter}) refer to no feature and nothing of Helidon.
 */
class PackageDependenciesTest {
    private static final Path MAIN = Path.of("src/main/java/io/heliograph");
    private static final Pattern REFERENCE = Pattern.compile("\\bio\\.heliograph\\.([a-z]+)(?:\\.[a-z]+)*\\.[A-Z]");
    private static final Set<String> FOUNDATIONS = Set.of("store", "json", "api", "destination", "filter");

    @Test
    void noPackageRefersBackToOneThatRefersToIt() throws IOException {
        Map<String, Set<String>> graph = graph();
        assertThat(graph).as("packages found").containsKeys("delivery", "webhook", "ingest", "store", "http");
        assertThat(cycles(graph)).as("package cycles in " + graph).isEmpty();
    }

    @Test
    void foundationsReferToNoFeatureAndNotToHelidon() throws IOException {
        Map<String, Set<String>> graph = graph();
        for (String foundation : FOUNDATIONS) {
            assertThat(graph.getOrDefault(foundation, Set.of())).as(foundation + " refers to")
                    .isSubsetOf(FOUNDATIONS);
            try (Stream<Path> files = Files.walk(MAIN.resolve(foundation))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    assertThat(Files.readString(file)).as(file + " uses Helidon").doesNotContain("io.helidon");
                }
            }
        }
    }

    /** Top-level package → the top-level packages its sources refer to (itself excluded). */
    static Map<String, Set<String>> graph() throws IOException {
        Map<String, Set<String>> graph = new TreeMap<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Path relative = MAIN.relativize(file);
                if (relative.getNameCount() < 2) {
                    continue; // Main.java: the command line, above every package
                }
                String from = relative.getName(0).toString();
                Set<String> to = graph.computeIfAbsent(from, k -> new TreeSet<>());
                Matcher m = REFERENCE.matcher(Files.readString(file));
                while (m.find()) {
                    if (!m.group(1).equals(from)) {
                        to.add(m.group(1));
                    }
                }
            }
        }
        return graph;
    }

    /** Strongly connected components with more than one package (Tarjan). */
    static List<Set<String>> cycles(Map<String, Set<String>> graph) {
        List<Set<String>> found = new ArrayList<>();
        Map<String, Integer> index = new TreeMap<>();
        Map<String, Integer> low = new TreeMap<>();
        List<String> stack = new ArrayList<>();
        for (String v : graph.keySet()) {
            if (!index.containsKey(v)) {
                connect(v, graph, index, low, stack, found);
            }
        }
        return found;
    }

    private static void connect(String v, Map<String, Set<String>> graph, Map<String, Integer> index, Map<String, Integer> low,
            List<String> stack, List<Set<String>> found) {
        index.put(v, index.size());
        low.put(v, index.get(v));
        stack.add(v);
        for (String w : graph.getOrDefault(v, Set.of())) {
            if (!index.containsKey(w)) {
                connect(w, graph, index, low, stack, found);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (stack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            Set<String> component = new TreeSet<>();
            String w;
            do {
                w = stack.remove(stack.size() - 1);
                component.add(w);
            } while (!w.equals(v));
            if (component.size() > 1) {
                found.add(component);
            }
        }
    }

    @Test
    void theCycleFinderFindsCycles() {
        Map<String, Set<String>> graph = new TreeMap<>(Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"), "d", Set.of("a")));
        assertThat(cycles(graph)).containsExactly(Set.of("a", "b", "c"));
        assertThat(cycles(Map.of("a", Set.of("b"), "b", Set.of()))).isEmpty();
    }
}
