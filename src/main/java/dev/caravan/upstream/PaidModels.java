package dev.caravan.upstream;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which calls go with PAID_KEY when their route named no pool: those for a model in PAID_MODELS or for
 * CREATE_IMAGE_MODEL (image generation is what the paid key is for, gemini-balance's rule). Every other call, text
 * above all, uses the default pool. When PAID_KEY is unset the {@value Upstream#PAID_POOL} pool is the default pool,
 * so these calls use it too. Immutable; thread-safe.
 */
public final class PaidModels implements UpstreamRequest.PoolChoice {

    private final Set<String> models;

    public PaidModels(List<String> paidModels, String createImageModel) {
        Set<String> all = new LinkedHashSet<>(paidModels);
        if (createImageModel != null && !createImageModel.isEmpty()) {
            all.add(createImageModel);
        }
        this.models = Set.copyOf(all);
    }

    @Override
    public String poolFor(String model) {
        return models.contains(model) ? Upstream.PAID_POOL : null;
    }
}
