package dev.caravan.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, allocation: a JSON object's members in one array behave as the LinkedHashMap Jackson uses would, in
 * order, lookups, replacement, removal and iteration, below and beyond the size at which they move into a map.
 */
class SmallMembersKeepsJacksonsOrderTest {

    /** The same operations on the compact members and on a LinkedHashMap, compared after each step. */
    private final SmallMembers mine = new SmallMembers();
    private final Map<String, JsonNode> stock = new LinkedHashMap<>();

    private void put(String name, int value) {
        assertThat(mine.put(name, IntNode.valueOf(value))).isEqualTo(stock.put(name, IntNode.valueOf(value)));
        same();
    }

    private void same() {
        assertThat(mine).isEqualTo(stock);
        assertThat(stock).isEqualTo(mine);
        assertThat(mine.hashCode()).isEqualTo(stock.hashCode());
        assertThat(mine.size()).isEqualTo(stock.size());
        assertThat(mine.keySet()).containsExactlyElementsOf(stock.keySet());
        assertThat(mine.values()).containsExactlyElementsOf(stock.values());
        assertThat(mine.toString()).isEqualTo(stock.toString());
    }

    @Test
    void keepsInsertionOrderAndReplacesInPlace() {
        put("b", 1);
        put("a", 2);
        put("c", 3);
        put("a", 20);

        assertThat(mine.get("a")).isEqualTo(IntNode.valueOf(20));
        assertThat(mine.get("z")).isNull();
        assertThat(mine.containsKey("c")).isTrue();
        assertThat(mine.containsKey("z")).isFalse();
        assertThat(mine.remove("b")).isEqualTo(stock.remove("b"));
        assertThat(mine.remove("z")).isNull();
        same();
        put("b", 4);
        assertThat(mine.keySet()).containsExactly("a", "c", "b");
    }

    @Test
    void movesIntoAMapBeyondTheInlineSizeWithTheSameOrder() {
        for (int i = 0; i < SmallMembers.INLINE * 3; i++) {
            put("m" + (SmallMembers.INLINE * 3 - i), i);
        }
        put("m5", 500);
        assertThat(mine.remove("m7")).isEqualTo(stock.remove("m7"));
        same();
        mine.clear();
        stock.clear();
        same();
        assertThat(mine.isEmpty()).isTrue();
    }

    @Test
    void iteratesWithRemovalAndWritesThroughItsEntries() {
        for (int i = 0; i < 5; i++) {
            put("k" + i, i);
        }
        Iterator<Map.Entry<String, JsonNode>> it = mine.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("k1") || e.getKey().equals("k4")) {
                it.remove();
            } else {
                e.setValue(TextNode.valueOf(e.getKey()));
            }
        }
        stock.remove("k1");
        stock.remove("k4");
        stock.replaceAll((k, v) -> TextNode.valueOf(k));
        same();
        assertThat(mine.entrySet()).containsExactlyElementsOf(stock.entrySet());
        assertThatThrownBy(it::remove).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void failsAnIterationOverMembersThatChanged() {
        put("a", 1);
        put("b", 2);
        Iterator<Map.Entry<String, JsonNode>> it = mine.entrySet().iterator();
        it.next();
        mine.put("c", IntNode.valueOf(3));

        assertThatThrownBy(it::next).isInstanceOf(ConcurrentModificationException.class);
        assertThatThrownBy(() -> mine.forEach((k, v) -> mine.remove("a")))
                .isInstanceOf(ConcurrentModificationException.class);
    }
}
