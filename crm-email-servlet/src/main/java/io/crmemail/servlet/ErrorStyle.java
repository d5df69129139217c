package io.crmemail.servlet;

/** How an error body looks: the CRM surface's {@code {"error":…}} or the v1 envelope. */
enum ErrorStyle {
    /** {@code {"error":{"code","message","field"}}}, as spec 000 has it. */
    CRM {
        @Override
        Object body(String code, String message, String field) {
            return ErrorBody.of(code, message, field);
        }
    },
    /**
     * {@code {"success":false,"error":{"code","message","field"}}}. Every 401 is {@code invalid_key} here: the
     * v1 surface knows only API keys, and a missing one is as invalid as a wrong one.
     */
    V1 {
        @Override
        Object body(String code, String message, String field) {
            return V1Envelope.error("unauthorized".equals(code) ? "invalid_key" : code, message, field);
        }
    };

    abstract Object body(String code, String message, String field);
}
