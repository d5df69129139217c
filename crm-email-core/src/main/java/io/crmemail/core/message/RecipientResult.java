package io.crmemail.core.message;

/**
 * What the server said about one recipient.
 *
 * @param email    the envelope recipient
 * @param accepted true when the server accepted the recipient
 * @param code     the SMTP reply code (250, 550, 451, …); 0 when unknown
 * @param response the server's reply text, may be null
 */
public record RecipientResult(String email, boolean accepted, int code, String response) {
}
