package dev.caravan.routes;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.camel.CamelContext;
import org.apache.camel.FailedToCreateRouteException;
import org.apache.camel.FailedToStartRouteException;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteDefinition;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;

/**
 * A route file Caravan cannot run. The message is one line: {@code route file <file>[, line L, column C][, route
 * <id>][, at <step>]: <reason>}, where the reason is Camel's own (its first line), so nothing Camel said is lost and
 * the operator knows which file to open.
 */
public final class BrokenRouteFileException extends RuntimeException {

    private static final Pattern FILE_LOCATION = Pattern.compile("file:([^\\s,;)'\"]+\\.ya?ml)");
    private static final Pattern DUPLICATE_IDS = Pattern.compile("(?i)duplicate route ids? detected:? ([\\w\\-]+(?:, ?[\\w\\-]+)*)");
    private static final Pattern FAILED_STEP = Pattern.compile(" at: >>> (.+?) <<< in route");
    private static final String BECAUSE = " because: ";

    private final transient Path file;

    public BrokenRouteFileException(Path file, String details, String reason, Throwable cause) {
        super("route file " + RouteFiles.display(file) + details + ": " + reason, cause);
        this.file = file;
    }

    /** The file to fix. */
    public Path file() {
        return file;
    }

    /**
     * Names the route file behind a failed start and what is wrong with it, when Camel's exception allows it.
     *
     * @param failure what Camel Main threw while loading, creating or starting the routes
     * @param files   the files the include pattern names (to find who declares a duplicated id)
     * @param context the context that failed, whose model knows each route's source file; may be null
     */
    public static Optional<BrokenRouteFileException> explain(Throwable failure, RouteFiles files, CamelContext context) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = failure; t != null && !chain.contains(t); t = t.getCause()) {
            if (t instanceof BrokenRouteFileException broken) {
                return Optional.of(broken);
            }
            chain.add(t);
        }
        // the YAML parser and Camel's YAML DSL point at the file, line and column
        for (Throwable t : chain) {
            if (t instanceof MarkedYamlEngineException marked) {
                Optional<BrokenRouteFileException> found = marked(marked, failure);
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        for (Throwable t : chain) {
            String message = String.valueOf(t.getMessage());
            Matcher duplicate = DUPLICATE_IDS.matcher(message);
            if (duplicate.find()) {
                Optional<BrokenRouteFileException> found = duplicate(duplicate.group(1), firstLine(message.substring(duplicate.start())), files, failure);
                if (found.isPresent()) {
                    return found;
                }
            }
            if (t instanceof FailedToCreateRouteException || t instanceof FailedToStartRouteException) {
                Optional<BrokenRouteFileException> found = routeFailure(t, context, files, failure);
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        // any other message that names a route file ("Resource is empty: file:...", "Error pre-parsing resource: ...")
        for (Throwable t : chain) {
            Matcher location = FILE_LOCATION.matcher(String.valueOf(t.getMessage()));
            if (location.find()) {
                return Optional.of(new BrokenRouteFileException(Path.of(location.group(1)), "",
                        firstLine(deepest(chain).getMessage()), failure));
            }
        }
        return Optional.empty();
    }

    private static Optional<BrokenRouteFileException> marked(MarkedYamlEngineException e, Throwable failure) {
        Optional<Mark> where = e.getProblemMark().or(e::getContextMark);
        Path file = where.map(Mark::getName).map(RouteFiles::fromLocation).orElse(null);
        if (file == null) {
            return Optional.empty();
        }
        String reason = firstLine(e.getProblem());
        String context = e.getContext();
        if (context != null && !context.isBlank()) {
            // e.g. "while parsing a flow sequence": the place the parser started from is often where the mistake is
            reason += " (" + context.strip() + e.getContextMark().map(m -> ", " + lineAndColumn(m)).orElse("") + ")";
        }
        return Optional.of(new BrokenRouteFileException(file, ", " + lineAndColumn(where.get()), reason, failure));
    }

    private static Optional<BrokenRouteFileException> duplicate(String ids, String reason, RouteFiles files, Throwable failure) {
        for (String id : ids.split(", ?")) {
            List<Path> declaring = files.declaring(id);
            if (declaring.isEmpty()) {
                continue;
            }
            // the file read last (an operator's, after routes/) is the one that reused the id
            Path blamed = declaring.get(declaring.size() - 1);
            List<String> others = declaring.subList(0, declaring.size() - 1).stream().distinct()
                    .map(p -> p.equals(blamed) ? "this file" : RouteFiles.display(p)).toList();
            String details = ", route id " + id + (others.isEmpty() ? "" : " (also in " + String.join(", ", others) + ")");
            return Optional.of(new BrokenRouteFileException(blamed, details, reason, failure));
        }
        return Optional.empty();
    }

    private static Optional<BrokenRouteFileException> routeFailure(Throwable e, CamelContext context, RouteFiles files,
            Throwable failure) {
        String routeId = e instanceof FailedToCreateRouteException c ? c.getRouteId() : ((FailedToStartRouteException) e).getRouteId();
        String location = e instanceof FailedToCreateRouteException c ? c.getLocation() : ((FailedToStartRouteException) e).getLocation();
        Path file = RouteFiles.fromLocation(sourceOf(location));
        if (file == null && routeId != null) {
            file = sourceFile(context, routeId);
        }
        if (file == null && routeId != null) {
            List<Path> declaring = files.declaring(routeId);
            file = declaring.isEmpty() ? null : declaring.get(0);
        }
        if (file == null) {
            return Optional.empty();
        }
        String message = String.valueOf(e.getMessage());
        String details = routeId == null ? "" : ", route " + routeId;
        Matcher step = FAILED_STEP.matcher(message);
        if (step.find()) {
            details += ", at " + step.group(1);
        }
        int because = message.indexOf(BECAUSE);
        String reason = because >= 0 ? firstLine(message.substring(because + BECAUSE.length()))
                : firstLine(e.getCause() != null ? e.getCause().getMessage() : message);
        return Optional.of(new BrokenRouteFileException(file, details, reason, failure));
    }

    /** Camel writes a location as {@code file:x.yaml:12} (file and line) or as the bare resource. */
    private static String sourceOf(String location) {
        if (location == null) {
            return null;
        }
        Matcher m = FILE_LOCATION.matcher(location);
        return m.find() ? "file:" + m.group(1) : null;
    }

    private static Path sourceFile(CamelContext context, String routeId) {
        if (context == null) {
            return null;
        }
        try {
            Model model = context.getCamelContextExtension().getContextPlugin(Model.class);
            RouteDefinition route = model == null ? null : model.getRouteDefinition(routeId);
            return route == null || route.getResource() == null ? null : RouteFiles.fromLocation(route.getResource().getLocation());
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String lineAndColumn(Mark mark) {
        return "line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
    }

    private static Throwable deepest(List<Throwable> chain) {
        return chain.get(chain.size() - 1);
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        String stripped = text.strip();
        int end = stripped.indexOf('\n');
        return (end < 0 ? stripped : stripped.substring(0, end)).strip();
    }
}
