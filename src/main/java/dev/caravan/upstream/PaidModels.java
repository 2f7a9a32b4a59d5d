package dev.caravan.upstream;

import java.util.List;
import java.util.function.Supplier;

/**
 * Which calls go with PAID_KEY when their route named no pool: those for a model in PAID_MODELS or for
 * CREATE_IMAGE_MODEL (image generation is what the paid key is for, gemini-balance's rule). Every other call, text
 * above all, uses the default pool. When PAID_KEY is unset the {@value Upstream#PAID_POOL} pool is the default pool,
 * so these calls use it too. Both settings are read at each call: an operator may change CREATE_IMAGE_MODEL on the
 * admin page, and the model it names from then on must go with the paid key (the one it replaced no longer does).
 * Thread-safe when its suppliers are.
 */
public final class PaidModels implements UpstreamRequest.PoolChoice {

    private final Supplier<List<String>> paidModels;
    private final Supplier<String> createImageModel;

    /** @param paidModels PAID_MODELS in force; @param createImageModel CREATE_IMAGE_MODEL in force (empty: none) */
    public PaidModels(Supplier<List<String>> paidModels, Supplier<String> createImageModel) {
        this.paidModels = paidModels;
        this.createImageModel = createImageModel;
    }

    /** Fixed lists, for tests and tools. */
    public PaidModels(List<String> paidModels, String createImageModel) {
        this(() -> paidModels, () -> createImageModel);
    }

    @Override
    public String poolFor(String model) {
        if (model == null) {
            return null;
        }
        String image = createImageModel.get();
        return model.equals(image) || paidModels.get().contains(model) ? Upstream.PAID_POOL : null;
    }
}
