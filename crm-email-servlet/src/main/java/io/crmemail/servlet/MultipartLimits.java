package io.crmemail.servlet;

/**
 * How much a multipart/form-data request may carry; see {@link MultipartForm#parse}.
 *
 * @param maxFiles      file parts per request; one more is a 400
 * @param maxFileBytes  bytes of one file; more is a 413
 * @param maxFields     text fields per request; one more is a 400
 * @param maxFieldBytes bytes of one text field (held in memory); more is a 413
 */
record MultipartLimits(int maxFiles, long maxFileBytes, int maxFields, long maxFieldBytes) {

    static final int DEFAULT_MAX_FILES = 10;
    static final long DEFAULT_MAX_FILE_BYTES = 50L * 1024 * 1024;
    static final int DEFAULT_MAX_FIELDS = 100;
    static final long DEFAULT_MAX_FIELD_BYTES = 1024 * 1024;

    MultipartLimits {
        if (maxFiles < 0 || maxFileBytes <= 0 || maxFields < 0 || maxFieldBytes <= 0
                || maxFieldBytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("invalid multipart limits: " + maxFiles + " files of " + maxFileBytes
                    + " bytes, " + maxFields + " fields of " + maxFieldBytes + " bytes");
        }
    }

    /** 10 files of 50 MB each, 100 fields of 1 MB each. */
    static MultipartLimits defaults() {
        return new MultipartLimits(DEFAULT_MAX_FILES, DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_FIELDS, DEFAULT_MAX_FIELD_BYTES);
    }
}
