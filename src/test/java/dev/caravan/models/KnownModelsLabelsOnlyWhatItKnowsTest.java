package dev.caravan.models;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Labels name configured and learned models only; learning stops at the cap and never takes what is no model id. */
class KnownModelsLabelsOnlyWhatItKnowsTest {

    private final KnownModels models = new KnownModels();

    @Test
    void namesConfiguredModelsAndCallsTheRestOther() {
        models.configure(List.of("gemini-2.5-flash", "models/gemini-2.5-pro", "not a model"));

        assertThat(models.label("gemini-2.5-flash")).isEqualTo("gemini-2.5-flash");
        assertThat(models.label("gemini-2.5-pro")).isEqualTo("gemini-2.5-pro");
        assertThat(models.label("invented-1")).isEqualTo(KnownModels.OTHER);
        assertThat(models.label("not a model")).isEqualTo(KnownModels.OTHER);
        assertThat(models.label(null)).isNull();
    }

    @Test
    void aNewConfigurationReplacesTheOldOne() {
        models.configure(List.of("gemini-2.5-flash"));
        models.configure(List.of("gemini-2.5-pro"));

        assertThat(models.label("gemini-2.5-flash")).isEqualTo(KnownModels.OTHER);
        assertThat(models.label("gemini-2.5-pro")).isEqualTo("gemini-2.5-pro");
    }

    @Test
    void learnsUpToTheCapAndNoFurther() {
        for (int i = 0; i < 500; i++) {
            models.learn("answered-" + i);
        }

        assertThat(models.learnedCount()).isEqualTo(KnownModels.MAX_LEARNED);
        assertThat(models.label("answered-0")).isEqualTo("answered-0");
        assertThat(models.label("answered-" + KnownModels.MAX_LEARNED)).isEqualTo(KnownModels.OTHER);
    }

    @Test
    void neverLearnsWhatIsNoModelId() {
        models.learnAll(List.of("a".repeat(64 * 1024), "x\r\ny", "../files", "models/gemini-2.0-flash"));

        assertThat(models.learnedCount()).isEqualTo(1);
        assertThat(models.label("gemini-2.0-flash")).isEqualTo("gemini-2.0-flash");
    }

    @Test
    void givesEveryCallerTheSameStringForAModel() {
        models.learn(new String("gemini-2.5-flash-lite"));

        assertThat(models.label(new String("gemini-2.5-flash-lite"))).isSameAs(models.label("gemini-2.5-flash-lite"));
    }
}
