package dev.caravan.dialect.openai;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.http.CompactJsonNodes;

/**
 * Bytes sent to Gemini inside the request, as a MIME type and their base64 text. Immutable; thread-safe.
 *
 * @param mimeType   e.g. {@code image/png}
 * @param base64Data the bytes in standard base64
 */
public record InlineData(String mimeType, String base64Data) {

    /** Gemini's part {@code {"inlineData":{"mimeType","data"}}}. */
    ObjectNode toPart() {
        ObjectNode part = CompactJsonNodes.INSTANCE.objectNode();
        part.putObject("inlineData").put("mimeType", mimeType).put("data", base64Data);
        return part;
    }
}
