package io.crmemail.servlet;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Recipients come as one string or an array of strings ({@code "to": "a@x.org"} or {@code ["a@x.org"]}). */
final class StringOrList extends JsonDeserializer<List<String>> {

    @Override
    public List<String> deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_STRING) {
            return new ArrayList<>(List.of(p.getText()));
        }
        if (p.currentToken() != JsonToken.START_ARRAY) {
            return (List<String>) ctx.handleUnexpectedToken(List.class, p);
        }
        List<String> out = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.VALUE_STRING) {
                return (List<String>) ctx.handleUnexpectedToken(String.class, p);
            }
            out.add(p.getText());
        }
        return out;
    }
}
