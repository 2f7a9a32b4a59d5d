package dev.caravan.dialect.openai;

import java.util.List;
import java.util.Map;

/**
 * The operator's model settings that shape OpenAI-dialect traffic ({@code SEARCH_MODELS}, {@code IMAGE_MODELS},
 * {@code THINKING_MODELS}, {@code THINKING_BUDGET_MAP}, {@code FILTERED_MODELS}) and the derived model ids they
 * create. A suffix is only honoured when its base model is in the matching list, because Google itself ships ids
 * that end in {@code -image}. Immutable; thread-safe.
 *
 * @param searchModels      models offered as {@code <m>-search}
 * @param imageModels       models offered as {@code <m>-image}
 * @param thinkingModels    models offered as {@code <m>-non-thinking}
 * @param thinkingBudgetMap a thinking budget per base model, used when the client gives no {@code reasoning_effort}
 * @param filteredModels    model ids hidden from {@code /v1/models}
 * @param createImageModel  CREATE_IMAGE_MODEL, offered as {@code <m>-chat}: a chat message answered with images
 *                          (gemini-balance's image chat model); null or empty for none
 */
public record ModelAliases(List<String> searchModels, List<String> imageModels, List<String> thinkingModels,
                           Map<String, Integer> thinkingBudgetMap, List<String> filteredModels, String createImageModel) {

    static final String SEARCH = "-search";
    static final String IMAGE = "-image";
    static final String NON_THINKING = "-non-thinking";
    static final String CHAT = "-chat";

    /** Without an image chat model. */
    public ModelAliases(List<String> searchModels, List<String> imageModels, List<String> thinkingModels,
                        Map<String, Integer> thinkingBudgetMap, List<String> filteredModels) {
        this(searchModels, imageModels, thinkingModels, thinkingBudgetMap, filteredModels, null);
    }

    public ModelAliases {
        searchModels = searchModels == null ? List.of() : List.copyOf(searchModels);
        imageModels = imageModels == null ? List.of() : List.copyOf(imageModels);
        thinkingModels = thinkingModels == null ? List.of() : List.copyOf(thinkingModels);
        thinkingBudgetMap = thinkingBudgetMap == null ? Map.of() : Map.copyOf(thinkingBudgetMap);
        filteredModels = filteredModels == null ? List.of() : List.copyOf(filteredModels);
        createImageModel = createImageModel == null || createImageModel.isEmpty() ? null : createImageModel;
    }

    /** No aliases, no budgets, nothing filtered. */
    public static ModelAliases none() {
        return new ModelAliases(List.of(), List.of(), List.of(), Map.of(), List.of());
    }

    /** Resolves a client's model id (a leading {@code models/} is dropped) to the model to call and its feature. */
    public ModelAlias resolve(String requested) {
        String id = requested.startsWith("models/") ? requested.substring("models/".length()) : requested;
        ModelAlias alias = suffix(requested, id, NON_THINKING, thinkingModels, ModelAlias.Feature.NON_THINKING);
        if (alias == null) {
            alias = suffix(requested, id, SEARCH, searchModels, ModelAlias.Feature.SEARCH);
        }
        if (alias == null) {
            alias = suffix(requested, id, IMAGE, imageModels, ModelAlias.Feature.IMAGE);
        }
        if (alias == null && createImageModel != null) {
            // <CREATE_IMAGE_MODEL>-chat: the image model itself, asked for text and images
            alias = suffix(requested, id, CHAT, List.of(createImageModel), ModelAlias.Feature.IMAGE);
        }
        return alias != null ? alias : new ModelAlias(requested, id, ModelAlias.Feature.NONE);
    }

    /** The operator's thinking budget for a base model, or null when none is configured. */
    public Integer thinkingBudget(String model) {
        return thinkingBudgetMap.get(model);
    }

    public boolean filtered(String model) {
        return filteredModels.contains(model);
    }

    private static ModelAlias suffix(String requested, String id, String suffix, List<String> bases,
                                     ModelAlias.Feature feature) {
        if (!id.endsWith(suffix)) {
            return null;
        }
        String base = id.substring(0, id.length() - suffix.length());
        return bases.contains(base) ? new ModelAlias(requested, base, feature) : null;
    }
}
