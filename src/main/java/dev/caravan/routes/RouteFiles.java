package dev.caravan.routes;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The route files that {@code camel.main.routes-include-pattern} names ({@code file:} entries only), read again
 * when a start fails, to tell which file declares a route id. Not thread-safe; built and used on the start thread.
 */
public final class RouteFiles {

    private final List<Path> files;

    private RouteFiles(List<Path> files) {
        this.files = files;
    }

    /** @param includePattern Camel's comma-separated pattern, e.g. {@code file:routes/*.camel.yaml,file:custom-routes/*.yaml} */
    public static RouteFiles matching(String includePattern) {
        List<Path> files = new ArrayList<>();
        if (includePattern == null) {
            return new RouteFiles(files);
        }
        for (String entry : includePattern.split(",")) {
            String pattern = entry.trim();
            if (!pattern.startsWith("file:")) {
                continue;
            }
            Path glob = Path.of(pattern.substring("file:".length()));
            Path folder = glob.getParent() == null ? Path.of("") : glob.getParent();
            PathMatcher name = FileSystems.getDefault().getPathMatcher("glob:" + glob.getFileName());
            if (!Files.isDirectory(folder)) {
                continue;
            }
            try (Stream<Path> listing = Files.list(folder)) {
                listing.filter(p -> name.matches(p.getFileName())).sorted().forEach(files::add);
            } catch (IOException e) {
                // unreadable now: the diagnosis simply cannot name a file from this folder
            }
        }
        return new RouteFiles(files);
    }

    /** The files whose top-level {@code - route:} entries declare {@code routeId}, in pattern order. */
    public List<Path> declaring(String routeId) {
        List<Path> found = new ArrayList<>();
        for (Path file : files) {
            for (String id : routeIds(file)) {
                if (id.equals(routeId)) {
                    found.add(file);
                }
            }
        }
        return found;
    }

    /** Route ids in the order the file declares them (a repeated id appears twice); empty when unreadable. */
    static List<String> routeIds(Path file) {
        List<String> ids = new ArrayList<>();
        Object root;
        try {
            root = new Load(LoadSettings.builder().build()).loadFromString(Files.readString(file));
        } catch (IOException | RuntimeException e) {
            return ids;
        }
        if (root instanceof List<?> entries) {
            for (Object entry : entries) {
                if (entry instanceof Map<?, ?> m && m.get("route") instanceof Map<?, ?> route
                        && route.get("id") != null) {
                    ids.add(route.get("id").toString());
                }
            }
        }
        return ids;
    }

    /** A file as an operator reads it: relative to the working directory when inside it, else absolute. */
    public static String display(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        Path workingDirectory = Path.of("").toAbsolutePath();
        return absolute.startsWith(workingDirectory) ? workingDirectory.relativize(absolute).toString() : absolute.toString();
    }

    /** Camel's resource location ({@code file:routes/x.camel.yaml}) as a path, or null for other schemes. */
    public static Path fromLocation(String location) {
        if (location == null || !location.startsWith("file:")) {
            return null;
        }
        return Path.of(location.substring("file:".length()));
    }
}
