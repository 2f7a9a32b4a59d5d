package dev.caravan.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/** Issue 16: trees with small maps and lists read and write the same JSON, member order included, at any size. */
class CompactJsonNodesReadsAndWritesAsJacksonDoesTest {

    private final ObjectMapper stock = new ObjectMapper();
    private final ObjectMapper compact = new ObjectMapper().setNodeFactory(new CompactJsonNodes());

    @Test
    void readsAndWritesTheSameJsonAsTheStockFactory() throws Exception {
        StringBuilder wide = new StringBuilder("{");
        for (int i = 0; i < 40; i++) {
            wide.append(i == 0 ? "" : ",").append("\"m").append(39 - i).append("\":[").append(i).append(",2,3,4,5]");
        }
        String json = "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"hi\"}],\"role\":\"model\"},"
                + "\"finishReason\":\"STOP\",\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":3,"
                + "\"candidatesTokenCount\":1,\"totalTokenCount\":4},\"wide\":" + wide.append('}') + "}";

        JsonNode mine = compact.readTree(json);
        assertThat(mine).isEqualTo(stock.readTree(json));
        assertThat(compact.writeValueAsString(mine)).isEqualTo(stock.writeValueAsString(stock.readTree(json)));
        assertThat(mine.get("wide").fieldNames().next()).isEqualTo("m39");
        assertThat(mine.get("wide").size()).isEqualTo(40);
    }

    @Test
    void buildsTreesThroughTheSameFactory() {
        ObjectNode built = compact.createObjectNode();
        for (int i = 0; i < 20; i++) {
            built.putObject("o" + i).putArray("a").add(i).add(i + 1).add(i + 2);
        }
        assertThat(built.size()).isEqualTo(20);
        assertThat(built.get("o19").get("a").get(2).asInt()).isEqualTo(21);
        assertThat(compact.getNodeFactory()).isInstanceOf(CompactJsonNodes.class);
    }
}
