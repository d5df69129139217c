package io.crmemail.core.record;

/**
 * A field of a host table.
 *
 * @param id   the slug used in {@code {{field:slug}}}
 * @param name display name
 * @param type kind of field
 */
public record FieldInfo(String id, String name, FieldType type) {
}
