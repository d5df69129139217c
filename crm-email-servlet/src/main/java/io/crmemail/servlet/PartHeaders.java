package io.crmemail.servlet;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The header block of one multipart/form-data part (RFC 7578): its field name, its file name when it is a
 * file, its Content-Type and the charset of a text field. The block is read as UTF-8 (what browsers send
 * for non-ASCII names), or ISO-8859-1 when it is not valid UTF-8.
 *
 * @param name        the {@code name} parameter of Content-Disposition
 * @param filename    the {@code filename} (or {@code filename*}) parameter as sent, null for a text field
 * @param contentType the part's Content-Type value, null when absent
 * @param charset     the charset of a text field: the Content-Type's, else UTF-8
 */
record PartHeaders(String name, String filename, String contentType, Charset charset) {

    boolean isFile() {
        return filename != null;
    }

    static PartHeaders parse(byte[] block) {
        Map<String, String> headers = headers(text(block));
        String disposition = headers.get("content-disposition");
        if (disposition == null) {
            throw ApiException.validation(null, "a multipart part has no Content-Disposition header");
        }
        HeaderValue cd;
        try {
            cd = HeaderValue.parse(disposition);
        } catch (IllegalArgumentException e) {
            throw ApiException.validation(null, "a part's Content-Disposition is invalid: " + e.getMessage());
        }
        if (!cd.value().equals("form-data")) {
            throw ApiException.validation(null, "a part's Content-Disposition must be form-data, not " + cd.value());
        }
        String name = cd.param("name");
        if (name == null) {
            throw ApiException.validation(null, "a multipart part has no name in its Content-Disposition");
        }
        String contentType = headers.get("content-type");
        Charset charset = StandardCharsets.UTF_8;
        if (contentType != null) {
            String charsetName;
            try {
                charsetName = HeaderValue.parse(contentType).param("charset");
            } catch (IllegalArgumentException e) {
                throw ApiException.validation(name, "the Content-Type of part " + name + " is invalid: " + e.getMessage());
            }
            if (charsetName != null && !charsetName.isEmpty()) {
                try {
                    charset = Charset.forName(charsetName);
                } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
                    throw ApiException.validation(name, "part " + name + " has an unknown charset");
                }
            }
        }
        return new PartHeaders(name, cd.param("filename"), contentType, charset);
    }

    private static String text(byte[] block) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(block)).toString();
        } catch (CharacterCodingException e) {
            return new String(block, StandardCharsets.ISO_8859_1);
        }
    }

    /** Lines {@code Name: value}, folded lines joined; names in lower case; the first of a repeated header wins. */
    private static Map<String, String> headers(String text) {
        Map<String, String> headers = new LinkedHashMap<>();
        String lastName = null;
        for (String line : text.split("\r\n", -1)) {
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                if ((c < 0x20 && c != '\t') || c == 0x7f) {
                    throw ApiException.validation(null, "a multipart part header contains a control character");
                }
            }
            if (line.isEmpty()) {
                continue;
            }
            if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                if (lastName != null) {
                    headers.computeIfPresent(lastName, (k, v) -> v + " " + line.strip());
                }
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw ApiException.validation(null, "a multipart part has a malformed header line");
            }
            String name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            if (headers.containsKey(name)) {
                lastName = null;
                continue;
            }
            headers.put(name, line.substring(colon + 1).strip());
            lastName = name;
        }
        return headers;
    }
}
