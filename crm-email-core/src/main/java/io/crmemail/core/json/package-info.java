/**
 * The one JSON form of the library's value types. {@link EmailJson} is public for store implementations
 * that keep metadata as JSON (such as the JDBC store) and for HTTP layers, so that both read and write the
 * same shape. {@link WireEnum} gives the enums that appear in JSON their lower-case wire form.
 */
package io.crmemail.core.json;
