// The packages of streams-app form a stack: the graph of their imports (src/main) has no cycle.
package io.neurostream.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

class PackageGraphTest {
    private static final Path SOURCES = Path.of("src/main/java");
    private static final Pattern PACKAGE = Pattern.compile("^package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);
    /** An import of a class (or its members) of another app package: the package is everything before the first capitalised name. */
    private static final Pattern IMPORT = Pattern.compile("^import\\s+(?:static\\s+)?(io\\.neurostream\\.app(?:\\.[a-z]\\w*)*)\\.(?:[A-Z*])",
            Pattern.MULTILINE);

    /** Package → the app packages its main sources import. */
    static Map<String, Set<String>> graph(Path root) throws IOException {
        Map<String, Set<String>> graph = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String text = Files.readString(file);
                Matcher p = PACKAGE.matcher(text);
                if (!p.find()) {
                    continue;
                }
                Set<String> imports = graph.computeIfAbsent(p.group(1), k -> new TreeSet<>());
                for (Matcher m = IMPORT.matcher(text); m.find(); ) {
                    if (!m.group(1).equals(p.group(1))) {
                        imports.add(m.group(1));
                    }
                }
            }
        }
        return graph;
    }

    /** One cycle of the graph (its packages in import order, the first repeated at the end), or an empty list when it has none. */
    static List<String> cycle(Map<String, Set<String>> graph) {
        Map<String, Integer> state = new TreeMap<>(); // absent: unvisited, 1: on the current path, 2: done
        for (String start : graph.keySet()) {
            List<String> path = new ArrayList<>();
            List<String> found = visit(start, graph, state, path);
            if (!found.isEmpty()) {
                return found;
            }
        }
        return List.of();
    }

    private static List<String> visit(String node, Map<String, Set<String>> graph, Map<String, Integer> state, List<String> path) {
        Integer s = state.get(node);
        if (s != null && s == 2) {
            return List.of();
        }
        if (s != null) {
            List<String> loop = new ArrayList<>(path.subList(path.indexOf(node), path.size()));
            loop.add(node);
            return loop;
        }
        state.put(node, 1);
        path.add(node);
        for (String next : graph.getOrDefault(node, Set.of())) {
            List<String> found = visit(next, graph, state, path);
            if (!found.isEmpty()) {
                return found;
            }
        }
        path.remove(path.size() - 1);
        state.put(node, 2);
        return List.of();
    }

    @Test
    void shouldImportNoPackageThatImportsItBack() throws IOException {
        Map<String, Set<String>> graph = graph(SOURCES);
        assertTrue(graph.containsKey("io.neurostream.app.topology"), "the sources are read from " + SOURCES.toAbsolutePath());
        assertEquals(List.of(), cycle(graph), "package import cycle (each imports the next): " + cycle(graph));
    }

    @Test
    void shouldFindACycleWhereThereIsOne() {
        Map<String, Set<String>> graph = new TreeMap<>(Map.of("a", Set.of("b"), "b", Set.of("c"), "c", new TreeSet<>(Set.of("a", "d")), "d", Set.of()));
        assertEquals(List.of("a", "b", "c", "a"), cycle(graph));
        assertEquals(List.of(), cycle(Map.of("a", Set.of("b", "c"), "b", Set.of("c"), "c", Set.of())));
    }
}
