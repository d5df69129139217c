package io.crmemail.servlet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** The small HTML pages public endpoints answer people with (click redirect, unsubscribe). */
final class HtmlPages {

    private HtmlPages() {
    }

    /** A complete page; {@code bodyHtml} must already be escaped. */
    static byte[] page(String title, String bodyHtml) {
        return ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
                + "content=\"width=device-width, initial-scale=1\"><title>" + title + "</title></head><body><h1>"
                + title + "</h1>" + bodyHtml + "</body></html>").getBytes(StandardCharsets.UTF_8);
    }

    /** A page with one paragraph of plain text (no markup in it). */
    static byte[] textPage(String title, String text) {
        return page(title, "<p>" + text + "</p>");
    }

    static void write(Exchange ex, int status, byte[] html) throws IOException {
        ex.response().setStatus(status);
        ex.response().setContentType("text/html;charset=utf-8");
        ex.response().setContentLength(html.length);
        ex.response().getOutputStream().write(html);
    }
}
