package org.meridian.core.query;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.meridian.core.query.QueryExpression.And;
import org.meridian.core.query.QueryExpression.Comparison;
import org.meridian.core.query.QueryExpression.Exists;
import org.meridian.core.query.QueryExpression.NotExists;
import org.meridian.core.query.QueryExpression.Or;
import org.meridian.core.query.TargetLocation.PathStep;

/**
 * Evaluates an expanded {@link QueryExpression} against a stored entity document in memory, with the meaning of the
 * path {@link JsonPathTranslator} produces: SQL/JSON lax mode navigation (arrays unwrapped one level by member
 * accessors, filters and comparison operands), three-valued comparisons, and PostgreSQL's ordering of strings (by code
 * point), numbers, booleans and temporal values.
 *
 * <p>Known differences with PostgreSQL: regular expressions are Java's, which agree with PostgreSQL's POSIX ones on
 * common syntax but not on every construct or around line breaks; and stored temporal strings are read only in the
 * canonical spellings of {@link StoredTemporalForm}, while PostgreSQL's templates also tolerate some sloppy ones.
 */
public final class QueryEvaluator {

    private QueryEvaluator() {
    }

    /** Whether {@code document}, laid out as stored ({@code {"<attribute IRI>": [instance, ...]}}), matches. */
    public static boolean matches(QueryExpression expression, JsonNode document) {
        return switch (expression) {
            case And and -> and.operands().stream().allMatch(operand -> matches(operand, document));
            case Or or -> or.operands().stream().anyMatch(operand -> matches(operand, document));
            case Exists exists -> exists(exists.path(), document);
            case NotExists notExists -> !exists(notExists.path(), document);
            case Comparison comparison -> compare(comparison, document);
        };
    }

    private static boolean exists(AttributePath path, JsonNode document) {
        TargetLocation location = TargetLocation.forExistence(path);
        if (location.targetPaths().isEmpty() && location.instanceKeys().size() == 1) {
            return document.has(path.attribute());
        }
        List<JsonNode> instances = instances(location, document);
        if (location.targetPaths().isEmpty()) {
            return !instances.isEmpty();
        }
        return instances.stream().anyMatch(instance -> hasTarget(instance, location));
    }

    private static boolean compare(Comparison comparison, JsonNode document) {
        TargetLocation location = TargetLocation.forComparison(comparison.path(), comparison.operator());
        List<JsonNode> instances = instances(location, document);
        Function<JsonNode, Truth> predicate = elementPredicate(comparison.operator(), comparison.value());
        if (comparison.operator() != ComparisonOperator.NOT_EQUAL) {
            return instances.stream().anyMatch(instance -> anyTargetSatisfies(instance, location, predicate));
        }
        return instances.stream().anyMatch(instance ->
                hasTarget(instance, location) && !anyTargetSatisfies(instance, location, predicate));
    }

    private static List<JsonNode> instances(TargetLocation location, JsonNode document) {
        List<String> keys = location.instanceKeys();
        List<JsonNode> nodes = arrayElements(member(List.of(document), keys.getFirst()));
        for (String key : keys.subList(1, keys.size())) {
            nodes = member(nodes, key);
        }
        return nodes;
    }

    private static boolean hasTarget(JsonNode instance, TargetLocation location) {
        return location.targetPaths().stream().anyMatch(path -> !follow(instance, path).isEmpty());
    }

    /** Whether the filter {@code target ? (predicate)} selects an element, for some target of the instance. */
    private static boolean anyTargetSatisfies(JsonNode instance, TargetLocation location,
                                              Function<JsonNode, Truth> predicate) {
        return location.targetPaths().stream()
                .flatMap(path -> arrayElements(follow(instance, path)).stream())
                .anyMatch(element -> predicate.apply(element) == Truth.TRUE);
    }

    private static List<JsonNode> follow(JsonNode instance, List<PathStep> path) {
        List<JsonNode> nodes = List.of(instance);
        for (PathStep step : path) {
            nodes = switch (step) {
                case PathStep.Member member -> member(nodes, member.name());
                case PathStep.AnyMember anyMember -> anyMember(nodes);
            };
        }
        return nodes;
    }

    /** The {@code ."key"} accessor in lax mode: an array is unwrapped one level. */
    private static List<JsonNode> member(List<JsonNode> nodes, String key) {
        List<JsonNode> members = new ArrayList<>();
        for (JsonNode node : arrayElements(nodes)) {
            if (node.isObject() && node.has(key)) {
                members.add(node.get(key));
            }
        }
        return members;
    }

    /** The {@code .*} accessor in lax mode. */
    private static List<JsonNode> anyMember(List<JsonNode> nodes) {
        List<JsonNode> members = new ArrayList<>();
        for (JsonNode node : arrayElements(nodes)) {
            if (node.isObject()) {
                node.elements().forEachRemaining(members::add);
            }
        }
        return members;
    }

    /** Lax mode unwrapping: an array stands for its elements, anything else for itself. */
    private static List<JsonNode> arrayElements(List<JsonNode> nodes) {
        List<JsonNode> elements = new ArrayList<>();
        for (JsonNode node : nodes) {
            if (node.isArray()) {
                node.elements().forEachRemaining(elements::add);
            } else {
                elements.add(node);
            }
        }
        return elements;
    }

    /** The predicate on one target element, as {@link JsonPathTranslator} writes it; for != that of ==. */
    private static Function<JsonNode, Truth> elementPredicate(ComparisonOperator operator, QueryValue value) {
        return switch (operator) {
            case MATCHES -> {
                var pattern = patternOf(value);
                yield element -> regexMatch(pattern, element);
            }
            case NOT_MATCHES -> {
                var pattern = patternOf(value);
                yield element -> regexMatch(pattern, element).not();
            }
            case EQUAL, NOT_EQUAL -> switch (value) {
                case QueryValue.Single single ->
                        element -> compare(element, ComparisonOperator.EQUAL, single.literal());
                case QueryValue.ValueList list -> element -> list.literals().stream()
                        .map(literal -> compare(element, ComparisonOperator.EQUAL, literal))
                        .reduce(Truth.FALSE, Truth::or);
                case QueryValue.Range range -> element ->
                        compare(element, ComparisonOperator.GREATER_OR_EQUAL, range.minimum())
                                .and(compare(element, ComparisonOperator.LESS_OR_EQUAL, range.maximum()));
            };
            case GREATER, GREATER_OR_EQUAL, LESS, LESS_OR_EQUAL ->
                    element -> compare(element, operator, ((QueryValue.Single) value).literal());
        };
    }

    private static com.google.re2j.Pattern patternOf(QueryValue value) {
        String regex = ((QueryLiteral.TextLiteral) ((QueryValue.Single) value).literal()).text();
        return ClientRegex.compile(regex, null);
    }

    /** {@code @ like_regex pattern}: a partial match on strings, unknown for anything else. */
    private static Truth regexMatch(com.google.re2j.Pattern pattern, JsonNode element) {
        return anyOperand(element, operand -> operand.isTextual()
                ? Truth.of(pattern.matcher(operand.textValue()).find())
                : Truth.UNKNOWN);
    }

    /** {@code @ operator literal}, or for temporal literals the disjunction over the comparable stored forms. */
    private static Truth compare(JsonNode element, ComparisonOperator operator, QueryLiteral literal) {
        return switch (literal) {
            case QueryLiteral.TextLiteral text -> anyOperand(element, operand -> operand.isTextual()
                    ? holds(operator, compareCodePoints(operand.textValue(), text.text()))
                    : incomparable(operand));
            case QueryLiteral.NumberLiteral number -> anyOperand(element, operand -> operand.isNumber()
                    ? holds(operator, operand.decimalValue().compareTo(number.number()))
                    : incomparable(operand));
            case QueryLiteral.BooleanLiteral booleanLiteral -> anyOperand(element, operand -> operand.isBoolean()
                    ? holds(operator, Boolean.compare(operand.booleanValue(), booleanLiteral.value()))
                    : incomparable(operand));
            case QueryLiteral.DateTimeLiteral dateTime -> compareTemporal(element, operator, literal);
            case QueryLiteral.DateLiteral date -> compareTemporal(element, operator, literal);
            case QueryLiteral.TimeLiteral time -> compareTemporal(element, operator, literal);
        };
    }

    /** Each form is one {@code @.datetime(template) op literal}, unknown as a whole if any operand fails to parse. */
    private static Truth compareTemporal(JsonNode element, ComparisonOperator operator, QueryLiteral literal) {
        StoredTemporalForm.Key literalKey = StoredTemporalForm.Key.of(literal);
        List<JsonNode> operands = arrayElements(List.of(element));
        Truth result = Truth.FALSE;
        for (StoredTemporalForm form : StoredTemporalForm.comparableWith(literal)) {
            List<Optional<StoredTemporalForm.Key>> keys = operands.stream()
                    .map(operand -> operand.isTextual()
                            ? form.read(operand.textValue())
                            : Optional.<StoredTemporalForm.Key>empty())
                    .toList();
            Truth formResult = keys.stream().anyMatch(Optional::isEmpty)
                    ? Truth.UNKNOWN
                    : keys.stream()
                            .map(key -> holds(operator, key.orElseThrow().compareTo(literalKey)))
                            .reduce(Truth.FALSE, Truth::or);
            result = result.or(formResult);
        }
        return result;
    }

    /** A comparison operand in lax mode: an array is unwrapped, and the result is true when any element yields true. */
    private static Truth anyOperand(JsonNode element, Function<JsonNode, Truth> test) {
        Truth result = Truth.FALSE;
        for (JsonNode operand : arrayElements(List.of(element))) {
            Truth truth = test.apply(operand);
            if (truth == Truth.TRUE) {
                return Truth.TRUE;
            }
            result = result.or(truth);
        }
        return result;
    }

    /** PostgreSQL: null compares false with any other scalar; other mismatched or structured items are incomparable. */
    private static Truth incomparable(JsonNode operand) {
        return operand.isNull() ? Truth.FALSE : Truth.UNKNOWN;
    }

    private static Truth holds(ComparisonOperator operator, int comparison) {
        return Truth.of(switch (operator) {
            case EQUAL -> comparison == 0;
            case NOT_EQUAL -> comparison != 0;
            case GREATER -> comparison > 0;
            case GREATER_OR_EQUAL -> comparison >= 0;
            case LESS -> comparison < 0;
            case LESS_OR_EQUAL -> comparison <= 0;
            case MATCHES, NOT_MATCHES -> throw new IllegalArgumentException("not an ordering operator: " + operator);
        });
    }

    private static int compareCodePoints(String left, String right) {
        return Arrays.compare(left.codePoints().toArray(), right.codePoints().toArray());
    }
}
