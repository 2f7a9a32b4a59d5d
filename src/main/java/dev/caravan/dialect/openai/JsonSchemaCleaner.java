package dev.caravan.dialect.openai;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.http.CompactJsonNodes;

/**
 * Turns a client's JSON Schema into the subset that Gemini's {@code parametersJsonSchema} and
 * {@code responseJsonSchema} document as supported, so that no tool or response schema gets the request refused.
 * <ul>
 * <li>Local {@code $ref}s ({@code #/$defs/..}, {@code #/definitions/..}, any JSON pointer) are inlined; a reference
 * back into a schema still being inlined is cut to a node with only the target's {@code type} and
 * {@code description}, so recursion ends.</li>
 * <li>{@code allOf} is merged into its parent (properties and required united); {@code oneOf} becomes
 * {@code anyOf}, which is how Gemini reads it; {@code anyOf} is always kept; {@code const} becomes a one-value
 * {@code enum}; draft-4 tuple {@code items} become {@code prefixItems}.</li>
 * <li>Every other keyword that is not in Gemini's list ({@code $schema}, {@code $id}, {@code strict},
 * {@code examples}, {@code default}, {@code not}, {@code if}, ...) is dropped. {@code additionalProperties} is
 * kept: Gemini's JSON-Schema fields accept it, unlike the older OpenAPI {@code parameters} field.</li>
 * </ul>
 * Stateless; thread-safe.
 */
public final class JsonSchemaCleaner {

    /** Keywords Gemini documents for its JSON-Schema fields, plus the few its Schema object also understands. */
    private static final Set<String> KEPT = Set.of(
            "type", "format", "title", "description", "nullable", "enum", "items", "prefixItems", "minItems",
            "maxItems", "minimum", "maximum", "minLength", "maxLength", "pattern", "minProperties",
            "maxProperties", "anyOf", "oneOf", "properties", "additionalProperties", "required",
            "propertyOrdering");

    /** Inlining can multiply a schema; beyond this many nodes the schema is refused rather than sent. */
    private static final int MAX_NODES = 20_000;

    private static final JsonNodeFactory NODES = CompactJsonNodes.INSTANCE;

    /**
     * @param schema the client's schema (not modified)
     * @param path   where it sits in the request, for error messages
     * @return a new, cleaned schema
     * @throws InvalidOpenAiRequest when a {@code $ref} cannot be resolved or the inlined schema is too large
     */
    public ObjectNode clean(JsonNode schema, String path) {
        if (!schema.isObject()) {
            throw new InvalidOpenAiRequest(path + " must be a JSON Schema object", path);
        }
        return new Walk(schema, path).schema(schema);
    }

    /** One cleaning pass over one schema document. */
    private static final class Walk {
        private final JsonNode root;
        private final String path;
        private final Deque<String> inlining = new ArrayDeque<>();
        private int nodes;

        Walk(JsonNode root, String path) {
            this.root = root;
            this.path = path;
        }

        ObjectNode schema(JsonNode node) {
            if (++nodes > MAX_NODES) {
                throw new InvalidOpenAiRequest(path + " is too large once its $refs are inlined", path);
            }
            if (!node.isObject()) {
                // `true` (anything) and the odd non-schema both become the empty schema, which accepts anything
                return NODES.objectNode();
            }
            JsonNode ref = node.get("$ref");
            if (ref != null && ref.isTextual()) {
                return overlay(inline(ref.asText()), plain(node));
            }
            return plain(node);
        }

        /** The node's own keywords, cleaned, ignoring any {@code $ref}. */
        private ObjectNode plain(JsonNode node) {
            ObjectNode out = NODES.objectNode();
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> f = fields.next();
                keyword(out, f.getKey(), f.getValue());
            }
            if (out.has("oneOf") && !out.has("anyOf")) {
                out.set("anyOf", out.remove("oneOf"));
            }
            JsonNode allOf = node.get("allOf");
            if (allOf != null && allOf.isArray()) {
                for (JsonNode member : allOf) {
                    merge(out, schema(member));
                }
            }
            return out;
        }

        private void keyword(ObjectNode out, String key, JsonNode value) {
            switch (key) {
                case "properties" -> out.set(key, properties(value));
                case "items" -> {
                    if (value.isArray()) {
                        out.set("prefixItems", list(value));
                    } else {
                        out.set(key, schema(value));
                    }
                }
                case "prefixItems", "anyOf", "oneOf" -> out.set(key, list(value));
                case "additionalProperties" -> out.set(key, value.isBoolean() ? value : schema(value));
                case "const" -> {
                    if (!out.has("enum") && (value.isTextual() || value.isNumber())) {
                        out.putArray("enum").add(value);
                    }
                }
                default -> {
                    if (KEPT.contains(key)) {
                        out.set(key, value.deepCopy());
                    }
                }
            }
        }

        private ObjectNode properties(JsonNode value) {
            ObjectNode out = NODES.objectNode();
            Iterator<Map.Entry<String, JsonNode>> props = value.fields();
            while (props.hasNext()) {
                Map.Entry<String, JsonNode> p = props.next();
                out.set(p.getKey(), schema(p.getValue()));
            }
            return out;
        }

        private ArrayNode list(JsonNode value) {
            ArrayNode out = NODES.arrayNode();
            if (value.isArray()) {
                for (JsonNode item : value) {
                    out.add(schema(item));
                }
            }
            return out;
        }

        private ObjectNode inline(String ref) {
            if (!ref.startsWith("#")) {
                throw new InvalidOpenAiRequest(path + " uses $ref \"" + ref
                        + "\"; only references inside the schema (#/...) can be resolved", path);
            }
            JsonNode target;
            try {
                target = root.at(JsonPointer.compile(ref.substring(1)));
            } catch (IllegalArgumentException e) {
                target = null;
            }
            if (target == null || target.isMissingNode()) {
                throw new InvalidOpenAiRequest(path + " has a $ref \"" + ref + "\" that points nowhere", path);
            }
            if (inlining.contains(ref)) {
                return recursionStub(target);
            }
            inlining.push(ref);
            try {
                return schema(target);
            } finally {
                inlining.pop();
            }
        }

        private static ObjectNode recursionStub(JsonNode target) {
            ObjectNode stub = NODES.objectNode();
            if (target.has("type")) {
                stub.set("type", target.get("type").deepCopy());
            }
            if (target.has("description")) {
                stub.set("description", target.get("description").deepCopy());
            }
            return stub;
        }

        /** The target with the referring node's own keywords laid over it (siblings of $ref win). */
        private static ObjectNode overlay(ObjectNode target, ObjectNode siblings) {
            target.setAll(siblings);
            return target;
        }

        /** Adds a member of {@code allOf} to its parent: properties and required are united, the rest fills gaps. */
        private static void merge(ObjectNode into, ObjectNode member) {
            Iterator<Map.Entry<String, JsonNode>> fields = member.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> f = fields.next();
                String key = f.getKey();
                JsonNode existing = into.get(key);
                if (existing == null) {
                    into.set(key, f.getValue());
                } else if (key.equals("properties") && existing.isObject()) {
                    ((ObjectNode) existing).setAll((ObjectNode) f.getValue());
                } else if (key.equals("required") && existing.isArray()) {
                    for (JsonNode name : f.getValue()) {
                        if (!contains(existing, name)) {
                            ((ArrayNode) existing).add(name);
                        }
                    }
                }
            }
        }

        private static boolean contains(JsonNode array, JsonNode value) {
            for (JsonNode v : array) {
                if (v.equals(value)) {
                    return true;
                }
            }
            return false;
        }
    }
}
