package io.crmemail.servlet;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.List;

/**
 * Translates Jackson's failures into 400 validation errors that name the field the way core does
 * ({@code fromIdentity.email}, {@code to[1]}), without Java type names or parser internals.
 */
final class JsonErrors {

    private JsonErrors() {
    }

    static ApiException toApi(JsonProcessingException e) {
        if (e instanceof ValueInstantiationException vie) {
            return missingComponent(vie);
        }
        if (e instanceof UnrecognizedPropertyException unknown) {
            String field = path(unknown.getPath());
            return ApiException.validation(field, "unknown field " + field);
        }
        if (e instanceof MismatchedInputException mie) {
            String field = path(mie.getPath());
            if (field == null) {
                return ApiException.validation(null, "the request body must be a JSON " + expected(mie.getTargetType()));
            }
            return ApiException.validation(field, field + " must be " + article(expected(mie.getTargetType())));
        }
        if (e instanceof JsonMappingException jme) {
            String field = path(jme.getPath());
            return ApiException.validation(field, (field == null ? "the request body" : field) + " is invalid");
        }
        if (e instanceof StreamReadException sre) {
            JsonParser parser = sre.getProcessor();
            String field = parser == null ? null : path(parser.getParsingContext());
            if (e instanceof InputCoercionException && field != null) {
                return ApiException.validation(field, field + " is out of range");
            }
            JsonLocation at = sre.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            return ApiException.validation(field, "malformed JSON" + where);
        }
        return ApiException.validation(null, "malformed JSON");
    }

    /** Records check required components with {@code Objects.requireNonNull(value, "name")}. */
    private static ApiException missingComponent(ValueInstantiationException e) {
        String field = path(e.getPath());
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof NullPointerException npe && npe.getMessage() != null
                    && npe.getMessage().matches("\\w+")) {
                String missing = field == null ? npe.getMessage() : field + "." + npe.getMessage();
                return ApiException.validation(missing, missing + " is required");
            }
        }
        return ApiException.validation(field, (field == null ? "the request body" : field) + " is invalid");
    }

    private static String path(List<JsonMappingException.Reference> references) {
        StringBuilder out = new StringBuilder();
        for (JsonMappingException.Reference ref : references) {
            if (ref.getFieldName() != null) {
                out.append(out.isEmpty() ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                out.append('[').append(ref.getIndex()).append(']');
            }
        }
        return out.isEmpty() ? null : out.toString();
    }

    private static String path(JsonStreamContext context) {
        Deque<String> parts = new ArrayDeque<>();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inObject() && c.getCurrentName() != null) {
                parts.addFirst((c.getParent() != null && !c.getParent().inRoot() ? "." : "") + c.getCurrentName());
            } else if (c.inArray()) {
                parts.addFirst("[" + Math.max(0, c.getCurrentIndex()) + "]");
            }
        }
        return parts.isEmpty() ? null : String.join("", parts);
    }

    private static String expected(Class<?> type) {
        if (type == null) {
            return "value of another type";
        }
        if (Number.class.isAssignableFrom(type) || type == long.class || type == int.class || type == double.class) {
            return "number";
        }
        if (type == String.class) {
            return "string";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "boolean";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "array";
        }
        if (type.isEnum()) {
            return "string";
        }
        if (type == java.time.Instant.class) {
            return "ISO-8601 timestamp";
        }
        return "object";
    }

    private static String article(String noun) {
        return (noun.matches("[aeiouAEIOU].*") ? "an " : "a ") + noun;
    }
}
