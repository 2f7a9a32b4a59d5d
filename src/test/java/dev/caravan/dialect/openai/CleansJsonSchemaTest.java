package dev.caravan.dialect.openai;

import static dev.caravan.dialect.openai.JsonAssert.assertJson;
import static dev.caravan.dialect.openai.JsonAssert.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CleansJsonSchemaTest {

    private final JsonSchemaCleaner cleaner = new JsonSchemaCleaner();

    static Stream<Arguments> schemas() {
        return Stream.of(
                arguments("keywords Gemini does not know are dropped, additionalProperties kept", """
                        {"$schema":"http://json-schema.org/draft-07/schema#","$id":"x","type":"object","strict":true,
                         "additionalProperties":false,"examples":[{"q":"a"}],"default":{},
                         "properties":{"q":{"type":"string","default":"a","examples":["b"],"minLength":1,
                                            "description":"query","format":"email","pattern":"^.+$"},
                                       "n":{"type":"integer","minimum":1,"maximum":9,"exclusiveMaximum":10,"multipleOf":1}},
                         "required":["q"]}
                        """, """
                        {"type":"object","additionalProperties":false,
                         "properties":{"q":{"type":"string","minLength":1,"description":"query","format":"email",
                                            "pattern":"^.+$"},
                                       "n":{"type":"integer","minimum":1,"maximum":9}},
                         "required":["q"]}
                        """),
                arguments("$ref into $defs is inlined and $defs removed", """
                        {"type":"object","properties":{"home":{"$ref":"#/$defs/Address"},
                                                        "work":{"$ref":"#/$defs/Address","description":"office"}},
                         "$defs":{"Address":{"type":"object","description":"an address",
                                             "properties":{"city":{"type":"string"}},"required":["city"]}}}
                        """, """
                        {"type":"object","properties":{
                           "home":{"type":"object","description":"an address","properties":{"city":{"type":"string"}},"required":["city"]},
                           "work":{"type":"object","description":"office","properties":{"city":{"type":"string"}},"required":["city"]}}}
                        """),
                arguments("draft-7 definitions and chained refs are inlined", """
                        {"type":"object","properties":{"a":{"$ref":"#/definitions/A"}},
                         "definitions":{"A":{"type":"array","items":{"$ref":"#/definitions/B"}},"B":{"type":"number"}}}
                        """, """
                        {"type":"object","properties":{"a":{"type":"array","items":{"type":"number"}}}}
                        """),
                arguments("a recursive ref is cut to the target's type and description", """
                        {"type":"object","properties":{"root":{"$ref":"#/$defs/Node"}},
                         "$defs":{"Node":{"type":"object","description":"a tree node",
                                          "properties":{"name":{"type":"string"},
                                                        "children":{"type":"array","items":{"$ref":"#/$defs/Node"}}}}}}
                        """, """
                        {"type":"object","properties":{"root":{"type":"object","description":"a tree node",
                           "properties":{"name":{"type":"string"},
                                         "children":{"type":"array","items":{"type":"object","description":"a tree node"}}}}}}
                        """),
                arguments("a ref to the root unrolls once, then is cut", """
                        {"type":"object","properties":{"next":{"$ref":"#"}}}
                        """, """
                        {"type":"object","properties":{"next":{"type":"object","properties":{"next":{"type":"object"}}}}}
                        """),
                arguments("anyOf is kept with its members cleaned", """
                        {"anyOf":[{"type":"string","default":"x"},{"$ref":"#/$defs/N"},{"type":"null"}],
                         "$defs":{"N":{"type":"integer","examples":[1]}}}
                        """, """
                        {"anyOf":[{"type":"string"},{"type":"integer"},{"type":"null"}]}
                        """),
                arguments("oneOf becomes anyOf", """
                        {"oneOf":[{"type":"string"},{"type":"integer"}]}
                        """, """
                        {"anyOf":[{"type":"string"},{"type":"integer"}]}
                        """),
                arguments("allOf is merged into its parent", """
                        {"type":"object","properties":{"a":{"type":"string"}},"required":["a"],
                         "allOf":[{"properties":{"b":{"type":"integer"}},"required":["b","a"]},{"description":"both"}]}
                        """, """
                        {"type":"object","properties":{"a":{"type":"string"},"b":{"type":"integer"}},
                         "required":["a","b"],"description":"both"}
                        """),
                arguments("const becomes a one-value enum", """
                        {"type":"object","properties":{"kind":{"type":"string","const":"circle"}}}
                        """, """
                        {"type":"object","properties":{"kind":{"type":"string","enum":["circle"]}}}
                        """),
                arguments("tuple items become prefixItems and schema-valued additionalProperties is cleaned", """
                        {"type":"object","properties":{"pair":{"type":"array","items":[{"type":"string"},{"type":"number"}]}},
                         "additionalProperties":{"type":"string","default":"x"}}
                        """, """
                        {"type":"object","properties":{"pair":{"type":"array","prefixItems":[{"type":"string"},{"type":"number"}]}},
                         "additionalProperties":{"type":"string"}}
                        """),
                arguments("property names that look like keywords are kept", """
                        {"type":"object","properties":{"default":{"type":"string"},"$schema":{"type":"string"}}}
                        """, """
                        {"type":"object","properties":{"default":{"type":"string"},"$schema":{"type":"string"}}}
                        """),
                arguments("nullable type lists and enums pass untouched", """
                        {"type":["string","null"],"enum":["a","b",null],"title":"T"}
                        """, """
                        {"type":["string","null"],"enum":["a","b",null],"title":"T"}
                        """));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("schemas")
    void cleansSchema(String name, String schema, String expected) {
        assertJson(cleaner.clean(json(schema), "tools[0].function.parameters"), expected);
    }

    @Test
    void leavesTheClientSchemaUntouched() {
        JsonNode schema = json("{\"type\":\"object\",\"$defs\":{\"A\":{\"type\":\"string\"}},"
                + "\"properties\":{\"a\":{\"$ref\":\"#/$defs/A\"}}}");
        String before = schema.toString();

        cleaner.clean(schema, "p");

        assertThat(schema.toString()).isEqualTo(before);
    }

    static Stream<Arguments> refusals() {
        return Stream.of(
                arguments("{\"$ref\":\"https://example.com/s.json\"}", "only references inside the schema"),
                arguments("{\"type\":\"object\",\"properties\":{\"a\":{\"$ref\":\"#/$defs/Missing\"}}}",
                        "points nowhere"),
                arguments("\"string\"", "must be a JSON Schema object"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void refusesSchemaItCannotResolve(String schema, String message) {
        assertThatThrownBy(() -> cleaner.clean(json(schema), "tools[0].function.parameters"))
                .isInstanceOf(InvalidOpenAiRequest.class)
                .hasMessageContaining("tools[0].function.parameters")
                .hasMessageContaining(message);
    }

    @Test
    void refusesSchemaThatExplodesWhenInlined() {
        StringBuilder defs = new StringBuilder("{\"$defs\":{\"L0\":{\"type\":\"string\"}");
        for (int i = 1; i <= 20; i++) {
            defs.append(",\"L").append(i).append("\":{\"type\":\"object\",\"properties\":{\"a\":{\"$ref\":\"#/$defs/L")
                    .append(i - 1).append("\"},\"b\":{\"$ref\":\"#/$defs/L").append(i - 1).append("\"}}}");
        }
        defs.append("},\"$ref\":\"#/$defs/L20\"}");

        assertThatThrownBy(() -> cleaner.clean(json(defs.toString()), "p"))
                .isInstanceOf(InvalidOpenAiRequest.class)
                .hasMessageContaining("too large");
    }
}
