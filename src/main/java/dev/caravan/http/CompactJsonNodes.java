package dev.caravan.http;

import java.util.LinkedHashMap;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Jackson's tree nodes with their members' map and list sized for Gemini's and OpenAI's JSON, where most objects hold
 * one to six members and most arrays one or two elements: Jackson's own factory gives every object a map of 16 slots
 * and every array a list of 10. The OpenAI surface reads and writes some twenty objects per request (the client's
 * request, its Gemini translation, Google's answer and its OpenAI translation): bench/alloc.sh. An object of more than
 * six members grows its map as any map does. Stateless, thread-safe.
 */
public final class CompactJsonNodes extends JsonNodeFactory {

    private static final long serialVersionUID = 1L;

    /** The one instance: Caravan's ObjectMapper reads trees with it, and the translators build theirs with it. */
    public static final CompactJsonNodes INSTANCE = new CompactJsonNodes();

    /** Slots of a new object's map: six members fit before it grows (the load factor is 0.75). */
    private static final int OBJECT_SLOTS = 8;
    private static final int ARRAY_ELEMENTS = 2;

    @Override
    public ObjectNode objectNode() {
        return new ObjectNode(this, new LinkedHashMap<>(OBJECT_SLOTS));
    }

    @Override
    public ArrayNode arrayNode() {
        return new ArrayNode(this, ARRAY_ELEMENTS);
    }
}
