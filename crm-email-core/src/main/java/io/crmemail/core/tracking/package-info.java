/**
 * What happens to a message after it is sent. {@link EmailEvent} and {@link EventType} are the public event
 * model hosts read. {@link Pixel} is the image an HTTP layer serves for a pixel hit, which it reports
 * through {@code EmailService.trackOpen}; a click redirect asks {@code EmailService.trackClick} where to go.
 * {@link OpenTracker}, {@link ClickTracker}, {@link Tokens} and {@link AutomatedAgents} are public because
 * other packages of the library use them, not as host API.
 */
package io.crmemail.core.tracking;
