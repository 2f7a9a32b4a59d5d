package dev.caravan.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * A log row is its values in the order of the insert's placeholders; a finished row has each text cut to its
 * column's size (MySQL would refuse the whole batch otherwise), and only text columns with a size are cut.
 */
class LogRowCutsEachTextToItsColumnTest {

    @Test
    void givesTheValuesInInsertOrderWithTextsCutToTheirColumns() {
        LogRow row = RequestLog.REQUEST.row().put("status", 200).put("path", "/" + "p".repeat(600))
                .put("attempts", "[" + "x".repeat(2000) + "]").put("request_id", "r-1");

        var values = row.values();

        assertThat(values).hasSize(RequestLog.REQUEST.columns().size());
        assertThat(values.get(0)).isEqualTo("r-1");
        assertThat(RequestLog.REQUEST.get(values, "status")).isEqualTo(200);
        assertThat((String) RequestLog.REQUEST.get(values, "path")).hasSize(512);
        assertThat((String) RequestLog.REQUEST.get(values, "attempts")).as("no size: kept whole").hasSize(2002);
        assertThat(RequestLog.REQUEST.get(values, "model")).isNull();
    }

    @Test
    void neverCutsASurrogatePairInTwo() {
        String path = "/" + "p".repeat(510) + "\uD83D\uDE00";

        var values = RequestLog.REQUEST.row().put("path", path).values();

        assertThat((String) RequestLog.REQUEST.get(values, "path")).hasSize(511).doesNotEndWith("\uD83D");
    }

    @Test
    void refusesAColumnTheTableDoesNotHave() {
        assertThatThrownBy(() -> RequestLog.ERROR.row().put("streamed", true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("streamed");
    }
}
