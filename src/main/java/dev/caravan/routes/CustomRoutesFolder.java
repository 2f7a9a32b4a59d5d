package dev.caravan.routes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.caravan.config.InvalidSettingException;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operators' own route folder ({@code CUSTOM_ROUTES_DIR}, default {@code custom-routes/}), which Camel loads
 * next to {@code routes/}. Made to exist before Camel scans it (Camel refuses a pattern whose folder is missing), and
 * checked for the files Camel would skip without a word: a {@code .yml} name, or a file that holds no list of routes.
 * Only files ending in {@code .yaml} are routes; anything else (a README, {@code x.yaml.off}) is left alone.
 */
public final class CustomRoutesFolder {

    public static final String PROPERTY = "caravan.custom-routes-dir";
    public static final String VARIABLE = "CUSTOM_ROUTES_DIR";
    private static final Logger LOG = LoggerFactory.getLogger(CustomRoutesFolder.class);

    private final Path folder;

    public CustomRoutesFolder(Path folder) {
        this.folder = folder;
    }

    /**
     * @param setting the resolved {@value #PROPERTY}; null (an application.properties without it) means the default
     * @throws InvalidSettingException when it is blank: Camel's pattern would then read {@code /*.yaml}
     */
    public static CustomRoutesFolder of(String setting) {
        if (setting == null) {
            return new CustomRoutesFolder(Path.of("custom-routes"));
        }
        if (setting.isBlank()) {
            throw new InvalidSettingException(VARIABLE, PROPERTY, setting, "empty; name a folder, or leave it unset for"
                    + " custom-routes");
        }
        return new CustomRoutesFolder(Path.of(setting.strip()));
    }

    public Path folder() {
        return folder;
    }

    /**
     * Creates the folder when missing and checks its files, before Camel reads them.
     *
     * @return the route files Camel will load
     * @throws InvalidSettingException   when the folder cannot be created or is not a folder
     * @throws BrokenRouteFileException  for the first file Camel would skip or misread
     */
    public List<Path> prepare() {
        if (!Files.exists(folder)) {
            try {
                Files.createDirectories(folder);
            } catch (IOException e) {
                throw new InvalidSettingException(VARIABLE, PROPERTY, folder.toString(), "cannot create the folder: " + e);
            }
            LOG.info("Created {} for your own routes ({}): Caravan loads every *.yaml file in it at start",
                    RouteFiles.display(folder), VARIABLE);
        }
        if (!Files.isDirectory(folder)) {
            throw new InvalidSettingException(VARIABLE, PROPERTY, folder.toString(), "not a folder");
        }
        List<Path> entries;
        try (Stream<Path> listing = Files.list(folder)) {
            entries = listing.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new InvalidSettingException(VARIABLE, PROPERTY, folder.toString(), "cannot read the folder: " + e);
        }
        for (Path file : entries) {
            String name = file.getFileName().toString();
            if (name.endsWith(".yml")) {
                throw new BrokenRouteFileException(file, "", "Camel loads route files ending in .yaml only; rename it to "
                        + name.substring(0, name.length() - ".yml".length()) + ".yaml", null);
            }
        }
        List<Path> routes = entries.stream().filter(f -> f.getFileName().toString().endsWith(".yaml")).toList();
        for (Path file : routes) {
            checkShape(file);
        }
        if (!routes.isEmpty()) {
            LOG.info("Loading {} route file(s) of your own from {}: {}", routes.size(), RouteFiles.display(folder),
                    routes.stream().map(p -> p.getFileName().toString()).toList());
        }
        return routes;
    }

    /** Camel reads a top-level mapping as a Kubernetes resource and ignores it when it is not one: refuse it here. */
    private static void checkShape(Path file) {
        Object root;
        try {
            root = new Load(LoadSettings.builder().build()).loadFromString(Files.readString(file));
        } catch (IOException e) {
            throw new BrokenRouteFileException(file, "", "cannot be read: " + e, e);
        } catch (RuntimeException e) {
            // not valid YAML: Camel's parser reports it with the line and column
            return;
        }
        if (root == null) {
            throw new BrokenRouteFileException(file, "", "holds no routes (it is empty or only comments); add routes"
                    + " or rename it so that it does not end in .yaml", null);
        }
        if (root instanceof Map<?, ?> map && !(map.containsKey("apiVersion") && map.containsKey("kind"))) {
            throw new BrokenRouteFileException(file, "", "is a YAML mapping, not a list of routes, so Camel would skip"
                    + " it silently; a route file is a list (\"- route: ...\")", null);
        }
        if (!(root instanceof List<?>) && !(root instanceof Map<?, ?>)) {
            throw new BrokenRouteFileException(file, "", "is a single value, not a list of routes (\"- route: ...\")", null);
        }
    }
}
