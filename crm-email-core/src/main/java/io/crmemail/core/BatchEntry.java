package io.crmemail.core;

import io.crmemail.core.message.EmailMessage;

/**
 * The outcome of one entry of a batch: the accepted message, or the error that refused this entry only.
 *
 * @param index   the entry's position in the batch
 * @param message the accepted message, null when refused
 * @param error   why it was refused, null when accepted
 */
public record BatchEntry(int index, EmailMessage message, EmailException error) {

    public boolean accepted() {
        return message != null;
    }
}
