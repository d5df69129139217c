package io.crmemail.core.dkim;

import io.crmemail.core.integration.DkimAlgorithm;
import io.crmemail.core.integration.DkimKey;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One {@code DKIM-Signature} field: its tags, folded between tags (and between header names, where RFC 6376
 * allows white space) to lines of at most {@value #LINE} characters, and its {@code b=} value computed over
 * the signed header fields and the field itself with {@code b=} empty (RFC 6376 §3.7).
 */
final class SignatureField {

    static final String NAME = "DKIM-Signature";
    private static final int LINE = 78;
    private static final String FOLD = "\r\n\t";

    private SignatureField() {
    }

    /**
     * The field's value up to and including the empty {@code b=}: v, a, c, d, s, t, h, bh. Header names go
     * into {@code h=} as given (lower case, repeated for over-signing).
     */
    static String unsignedValue(DkimKey key, long timestamp, List<String> signedNames, String bodyHash) {
        Folder folder = new Folder(NAME.length() + 2);
        folder.add("v=1;", "");
        folder.add("a=" + key.algorithm().wire() + ";", " ");
        folder.add("c=relaxed/relaxed;", " ");
        folder.add("d=" + key.domain() + ";", " ");
        folder.add("s=" + key.selector() + ";", " ");
        folder.add("t=" + timestamp + ";", " ");
        for (int i = 0; i < signedNames.size(); i++) {
            boolean last = i == signedNames.size() - 1;
            folder.add((i == 0 ? "h=" : "") + signedNames.get(i) + (last ? ";" : ":"), i == 0 ? " " : "");
        }
        folder.add("bh=" + bodyHash + ";", " ");
        folder.add("b=", " ");
        return folder.toString();
    }

    /** Appends the signature to {@code unsignedValue} (which ends in {@code b=}), folded. */
    static String withSignature(String unsignedValue, String signature) {
        int lastBreak = unsignedValue.lastIndexOf('\n');
        int column = lastBreak < 0 ? NAME.length() + 2 + unsignedValue.length() : unsignedValue.length() - lastBreak;
        Folder folder = new Folder(column);
        folder.text.append(unsignedValue);
        int first = Math.max(8, LINE - column);
        folder.add(signature.substring(0, Math.min(first, signature.length())), "");
        for (int i = first; i < signature.length(); i += LINE - 1) {
            folder.add(signature.substring(i, Math.min(i + LINE - 1, signature.length())), "");
        }
        return folder.toString();
    }

    /**
     * The base64 {@code b=} value. {@code fields} are the message's header fields as written; for each name
     * in {@code signedNames} the last not yet used instance is signed (RFC 6376 §5.4.2), a name with none
     * left adds nothing. {@code unsignedField} is the whole DKIM-Signature field with {@code b=} empty.
     */
    static String sign(List<String> fields, List<String> signedNames, String unsignedField, DkimAlgorithm algorithm,
                       PrivateKey key) throws GeneralSecurityException {
        byte[] data = signedData(fields, signedNames, unsignedField);
        Signature signer;
        if (algorithm == DkimAlgorithm.ED25519_SHA256) {
            // RFC 8463 §3: Ed25519 signs the SHA-256 hash of the canonical data, not the data itself.
            data = WrittenMessage.sha256().digest(data);
            signer = Signature.getInstance("Ed25519");
        } else {
            signer = Signature.getInstance("SHA256withRSA");
        }
        signer.initSign(key);
        signer.update(data);
        return Base64.getEncoder().encodeToString(signer.sign());
    }

    static byte[] signedData(List<String> fields, List<String> signedNames, String unsignedField) {
        StringBuilder data = new StringBuilder();
        Map<String, Integer> used = new HashMap<>();
        for (String signedName : signedNames) {
            String name = signedName.strip().toLowerCase(Locale.ROOT);
            int skip = used.merge(name, 1, Integer::sum);
            String field = nthFromBottom(fields, name, skip);
            if (field != null) {
                data.append(RelaxedHeader.canonicalize(field)).append("\r\n");
            }
        }
        data.append(RelaxedHeader.canonicalize(unsignedField));
        return data.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String nthFromBottom(List<String> fields, String name, int n) {
        int seen = 0;
        for (int i = fields.size() - 1; i >= 0; i--) {
            if (RelaxedHeader.name(fields.get(i)).equalsIgnoreCase(name) && ++seen == n) {
                return fields.get(i);
            }
        }
        return null;
    }

    /** Joins tokens, starting a continuation line (CRLF TAB) where a token would pass the line limit. */
    private static final class Folder {
        final StringBuilder text = new StringBuilder();
        int column;

        Folder(int column) {
            this.column = column;
        }

        void add(String token, String separator) {
            if (column > 1 && column + separator.length() + token.length() > LINE) {
                text.append(FOLD).append(token);
                column = 1 + token.length();
            } else {
                text.append(separator).append(token);
                column += separator.length() + token.length();
            }
        }

        @Override
        public String toString() {
            return text.toString();
        }
    }
}
