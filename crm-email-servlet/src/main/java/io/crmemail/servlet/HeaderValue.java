package io.crmemail.servlet;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A MIME header value with parameters, e.g. {@code form-data; name="a"; filename*=UTF-8''%E2%82%AC.txt}.
 * Quoted strings (RFC 2045; a backslash escapes only {@code "} and {@code \}, so that Windows paths survive),
 * extended values and continuations (RFC 2231 / 5987: {@code name*=charset'lang'pct}, {@code name*0*=…},
 * {@code name*1=…}). An extended value wins over the plain parameter of the same name.
 *
 * @param value  the part before the first {@code ;}, lower case, e.g. {@code multipart/form-data}
 * @param params parameter names in lower case to decoded values
 */
record HeaderValue(String value, Map<String, String> params) {

    private static final Pattern SECTION = Pattern.compile("(.+)\\*(\\d{1,3})");

    /** An RFC 2231 section of a continued parameter. */
    private record Section(String text, boolean encoded) {
    }

    String param(String name) {
        return params.get(name);
    }

    /**
     * @throws IllegalArgumentException when an extended parameter is malformed (its message names it)
     */
    static HeaderValue parse(String header) {
        if (header == null) {
            return new HeaderValue("", Map.of());
        }
        int n = header.length();
        int semicolon = header.indexOf(';');
        String value = header.substring(0, semicolon < 0 ? n : semicolon).strip().toLowerCase(Locale.ROOT);
        Map<String, String> plain = new LinkedHashMap<>();
        Map<String, String> extended = new HashMap<>();
        Map<String, TreeMap<Integer, Section>> sections = new HashMap<>();
        int i = semicolon < 0 ? n : semicolon + 1;
        while (i < n) {
            char c = header.charAt(i);
            if (c == ';' || c == ' ' || c == '\t') {
                i++;
                continue;
            }
            int nameStart = i;
            while (i < n && header.charAt(i) != '=' && header.charAt(i) != ';') {
                i++;
            }
            String name = header.substring(nameStart, i).strip().toLowerCase(Locale.ROOT);
            if (i >= n || header.charAt(i) == ';') {
                continue; // a parameter without a value means nothing here
            }
            i++;
            while (i < n && (header.charAt(i) == ' ' || header.charAt(i) == '\t')) {
                i++;
            }
            String text;
            if (i < n && header.charAt(i) == '"') {
                StringBuilder quoted = new StringBuilder();
                for (i++; i < n && header.charAt(i) != '"'; i++) {
                    char q = header.charAt(i);
                    if (q == '\\' && i + 1 < n && (header.charAt(i + 1) == '"' || header.charAt(i + 1) == '\\')) {
                        q = header.charAt(++i);
                    }
                    quoted.append(q);
                }
                text = quoted.toString();
                while (i < n && header.charAt(i) != ';') {
                    i++;
                }
            } else {
                int start = i;
                while (i < n && header.charAt(i) != ';') {
                    i++;
                }
                text = header.substring(start, i).strip();
            }
            boolean encoded = name.endsWith("*");
            String bare = encoded ? name.substring(0, name.length() - 1) : name;
            Matcher section = SECTION.matcher(bare);
            if (section.matches()) {
                sections.computeIfAbsent(section.group(1), k -> new TreeMap<>())
                        .putIfAbsent(Integer.parseInt(section.group(2)), new Section(text, encoded));
            } else if (encoded) {
                extended.putIfAbsent(bare, decodeExtended(bare, text, true));
            } else {
                plain.putIfAbsent(name, text);
            }
        }
        sections.forEach((name, parts) -> extended.putIfAbsent(name, joinSections(name, parts)));
        plain.putAll(extended);
        return new HeaderValue(value, Map.copyOf(plain));
    }

    /** {@code charset'language'percent-encoded} (or, for a later section, just the percent-encoded text). */
    private static String decodeExtended(String name, String text, boolean withCharset) {
        Charset charset = StandardCharsets.UTF_8;
        String encoded = text;
        if (withCharset) {
            int first = text.indexOf('\'');
            int second = first < 0 ? -1 : text.indexOf('\'', first + 1);
            if (second < 0) {
                throw new IllegalArgumentException(name + "* must be charset'language'value");
            }
            charset = charset(name, text.substring(0, first));
            encoded = text.substring(second + 1);
        }
        return decode(name, percentDecode(name, encoded), charset);
    }

    private static String joinSections(String name, TreeMap<Integer, Section> parts) {
        Section first = parts.get(0);
        if (first == null) {
            throw new IllegalArgumentException(name + "*1 without " + name + "*0");
        }
        Charset charset = StandardCharsets.UTF_8;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int index = 0; parts.containsKey(index); index++) {
            Section s = parts.get(index);
            String text = s.text();
            if (index == 0 && s.encoded()) {
                int firstQuote = text.indexOf('\'');
                int second = firstQuote < 0 ? -1 : text.indexOf('\'', firstQuote + 1);
                if (second < 0) {
                    throw new IllegalArgumentException(name + "*0* must be charset'language'value");
                }
                charset = charset(name, text.substring(0, firstQuote));
                text = text.substring(second + 1);
            }
            bytes.writeBytes(s.encoded() ? percentDecode(name, text) : text.getBytes(StandardCharsets.UTF_8));
        }
        return decode(name, bytes.toByteArray(), charset);
    }

    private static Charset charset(String name, String charsetName) {
        try {
            return Charset.forName(charsetName.isEmpty() ? "UTF-8" : charsetName);
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            throw new IllegalArgumentException(name + "* names an unknown charset");
        }
    }

    private static byte[] percentDecode(String name, String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%') {
                int hi = i + 2 < text.length() ? Character.digit(text.charAt(i + 1), 16) : -1;
                int lo = hi < 0 ? -1 : Character.digit(text.charAt(i + 2), 16);
                if (lo < 0) {
                    throw new IllegalArgumentException(name + "* has a malformed %-escape");
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else if (c < 0x80) {
                out.write(c);
            } else {
                out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toByteArray();
    }

    private static String decode(String name, byte[] bytes, Charset charset) {
        try {
            return charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(name + "* is not valid " + charset.name());
        }
    }
}
