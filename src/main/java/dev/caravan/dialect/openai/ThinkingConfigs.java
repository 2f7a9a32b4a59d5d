package dev.caravan.dialect.openai;

import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.http.CompactJsonNodes;

/**
 * Decides Gemini's {@code thinkingConfig} from, in this order: a {@code -non-thinking} alias (budget 0, or 128 for
 * models whose id contains {@code pro}, which cannot stop thinking); the client's {@code reasoning_effort}; the
 * operator's {@code THINKING_BUDGET_MAP}. {@code reasoning_effort} becomes a {@code thinkingLevel} on Gemini 3
 * models (ids starting {@code gemini-3}), which Google recommends over budgets there, and a budget elsewhere, with
 * the budgets of Google's own OpenAI surface (1024 / 1024 / 8192 / 24576). Levels a model family does not accept are
 * moved to the nearest one it does: Gemini 3 Pro takes only {@code low} and {@code high}. Any effort but
 * {@code none} also asks for thought summaries, so that the client gets {@code reasoning_content}, and so does a
 * budget from the map (gemini-balance's SHOW_THINKING_PROCESS), unless the operator turned thoughts off. Thread-safe.
 */
final class ThinkingConfigs {

    private static final Map<String, Integer> BUDGETS = Map.of(
            "minimal", 1024, "low", 1024, "medium", 8192, "high", 24576);
    private static final Map<String, String> PRO_LEVELS = Map.of(
            "none", "low", "minimal", "low", "low", "low", "medium", "high", "high", "high");
    private static final Map<String, String> FLASH_LEVELS = Map.of(
            "none", "minimal", "minimal", "minimal", "low", "low", "medium", "medium", "high", "high");

    private final java.util.function.Supplier<ModelAliases> aliases;
    private final java.util.function.Supplier<ChatFeatures> features;

    ThinkingConfigs(java.util.function.Supplier<ModelAliases> aliases, java.util.function.Supplier<ChatFeatures> features) {
        this.aliases = aliases;
        this.features = features;
    }

    /** The thinking config to send, or null to leave the model's default. */
    ObjectNode thinkingConfig(String effort, ModelAlias alias) {
        String model = alias.model();
        if (alias.is(ModelAlias.Feature.NON_THINKING)) {
            return budget(lowestBudget(model));
        }
        boolean show = features.get().showThinking();
        if (effort != null) {
            return fromEffort(effort, model, show);
        }
        Integer configured = aliases.get().thinkingBudget(model);
        if (configured == null) {
            return null;
        }
        ObjectNode config = budget(configured);
        if (show && configured != 0) {
            config.put("includeThoughts", true);
        }
        return config;
    }

    private static ObjectNode fromEffort(String effort, String model, boolean show) {
        if (!FLASH_LEVELS.containsKey(effort)) {
            throw new InvalidOpenAiRequest(
                    "reasoning_effort '" + effort + "' is not one of none, minimal, low, medium, high",
                    "reasoning_effort");
        }
        ObjectNode config;
        if (model.startsWith("gemini-3")) {
            String level = (isPro(model) ? PRO_LEVELS : FLASH_LEVELS).get(effort);
            config = CompactJsonNodes.INSTANCE.objectNode().put("thinkingLevel", level);
        } else {
            config = budget(effort.equals("none") ? lowestBudget(model) : BUDGETS.get(effort));
        }
        if (show && !effort.equals("none")) {
            config.put("includeThoughts", true);
        }
        return config;
    }

    static int lowestBudget(String model) {
        return isPro(model) ? 128 : 0;
    }

    private static boolean isPro(String model) {
        return model.contains("pro");
    }

    private static ObjectNode budget(int tokens) {
        return CompactJsonNodes.INSTANCE.objectNode().put("thinkingBudget", tokens);
    }
}
