package dev.caravan.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Jackson's tree nodes with their members and elements held for Gemini's and OpenAI's JSON, where most objects hold
 * one to six members and most arrays one or two elements: Jackson's own factory gives every object a LinkedHashMap
 * of 16 slots (a table and an entry object per member) and every array a list of 10. Objects keep their members in
 * {@link SmallMembers}, an array of names and values that moves into a map beyond eight members. The OpenAI surface
 * reads and writes some twenty objects per request (the client's request, its Gemini translation, Google's answer
 * and its OpenAI translation); these trees cost it 2.0 KB less per request than sized LinkedHashMaps did
 * (bench/alloc.sh). Stateless, thread-safe.
 */
public final class CompactJsonNodes extends JsonNodeFactory {

    private static final long serialVersionUID = 1L;

    /** The one instance: Caravan's ObjectMapper reads trees with it, and the translators build theirs with it. */
    public static final CompactJsonNodes INSTANCE = new CompactJsonNodes();

    private static final int ARRAY_ELEMENTS = 2;

    @Override
    public ObjectNode objectNode() {
        return new ObjectNode(this, new SmallMembers());
    }

    @Override
    public ArrayNode arrayNode() {
        return new ArrayNode(this, ARRAY_ELEMENTS);
    }
}
