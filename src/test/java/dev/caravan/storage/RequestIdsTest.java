package dev.caravan.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class RequestIdsTest {

    @Test
    void countsUpBehindOnePrefixPerStart() {
        RequestIds ids = new RequestIds(0x0123456789abcdefL);
        assertThat(ids.generateUuid()).isEqualTo("0123456789abcdef-0");
        assertThat(ids.generateUuid()).isEqualTo("0123456789abcdef-1");
        assertThat(new RequestIds(-1L).generateUuid()).isEqualTo("ffffffffffffffff-0");
    }

    @Test
    void twoStartsDrawTwoPrefixes() {
        Set<String> prefixes = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            prefixes.add(new RequestIds().generateUuid());
        }
        // 64 random bits each: a repeat among 20 would mean the seed is not random
        assertThat(prefixes).hasSize(20).allMatch(id -> id.matches("[0-9a-f]{16}-0"));
    }
}
