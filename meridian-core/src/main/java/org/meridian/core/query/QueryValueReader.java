package org.meridian.core.query;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.meridian.core.error.MeridianException;

/** Reads the right side of a q term: literals, value lists, ranges and regular expressions (see {@link QueryParser}). */
final class QueryValueReader {
    private static final Pattern JSON_NUMBER = Pattern.compile("-?(?:0|[1-9]\\d*)(?:\\.\\d+)?(?:[eE][+-]?\\d+)?");
    /** PostgreSQL numerics overflow far beyond this decimal exponent; larger literals would make the jsonpath fail. */
    private static final int MAX_DECIMAL_EXPONENT = 1000;

    private final SyntaxCursor cursor;

    QueryValueReader(SyntaxCursor cursor) {
        this.cursor = cursor;
    }

    /** Reads the value after {@code operator}: a regular expression for pattern operators, else literals. */
    QueryValue read(ComparisonOperator operator) {
        if (operator.isPattern()) {
            return new QueryValue.Single(new QueryLiteral.TextLiteral(pattern()));
        }
        int start = cursor.position();
        QueryLiteral first = literal();
        if (cursor.startsWith("..")) {
            if (!operator.acceptsListOrRange()) {
                throw cursor.errorAt(cursor.position(), "a range is only allowed after == or !=");
            }
            cursor.consume("..");
            QueryLiteral last = literal();
            if (first.getClass() != last.getClass() || first instanceof QueryLiteral.BooleanLiteral) {
                throw cursor.errorAt(start,
                        "the bounds of a range must be two numbers, strings, dates, times or date-times");
            }
            return new QueryValue.Range(first, last);
        }
        if (cursor.peek() != ',') {
            return new QueryValue.Single(first);
        }
        if (!operator.acceptsListOrRange()) {
            throw cursor.errorAt(cursor.position(), "a value list is only allowed after == or !=");
        }
        List<QueryLiteral> literals = new ArrayList<>(List.of(first));
        while (cursor.consume(",")) {
            literals.add(literal());
        }
        return new QueryValue.ValueList(literals);
    }

    private QueryLiteral literal() {
        if (cursor.peek() == '"') {
            return new QueryLiteral.TextLiteral(quotedString());
        }
        int start = cursor.position();
        String token = unquotedToken();
        if (token.isEmpty()) {
            throw cursor.expected("a value");
        }
        return switch (token) {
            case "true" -> new QueryLiteral.BooleanLiteral(true);
            case "false" -> new QueryLiteral.BooleanLiteral(false);
            default -> numberOrTemporalOrText(token, start);
        };
    }

    private QueryLiteral numberOrTemporalOrText(String token, int start) {
        if (JSON_NUMBER.matcher(token).matches()) {
            BigDecimal number = new BigDecimal(token);
            if (number.signum() != 0 && Math.abs(number.precision() - number.scale() - 1) > MAX_DECIMAL_EXPONENT) {
                throw cursor.errorAt(start, "the number '" + token + "' is out of range");
            }
            return new QueryLiteral.NumberLiteral(number);
        }
        boolean numeric = Character.isDigit(token.charAt(0))
                || (token.length() > 1 && token.charAt(0) == '-' && Character.isDigit(token.charAt(1)));
        if (!numeric) {
            return new QueryLiteral.TextLiteral(token);
        }
        try {
            return TemporalLiterals.parse(token).orElseThrow(() -> cursor.errorAt(start, "'" + token
                    + "' is neither a number nor a date, time or date-time; quote it to compare it as text"));
        } catch (DateTimeException e) {
            throw cursor.errorAt(start, "'" + token + "' is not a valid date, time or date-time: " + e.getMessage());
        }
    }

    /** Unquoted text runs up to a delimiter of the grammar, an operator character or a range's "..". */
    private String unquotedToken() {
        int start = cursor.position();
        while (!cursor.atEnd()) {
            int next = cursor.peek();
            if (",;|()\"=<>!~".indexOf(next) >= 0 || SyntaxCursor.isBlankOrControl(next) || cursor.startsWith("..")) {
                break;
            }
            cursor.advance();
        }
        return cursor.text().substring(start, cursor.position());
    }

    private String pattern() {
        int start = cursor.position();
        String pattern = cursor.peek() == '"' ? quotedString() : unquotedPattern();
        if (pattern.isEmpty() && cursor.position() == start) {
            throw cursor.expected("a regular expression");
        }
        try {
            ClientRegex.compile(pattern, null);
        } catch (MeridianException e) {
            throw cursor.errorAt(start, e.detail());
        }
        return pattern;
    }

    /**
     * An unquoted pattern runs up to ';', '|' or a ')' closing an enclosing group; parentheses it opens itself and
     * backslash escapes stay inside it. Patterns with a top-level '|' or blanks have to be quoted.
     */
    private String unquotedPattern() {
        int start = cursor.position();
        int openGroups = 0;
        while (!cursor.atEnd()) {
            int next = cursor.peek();
            boolean endsTerm = openGroups == 0 && (next == '|' || next == ')');
            if (next == ';' || endsTerm || SyntaxCursor.isBlankOrControl(next)) {
                break;
            }
            if (next == '(') {
                openGroups++;
            } else if (next == ')') {
                openGroups--;
            } else if (next == '\\') {
                cursor.advance();
                if (cursor.atEnd()) {
                    break;
                }
            }
            cursor.advance();
        }
        return cursor.text().substring(start, cursor.position());
    }

    /** A JSON string (RFC 8259, section 7), without the NUL character PostgreSQL text cannot hold. */
    private String quotedString() {
        int open = cursor.position();
        cursor.advance();
        StringBuilder text = new StringBuilder();
        while (true) {
            int next = cursor.peek();
            if (next == SyntaxCursor.END) {
                throw cursor.errorAt(open, "the string starting here has no closing '\"'");
            }
            if (next == '"') {
                cursor.advance();
                return text.toString();
            }
            if (next < 0x20) {
                throw cursor.errorAt(cursor.position(), "a control character must be escaped inside a quoted string");
            }
            if (next == '\\') {
                text.append(escapedCharacter());
            } else {
                text.appendCodePoint(next);
                cursor.advance();
            }
        }
    }

    private char escapedCharacter() {
        int backslash = cursor.position();
        cursor.advance();
        int escape = cursor.peek();
        if (escape == SyntaxCursor.END) {
            throw cursor.errorAt(backslash, "the escape sequence is incomplete");
        }
        cursor.advance();
        return switch (escape) {
            case '"' -> '"';
            case '\\' -> '\\';
            case '/' -> '/';
            case 'b' -> '\b';
            case 'f' -> '\f';
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 't' -> '\t';
            case 'u' -> unicodeEscape(backslash);
            default -> throw cursor.errorAt(backslash,
                    "invalid escape sequence '\\" + Character.toString(escape) + "'");
        };
    }

    private char unicodeEscape(int backslash) {
        int end = Math.min(cursor.position() + 4, cursor.text().length());
        String digits = cursor.text().substring(cursor.position(), end);
        if (!digits.matches("[0-9a-fA-F]{4}")) {
            throw cursor.errorAt(backslash, "a \\u escape needs four hexadecimal digits");
        }
        char character = (char) Integer.parseInt(digits, 16);
        if (character == 0) {
            throw cursor.errorAt(backslash, "the NUL character is not allowed");
        }
        cursor.consume(digits);
        return character;
    }
}
