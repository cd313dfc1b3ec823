package org.meridian.core.query;

import static java.util.stream.Collectors.joining;

import java.util.Collection;
import java.util.List;
import org.meridian.core.error.MeridianException;
import org.meridian.core.query.QueryExpression.And;
import org.meridian.core.query.QueryExpression.Comparison;
import org.meridian.core.query.QueryExpression.Exists;
import org.meridian.core.query.QueryExpression.NotExists;
import org.meridian.core.query.QueryExpression.Or;
import org.meridian.core.query.QueryLiteral.BooleanLiteral;
import org.meridian.core.query.QueryLiteral.DateLiteral;
import org.meridian.core.query.QueryLiteral.DateTimeLiteral;
import org.meridian.core.query.QueryLiteral.NumberLiteral;
import org.meridian.core.query.QueryLiteral.TextLiteral;
import org.meridian.core.query.QueryLiteral.TimeLiteral;
import org.meridian.core.query.TargetLocation.PathStep;

/**
 * Translates an expanded {@link QueryExpression} into one SQL/JSON path for {@code doc @? CAST(? AS jsonpath)}, valid
 * on PostgreSQL 15 to 18 in the default lax mode. Every name and value from the query is emitted inside a jsonpath
 * string literal or as a number, true or false, so the path cannot be altered by its input.
 *
 * <p>Date, time and date-time comparisons parse the stored strings with fixed templates rather than the default
 * {@code .datetime()}: PostgreSQL 15 does not read the "Z" designator, and comparing a zoned with an unzoned value is a
 * hard error rather than "unknown", so every alternative yields one known type compared with a literal of a compatible
 * type. Stored strings ending in "Z" are read as UTC; strings without zone designator match no date-time or time
 * literal.
 */
public final class JsonPathTranslator {
    private static final String UTC_OFFSET = "+00:00";

    private JsonPathTranslator() {
    }

    /** The complete path, {@code $ ? (predicate)}, selecting the document when it matches. */
    public static String translate(QueryExpression expression) {
        return "$ ? (" + predicate(expression) + ")";
    }

    /** The filter predicate alone, for combining with other predicates over the same {@code $}. */
    public static String predicate(QueryExpression expression) {
        return switch (expression) {
            case And and -> operands(and.operands(), " && ");
            case Or or -> operands(or.operands(), " || ");
            case Exists exists -> existence(exists.path());
            case NotExists notExists -> "!" + existence(notExists.path());
            case Comparison comparison -> comparison(comparison);
        };
    }

    /** {@code $ ? (exists($."a") || exists($."b"))}: the document has at least one of the expanded attributes. */
    public static String anyAttributeExists(Collection<String> attributeIris) {
        if (attributeIris.isEmpty()) {
            throw new IllegalArgumentException("at least one attribute is needed");
        }
        return attributeIris.stream()
                .map(iri -> "exists($." + quoteKey(iri) + ")")
                .collect(joining(" || ", "$ ? (", ")"));
    }

    /** A member name as a jsonpath string literal, for use after a dot: {@code $."https://example.org/name"}. */
    public static String quoteKey(String key) {
        return quote(key);
    }

    /** A text value as a jsonpath string literal. */
    public static String literal(String text) {
        return quote(text);
    }

    private static String quote(String text) {
        StringBuilder quoted = new StringBuilder(text.length() + 2).append('"');
        for (int index = 0; index < text.length(); index++) {
            char character = text.charAt(index);
            if (character == 0) {
                throw MeridianException.badData("A query name or value must not contain the NUL character");
            }
            if (character == '"' || character == '\\') {
                quoted.append('\\').append(character);
            } else if (character < 0x20 || character == 0x7f) {
                quoted.append(String.format("\\u%04x", (int) character));
            } else {
                quoted.append(character);
            }
        }
        return quoted.append('"').toString();
    }

    private static String operands(List<QueryExpression> operands, String operator) {
        return operands.stream()
                .map(operand -> operand instanceof And || operand instanceof Or
                        ? "(" + predicate(operand) + ")"
                        : predicate(operand))
                .collect(joining(operator));
    }

    private static String existence(AttributePath path) {
        TargetLocation location = TargetLocation.forExistence(path);
        String instances = instances(location);
        List<String> targets = location.targetPaths().stream().map(JsonPathTranslator::relativePath).toList();
        if (targets.isEmpty()) {
            // An attribute exists when the document has its key, a sub-attribute when some instance has it.
            List<String> keys = location.instanceKeys();
            return keys.size() == 1 ? "exists($." + quoteKey(keys.getFirst()) + ")" : "exists(" + instances + ")";
        }
        if (targets.size() == 1) {
            return "exists(" + instances + targets.getFirst() + ")";
        }
        return "exists(" + instances + " ? (" + anyTargetExists(targets) + "))";
    }

    private static String comparison(Comparison comparison) {
        TargetLocation location = TargetLocation.forComparison(comparison.path(), comparison.operator());
        String instances = instances(location);
        List<String> targets = location.targetPaths().stream().map(JsonPathTranslator::relativePath).toList();
        String elementPredicate = elementPredicate(comparison.operator(), comparison.value());
        if (comparison.operator() != ComparisonOperator.NOT_EQUAL) {
            return targets.size() == 1
                    ? "exists(" + instances + targets.getFirst() + " ? (" + elementPredicate + "))"
                    : "exists(" + instances + " ? (" + anyTargetSatisfies(targets, elementPredicate) + "))";
        }
        // != holds for an instance that has a target and whose target neither is nor contains a value that == matches.
        String unmatched = targets.size() == 1
                ? "!exists(@" + targets.getFirst() + " ? (" + elementPredicate + "))"
                : "!(" + anyTargetSatisfies(targets, elementPredicate) + ")";
        String present = targets.size() == 1 ? anyTargetExists(targets) : "(" + anyTargetExists(targets) + ")";
        return "exists(" + instances + " ? (" + present + " && " + unmatched + "))";
    }

    private static String instances(TargetLocation location) {
        List<String> keys = location.instanceKeys();
        StringBuilder path = new StringBuilder("$.").append(quoteKey(keys.getFirst())).append("[*]");
        keys.subList(1, keys.size()).forEach(key -> path.append('.').append(quoteKey(key)));
        return path.toString();
    }

    private static String relativePath(List<PathStep> steps) {
        return steps.stream()
                .map(step -> switch (step) {
                    case PathStep.Member member -> "." + quoteKey(member.name());
                    case PathStep.AnyMember anyMember -> ".*";
                })
                .collect(joining());
    }

    private static String anyTargetExists(List<String> targets) {
        return targets.stream().map(target -> "exists(@" + target + ")").collect(joining(" || "));
    }

    private static String anyTargetSatisfies(List<String> targets, String elementPredicate) {
        return targets.stream()
                .map(target -> "exists(@" + target + " ? (" + elementPredicate + "))")
                .collect(joining(" || "));
    }

    /** The predicate on one target element {@code @}; for {@code !=} it is that of {@code ==}, negated by the caller. */
    private static String elementPredicate(ComparisonOperator operator, QueryValue value) {
        return switch (operator) {
            case MATCHES -> "@ like_regex " + literal(patternOf(value));
            case NOT_MATCHES -> "!(@ like_regex " + literal(patternOf(value)) + ")";
            case EQUAL, NOT_EQUAL -> switch (value) {
                case QueryValue.Single single -> compare(single.literal(), "==");
                case QueryValue.ValueList list -> list.literals().stream()
                        .map(literal -> compare(literal, "=="))
                        .collect(joining(" || "));
                case QueryValue.Range range -> compare(range.minimum(), ">=") + " && " + compare(range.maximum(), "<=");
            };
            case GREATER, GREATER_OR_EQUAL, LESS, LESS_OR_EQUAL -> compare(singleLiteral(value), operator.symbol());
        };
    }

    private static String patternOf(QueryValue value) {
        return ((TextLiteral) singleLiteral(value)).text();
    }

    private static QueryLiteral singleLiteral(QueryValue value) {
        return ((QueryValue.Single) value).literal();
    }

    private static String compare(QueryLiteral literal, String operator) {
        return switch (literal) {
            case TextLiteral text -> "@ " + operator + " " + literal(text.text());
            case NumberLiteral number -> "@ " + operator + " " + number.number().toString();
            case BooleanLiteral booleanLiteral -> "@ " + operator + " " + booleanLiteral.value();
            case DateTimeLiteral dateTime -> temporal(operator, dateTime, TemporalLiterals.utcDateTimeText(dateTime));
            case DateLiteral date -> temporal(operator, date, TemporalLiterals.dateText(date));
            case TimeLiteral time -> temporal(operator, time, TemporalLiterals.timeText(time.time()));
        };
    }

    /**
     * A disjunction over the forms a stored value may take: each form parses {@code @} to one type, compared with the
     * literal written unzoned or, for zoned forms, with a zero offset.
     */
    private static String temporal(String operator, QueryLiteral temporalLiteral, String utcText) {
        return StoredTemporalForm.comparableWith(temporalLiteral).stream()
                .map(form -> "@.datetime(" + literal(form.template()) + ") " + operator + " "
                        + literal(form.zoned() ? utcText + UTC_OFFSET : utcText) + ".datetime()")
                .collect(joining(" || ", "(", ")"));
    }
}
