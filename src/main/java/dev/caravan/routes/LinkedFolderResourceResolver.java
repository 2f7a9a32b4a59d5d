package dev.caravan.routes;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.function.Predicate;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.PackageScanResourceResolver;
import org.apache.camel.spi.Resource;
import org.apache.camel.spi.ResourceLoader;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.support.scan.DefaultPackageScanResourceResolver;

/**
 * Camel's scan of a {@code file:} route pattern, also when the pattern's folder is a symbolic link ({@code ln -s} to
 * routes kept elsewhere, a {@code CUSTOM_ROUTES_DIR} that points into a shared folder). Camel 4 walks the folder
 * without following links, so a linked folder gave no route at all and no word of it: Caravan started with none of
 * its endpoints. The files found are named under the link, as they would be in a plain folder, so that a route's
 * source reads the same either way. Links inside the folder were followed before and still are. Everything else
 * (classpath scans, plain folders) is Camel's own code. Thread-safe as Camel's is.
 */
public final class LinkedFolderResourceResolver extends DefaultPackageScanResourceResolver {

    /** Takes Camel's place as the context's resource scanner; before Camel reads the route patterns. */
    public static void install(CamelContext context) {
        LinkedFolderResourceResolver resolver = new LinkedFolderResourceResolver();
        resolver.setCamelContext(context);
        resolver.init();
        context.getCamelContextExtension().addContextPlugin(PackageScanResourceResolver.class, resolver);
    }

    @Override
    protected void findInFileSystem(File dir, Set<Resource> resources, String subPattern, Predicate<String> filter)
            throws Exception {
        Path folder = dir.toPath();
        if (!Files.isSymbolicLink(folder) || !Files.isDirectory(folder)) {
            super.findInFileSystem(dir, resources, subPattern, filter);
            return;
        }
        Path target = folder.toRealPath();
        ResourceLoader loader = PluginHelper.getResourceLoader(getCamelContext());
        for (Path found : ResourceHelper.findInFileSystem(target, subPattern)) {
            String name = folder.resolve(target.relativize(found)).toString();
            if (filter == null || filter.test(name)) {
                resources.add(loader.resolveResource("file:" + name));
            }
        }
    }
}
