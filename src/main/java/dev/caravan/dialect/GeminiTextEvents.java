package dev.caravan.dialect;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Re-cuts one event of Google's stream ({@code GenerateContentResponse} JSON) into several carrying its text piece by
 * piece, as {@link TextPacing} says. Only an event of one candidate whose parts are all plain answer text is re-cut:
 * a function call, an image, code, a thought or anything else leaves the event whole. Each piece is the event with
 * one text part; what describes the whole event (the candidate's finish reason, safety ratings, citations and
 * grounding, the event's usage and prompt feedback, a part's thought signature) rides on the last piece only, so a
 * client that adds the events up counts them once. Immutable; thread-safe.
 */
public final class GeminiTextEvents {

    /** The fields a plain text part may have. */
    private static final Set<String> TEXT_PART_FIELDS = Set.of("text", "thought", "thoughtSignature");
    /** The event's own fields that describe all of it: on the last piece only. */
    private static final Set<String> WHOLE_EVENT_FIELDS = Set.of("usageMetadata", "promptFeedback");

    private final ObjectMapper json;

    public GeminiTextEvents(ObjectMapper json) {
        this.json = json;
    }

    /** The text of an event that is re-cut, and how many characters it has in all. */
    public record Text(ObjectNode event, List<String> parts, List<JsonNode> signatures, int length) {
    }

    /** The event's text when the event is one to re-cut, else null (not JSON, an error, not only text). */
    public Text text(String data) {
        JsonNode event;
        try {
            event = json.readTree(data);
        } catch (JsonProcessingException notJson) {
            return null;
        }
        if (!(event instanceof ObjectNode root) || root.has("error")) {
            return null;
        }
        JsonNode candidates = root.get("candidates");
        if (candidates == null || !candidates.isArray() || candidates.size() != 1) {
            return null;
        }
        JsonNode parts = candidates.get(0).path("content").get("parts");
        if (parts == null || !parts.isArray() || parts.isEmpty()) {
            return null;
        }
        List<String> texts = new ArrayList<>(parts.size());
        List<JsonNode> signatures = new ArrayList<>(parts.size());
        int length = 0;
        for (JsonNode part : parts) {
            if (!isPlainText(part)) {
                return null;
            }
            String t = part.get("text").asText();
            texts.add(t);
            signatures.add(part.get("thoughtSignature"));
            length += TextUnits.count(t);
        }
        return length == 0 ? null : new Text(root, texts, signatures, length);
    }

    /**
     * The event as pieces (JSON text, one text part each), in order; its pause after each is the caller's. At least
     * one piece for a text of at least one character.
     */
    public List<String> pieces(Text text, TextPacing pacing) {
        List<String> out = new ArrayList<>();
        int size = pacing.pieceSize(text.length());
        for (int p = 0; p < text.parts().size(); p++) {
            List<String> cut = TextUnits.pieces(text.parts().get(p), size);
            for (int k = 0; k < cut.size(); k++) {
                boolean lastOfPart = k == cut.size() - 1;
                boolean last = lastOfPart && p == text.parts().size() - 1;
                ObjectNode part = json.createObjectNode().put("text", cut.get(k));
                if (lastOfPart && text.signatures().get(p) != null) {
                    part.set("thoughtSignature", text.signatures().get(p));
                }
                out.add(write(piece(text.event(), part, last)));
            }
        }
        return out;
    }

    private ObjectNode piece(ObjectNode event, ObjectNode part, boolean last) {
        ObjectNode copy = json.createObjectNode();
        for (Iterator<String> it = event.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (name.equals("candidates")) {
                copy.set(name, json.createArrayNode().add(candidate(event.get(name).get(0), part, last)));
            } else if (last || !WHOLE_EVENT_FIELDS.contains(name)) {
                copy.set(name, event.get(name));
            }
        }
        return copy;
    }

    private ObjectNode candidate(JsonNode candidate, ObjectNode part, boolean last) {
        ObjectNode copy = json.createObjectNode();
        for (Iterator<String> it = candidate.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (name.equals("content")) {
                // the content's other fields (its role) as they are, its parts replaced by the one piece
                ObjectNode content = json.createObjectNode();
                candidate.get(name).fields().forEachRemaining(f -> {
                    if (!f.getKey().equals("parts")) {
                        content.set(f.getKey(), f.getValue());
                    }
                });
                ArrayNode parts = content.putArray("parts");
                parts.add(part);
                copy.set(name, content);
            } else if (last || name.equals("index")) {
                copy.set(name, candidate.get(name));
            }
        }
        return copy;
    }

    private static boolean isPlainText(JsonNode part) {
        if (!part.isObject() || !part.path("text").isTextual() || part.path("thought").asBoolean(false)) {
            return false;
        }
        for (Iterator<String> it = part.fieldNames(); it.hasNext(); ) {
            if (!TEXT_PART_FIELDS.contains(it.next())) {
                return false;
            }
        }
        return true;
    }

    private String write(ObjectNode node) {
        try {
            return json.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }
}
