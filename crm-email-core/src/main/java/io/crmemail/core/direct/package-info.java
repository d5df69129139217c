/**
 * Built-in direct delivery: integrations of kind {@code direct} hand messages straight to the recipients'
 * mail exchangers, found through an {@link io.crmemail.core.direct.MxResolver}, instead of a relay.
 */
package io.crmemail.core.direct;
