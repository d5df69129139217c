/** Saved message templates: subject, HTML and text with merge fields and variables. */
package io.crmemail.core.template;
