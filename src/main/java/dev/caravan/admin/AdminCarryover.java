package dev.caravan.admin;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.storage.GeminiBalanceImport;
import org.apache.camel.Exchange;

/**
 * What Caravan took over from a gemini-balance database (README "Moving from gemini-balance"): one entry per
 * gemini-balance table, with when and what (setting names and key counts, never a key or a token). Thread-safe.
 */
public final class AdminCarryover {

    private final GeminiBalanceImport carryover;
    private final ObjectMapper json;

    public AdminCarryover(GeminiBalanceImport carryover, ObjectMapper json) {
        this.carryover = carryover;
        this.json = json;
    }

    /** {@code GET /admin/api/carryover}: {"imports": [{"source", "importedAtMs", "summary"}]}, empty when none. */
    public void show(Exchange exchange) {
        List<Map<String, Object>> imports = carryover.history().stream().map(i -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("source", i.table());
            m.put("importedAtMs", i.importedAtMs());
            m.put("summary", i.summary());
            return m;
        }).toList();
        AdminReply.json(exchange, json, 200, Map.of("imports", imports));
    }
}
