package org.meridian.core.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.Map;
import org.meridian.core.error.MeridianException;

/**
 * What PostgreSQL can store exactly as a client sent it. Its text and {@code jsonb} refuse U+0000 (the whole write,
 * or a whole batch of device measurements, failed with a 500), a lone UTF-16 surrogate would be stored as '?'
 * (changed silently), and {@code numeric} overflows on exponents far from zero. Checked once, where JSON enters, so
 * every write path refuses them with the place of the offending value.
 */
public final class StorableText {
    /** Decimal exponents accepted in numbers, either way (1e1000 is far beyond any measurement). */
    public static final int MAX_DECIMAL_EXPONENT = 1000;

    private StorableText() {
    }

    /** Throws BadRequestData naming the JSON pointer of the first value that cannot be stored as given. */
    public static void require(JsonNode node) {
        check(node, "");
    }

    /** Throws BadRequestData when the text cannot be stored as given; {@code what} names it in the message. */
    public static void require(String text, String what) {
        String problem = problem(text);
        if (problem != null) {
            throw MeridianException.badData(what + " " + problem);
        }
    }

    private static void check(JsonNode node, String pointer) {
        if (node.isTextual()) {
            require(node.textValue(), at(pointer));
        } else if (node.isBigDecimal()) {
            BigDecimal number = node.decimalValue();
            long exponent = (long) number.precision() - number.scale() - 1;
            if (Math.abs(exponent) > MAX_DECIMAL_EXPONENT && number.signum() != 0) {
                throw MeridianException.badData(at(pointer) + " is a number beyond 1e±" + MAX_DECIMAL_EXPONENT);
            }
        } else if (node.isObject()) {
            for (Map.Entry<String, JsonNode> member : node.properties()) {
                String child = pointer + "/" + member.getKey().replace("~", "~0").replace("/", "~1");
                String problem = problem(member.getKey());
                if (problem != null) {
                    throw MeridianException.badData("The member name at " + printable(child) + " " + problem);
                }
                check(member.getValue(), child);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                check(node.get(i), pointer + "/" + i);
            }
        }
    }

    private static String at(String pointer) {
        return "The value at " + (pointer.isEmpty() ? "the top level" : printable(pointer));
    }

    /** What is wrong with the text, or null. */
    private static String problem(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == 0) {
                return "contains the character U+0000 (at character " + i + "), which cannot be stored";
            }
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return "contains half of a UTF-16 surrogate pair (\\u" + Integer.toHexString(c).toUpperCase(java.util.Locale.ROOT)
                        + " at character " + i + "), which is not a Unicode character";
            }
        }
        return null;
    }

    /** A pointer as the error message shows it: the bad characters themselves written as escapes. */
    private static String printable(String pointer) {
        StringBuilder out = new StringBuilder(pointer.length());
        pointer.chars().forEach(c -> {
            if (c == 0 || Character.isSurrogate((char) c)) {
                out.append(String.format("\\u%04X", c));
            } else {
                out.append((char) c);
            }
        });
        return out.toString();
    }
}
