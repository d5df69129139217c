/**
 * Where attachment bytes live. {@link AttachmentStore} is an SPI a host may implement over its own file
 * storage (bytes always streamed; paths are relative keys that must not escape the root);
 * {@link FileSystemAttachmentStore} is the shipped implementation over one local directory.
 */
package io.crmemail.core.attachment;
