package org.meridian.core.query;

import java.util.function.IntPredicate;
import org.meridian.core.error.ErrorType;
import org.meridian.core.error.MeridianException;

/**
 * A read position in a query parameter, shared by the q, type and scopeQ parsers, which builds error messages that name
 * the parameter, the position (0-based, in UTF-16 units) and what was expected there.
 */
final class SyntaxCursor {
    static final int END = -1;
    /** Parentheses deeper than this are refused as too complex, which also bounds the parsers' recursion. */
    static final int MAX_NESTING_DEPTH = 32;

    private final String parameter;
    private final String text;
    private int position;
    private int groupDepth;

    SyntaxCursor(String parameter, String text) {
        this.parameter = parameter;
        this.text = text;
    }

    String text() {
        return text;
    }

    int position() {
        return position;
    }

    boolean atEnd() {
        return position >= text.length();
    }

    /** The code point at the current position, or {@link #END}. */
    int peek() {
        return atEnd() ? END : text.codePointAt(position);
    }

    boolean startsWith(String token) {
        return text.startsWith(token, position);
    }

    void advance() {
        position += Character.charCount(text.codePointAt(position));
    }

    boolean consume(String token) {
        if (!startsWith(token)) {
            return false;
        }
        position += token.length();
        return true;
    }

    void expect(String token, String expectation) {
        if (!consume(token)) {
            throw expected(expectation);
        }
    }

    /** Consumes code points while they satisfy {@code accepted} and returns them. */
    String takeWhile(IntPredicate accepted) {
        int start = position;
        while (!atEnd() && accepted.test(peek())) {
            advance();
        }
        return text.substring(start, position);
    }

    MeridianException expected(String expectation) {
        return errorAt(position, "expected " + expectation + " but found " + describeCurrent());
    }

    MeridianException errorAt(int errorPosition, String problem) {
        return MeridianException.badData("Invalid " + parameter + " at position " + errorPosition + ": " + problem);
    }

    MeridianException tooComplex(String problem) {
        return new MeridianException(ErrorType.TOO_COMPLEX_QUERY,
                "The " + parameter + " query is too complex: " + problem);
    }

    /** Records that a parenthesised group opens, refusing groups nested deeper than {@link #MAX_NESTING_DEPTH}. */
    void enterGroup() {
        if (++groupDepth > MAX_NESTING_DEPTH) {
            throw tooComplex("parentheses are nested more than " + MAX_NESTING_DEPTH + " levels deep");
        }
    }

    void leaveGroup() {
        groupDepth--;
    }

    private String describeCurrent() {
        if (atEnd()) {
            return "the end of " + parameter;
        }
        int codePoint = peek();
        if (Character.isISOControl(codePoint) || Character.isWhitespace(codePoint)) {
            return String.format("the character U+%04X", codePoint);
        }
        return "'" + Character.toString(codePoint) + "'";
    }

    /** Letters and numbers in the Unicode sense, as NGSI-LD names allow (\p{L} and \p{N}). */
    static boolean isLetterOrNumber(int codePoint) {
        if (Character.isLetter(codePoint)) {
            return true;
        }
        int category = Character.getType(codePoint);
        return category == Character.DECIMAL_DIGIT_NUMBER || category == Character.LETTER_NUMBER
                || category == Character.OTHER_NUMBER;
    }

    static boolean isBlankOrControl(int codePoint) {
        return Character.isWhitespace(codePoint) || Character.isSpaceChar(codePoint)
                || Character.isISOControl(codePoint);
    }
}
