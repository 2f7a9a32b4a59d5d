package dev.caravan.imagehost;

import dev.caravan.config.InvalidSettingException;
import dev.caravan.config.Settings;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.Registry;

/**
 * Wires the image-host beans under the names the routes use ({@code imageHost}, {@code imageUpload},
 * {@code imageUploadClient}), and checks at start that the host UPLOAD_PROVIDER names has a route.
 */
public final class ImageHostBeans {

    private ImageHostBeans() {
    }

    public static void bind(CamelContext context, Registry registry, Settings settings) {
        ImageUploadClient client = new ImageUploadClient(settings.imageUploadTimeoutSeconds() * 1000L);
        try {
            // the connection pool and the deadline timer go with the context
            context.addService(new org.apache.camel.support.service.ServiceSupport() {
                @Override
                protected void doStop() {
                    client.close();
                }
            }, true, false);
        } catch (Exception e) {
            throw new IllegalStateException("cannot register the image upload client's shutdown", e);
        }
        registry.bind("imageUploadClient", client);
        registry.bind("imageUpload", new ImageUpload(settings.imageUploadMaxBytes()));
        registry.bind("imageHost", new ImageHost(settings.imageHost()));
    }

    /**
     * The uploads of streamed images, when UPLOAD_PROVIDER is set (null otherwise: streams answer data URLs and cost
     * nothing more).
     */
    public static dev.caravan.dialect.openai.StreamedImages streamedImages(CamelContext context, Settings settings) {
        if (settings.imageHost().isEmpty()) {
            return null;
        }
        return new StreamedImageUploads(context.createProducerTemplate(), settings.imageHost(),
                settings.imageUploadTimeoutSeconds() * 1000L);
    }

    /**
     * Fails when UPLOAD_PROVIDER names a host that no loaded route serves (a typo, or a custom host whose file is
     * not in custom-routes/): every image would otherwise silently stay inline.
     */
    public static void requireRoute(CamelContext context, Settings settings) {
        if (settings.imageHost().isEmpty()) {
            return;
        }
        if (dev.caravan.routes.CoreRoutes.consumed(context, "direct:image-host-" + settings.imageHost())) {
            return;
        }
        throw new InvalidSettingException("UPLOAD_PROVIDER", "caravan.upload-provider", settings.imageHost(),
                "no route consumes direct:image-host-" + settings.imageHost() + "; the shipped hosts are smms, picgo and "
                        + "cloudflare_imgbed, and a host of your own is a route file in custom-routes/ (README \"Image hosts\")");
    }
}
