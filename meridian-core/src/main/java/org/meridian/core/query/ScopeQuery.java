package org.meridian.core.query;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * An NGSI-LD scope query (ETSI GS CIM 009, clause 4.19), the {@code scopeQ} parameter. Scopes are paths such as
 * {@code /Madrid/Gardens/ParqueNorte}; {@code /Madrid/#} selects {@code /Madrid} and every scope below it,
 * {@code /Madrid/+} exactly one level below, {@code /#} any scope at all. {@code ;} is AND and binds tighter than OR,
 * written {@code |} or {@code ,}; parentheses group. An entity matches a pattern when any one of its scopes does.
 */
public sealed interface ScopeQuery {

    /**
     * A scope pattern.
     *
     * @param levels             the levels after the leading '/', where {@link #ANY_LEVEL} stands for any one level
     * @param includeDescendants whether the pattern ends in "/#"; with no levels it is "/#", matching every scope
     */
    record ScopePattern(List<String> levels, boolean includeDescendants) implements ScopeQuery {
        public static final String ANY_LEVEL = "+";
        private static final Pattern LEVEL = Pattern.compile("[\\p{L}\\p{N}_]+");

        /** Levels hold only letters, numbers and '_', so they need no escaping inside a regular expression. */
        public ScopePattern {
            levels = List.copyOf(levels);
            if (levels.isEmpty() && !includeDescendants) {
                throw new IllegalArgumentException("a scope pattern has a level or ends in '#'");
            }
            for (String level : levels) {
                if (!level.equals(ANY_LEVEL) && !LEVEL.matcher(level).matches()) {
                    throw new IllegalArgumentException("invalid scope level: " + level);
                }
            }
        }

        /** The pattern as written in scopeQ. */
        public String text() {
            String path = levels.stream().map(level -> "/" + level).reduce("", String::concat);
            return includeDescendants ? path + "/#" : path;
        }

        boolean matchesAnyScope() {
            return levels.isEmpty();
        }

        boolean isExact() {
            return !includeDescendants && !levels.contains(ANY_LEVEL);
        }

        /** The scope path an exact pattern matches. */
        String exactScope() {
            return levels.stream().map(level -> "/" + level).reduce("", String::concat);
        }

        /** An anchored regular expression, with the same meaning in Java and in PostgreSQL's {@code ~}. */
        String regularExpression() {
            String path = levels.stream()
                    .map(level -> level.equals(ANY_LEVEL) ? "/[^/]+" : "/" + level)
                    .reduce("", String::concat);
            return "^" + path + (includeDescendants ? "(/.*)?" : "") + "$";
        }
    }

    /** Every operand matches, possibly through different scopes of the entity. */
    record AllOf(List<ScopeQuery> operands) implements ScopeQuery {
        public AllOf {
            operands = List.copyOf(operands);
            if (operands.size() < 2) {
                throw new IllegalArgumentException("a conjunction has at least two operands");
            }
        }
    }

    /** At least one operand matches. */
    record AnyOf(List<ScopeQuery> operands) implements ScopeQuery {
        public AnyOf {
            operands = List.copyOf(operands);
            if (operands.size() < 2) {
                throw new IllegalArgumentException("a disjunction has at least two operands");
            }
        }
    }

    /**
     * Parses the scopeQ parameter.
     *
     * @throws org.meridian.core.error.MeridianException BadRequestData naming the position of a syntax error
     */
    static ScopeQuery parse(String scopeQ) {
        return LogicalGrammar.parse("scopeQ", Objects.requireNonNull(scopeQ, "scopeQ"), new LogicalGrammar.Builder<>() {
            @Override
            public ScopeQuery operand(SyntaxCursor cursor) {
                return pattern(cursor);
            }

            @Override
            public ScopeQuery allOf(List<ScopeQuery> operands) {
                return new AllOf(operands.stream()
                        .flatMap(operand -> operand instanceof AllOf allOf
                                ? allOf.operands().stream()
                                : Stream.of(operand))
                        .toList());
            }

            @Override
            public ScopeQuery anyOf(List<ScopeQuery> operands) {
                return new AnyOf(operands.stream()
                        .flatMap(operand -> operand instanceof AnyOf anyOf
                                ? anyOf.operands().stream()
                                : Stream.of(operand))
                        .toList());
            }
        });
    }

    private static ScopePattern pattern(SyntaxCursor cursor) {
        cursor.expect("/", "a scope starting with '/'");
        List<String> levels = new ArrayList<>();
        do {
            if (cursor.consume("#")) {
                return new ScopePattern(levels, true);
            }
            if (cursor.consume(ScopePattern.ANY_LEVEL)) {
                levels.add(ScopePattern.ANY_LEVEL);
            } else {
                String level = cursor.takeWhile(
                        codePoint -> SyntaxCursor.isLetterOrNumber(codePoint) || codePoint == '_');
                if (level.isEmpty()) {
                    throw cursor.expected("a scope level, '+' or '#'");
                }
                levels.add(level);
            }
        } while (cursor.consume("/"));
        return new ScopePattern(levels, false);
    }

    /** Whether an entity with these scopes matches. */
    default boolean matches(Collection<String> scopes) {
        return switch (this) {
            case ScopePattern pattern when pattern.matchesAnyScope() -> !scopes.isEmpty();
            case ScopePattern pattern when pattern.isExact() -> scopes.contains(pattern.exactScope());
            case ScopePattern pattern -> {
                Pattern expression = Pattern.compile(pattern.regularExpression(), Pattern.DOTALL);
                yield scopes.stream().anyMatch(scope -> expression.matcher(scope).matches());
            }
            case AllOf allOf -> allOf.operands().stream().allMatch(operand -> operand.matches(scopes));
            case AnyOf anyOf -> anyOf.operands().stream().anyMatch(operand -> operand.matches(scopes));
        };
    }

    /**
     * A SQL boolean expression over a {@code text[]} column of the entity's scopes, using only {@code ?} placeholders.
     * Exact patterns directly under one OR become {@code column && ?::text[]}, under one AND
     * {@code column @> ?::text[]} (a {@code String[]} parameter, GIN-index friendly); wildcard patterns test each
     * scope with {@code ~} against a {@code String} parameter; "/#" is {@code cardinality(column) > 0}. A NULL column
     * never matches. Compound results are parenthesised.
     *
     * @param columnName a plain column name, optionally table-qualified
     * @param parameters receives the parameters, appended in placeholder order
     */
    default String toSql(String columnName, List<Object> parameters) {
        String column = SqlColumns.require(columnName);
        return switch (this) {
            case ScopePattern pattern -> patternSql(pattern, column, parameters);
            case AllOf allOf -> combine(allOf.operands(), column, "@>", " AND ", parameters);
            case AnyOf anyOf -> combine(anyOf.operands(), column, "&&", " OR ", parameters);
        };
    }

    private static String patternSql(ScopePattern pattern, String column, List<Object> parameters) {
        if (pattern.matchesAnyScope()) {
            return "cardinality(" + column + ") > 0";
        }
        if (pattern.isExact()) {
            parameters.add(new String[] {pattern.exactScope()});
            return column + " @> ?::text[]";
        }
        parameters.add(pattern.regularExpression());
        return "EXISTS (SELECT 1 FROM unnest(" + column + ") AS entity_scope WHERE entity_scope ~ ?)";
    }

    private static String combine(List<ScopeQuery> operands, String column, String arrayOperator,
                                  String logicalOperator, List<Object> parameters) {
        List<String> conditions = new ArrayList<>();
        String[] exactScopes = operands.stream()
                .flatMap(operand -> operand instanceof ScopePattern pattern && pattern.isExact()
                        ? Stream.of(pattern.exactScope())
                        : Stream.empty())
                .distinct()
                .toArray(String[]::new);
        if (exactScopes.length > 0) {
            conditions.add(column + " " + arrayOperator + " ?::text[]");
            parameters.add(exactScopes);
        }
        operands.stream()
                .filter(operand -> !(operand instanceof ScopePattern pattern && pattern.isExact()))
                .forEach(operand -> conditions.add(operand.toSql(column, parameters)));
        return conditions.size() == 1 ? conditions.getFirst() : "(" + String.join(logicalOperator, conditions) + ")";
    }
}
