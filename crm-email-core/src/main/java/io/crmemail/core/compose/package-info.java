/**
 * Turning a stored message into the bytes that go on the wire: merge tokens, HTML sanitising, the
 * plain-text alternative, click-tracked links, the final HTML document, the rule for custom headers and the MIME
 * structure with a stable Message-ID.
 */
package io.crmemail.core.compose;
