package io.crmemail.core;

import io.crmemail.core.record.TableInfo;

/** The rules for attachment paths: under the table's {@code {spaceId}-{tableId}-} prefix, no tricks. */
final class AttachmentPaths {

    private AttachmentPaths() {
    }

    /** Why the path is unacceptable for the table, or null when it is fine. A leading "/" is ignored. */
    static String problem(String path, TableInfo table) {
        if (path == null || path.isBlank()) {
            return "is required";
        }
        if (path.contains("..") || path.indexOf('\\') >= 0 || FieldChecks.hasControl(path)) {
            return "must not contain '..', backslashes or control characters";
        }
        String relative = path.startsWith("/") ? path.substring(1) : path;
        if (!relative.startsWith(table.attachmentPrefix())) {
            return "must begin with " + table.attachmentPrefix() + " (spaceId-tableId-)";
        }
        return null;
    }

    static String fileName(String path) {
        int slash = path.lastIndexOf('/');
        return slash >= 0 ? path.substring(slash + 1) : path;
    }
}
