package org.meridian.core.query;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * An NGSI-LD entity type selection (ETSI GS CIM 009, clause 4.17), the {@code type} parameter: {@code A,B} and
 * {@code A|B} select entities of type A or B, {@code A;B} entities of both types; AND binds tighter, parentheses group.
 */
public sealed interface TypeExpression {

    /** One type name as written: a term, a prefixed name or an IRI. */
    record TypeName(String name) implements TypeExpression {
        public TypeName {
            Objects.requireNonNull(name, "name");
            if (name.isEmpty()) {
                throw new IllegalArgumentException("a type name must not be empty");
            }
        }
    }

    /** The entity has every one of the types; nested conjunctions are flattened. */
    record AllOf(List<TypeExpression> operands) implements TypeExpression {
        public AllOf {
            operands = List.copyOf(operands);
            if (operands.size() < 2) {
                throw new IllegalArgumentException("a conjunction has at least two operands");
            }
        }
    }

    /** The entity has at least one of the types; nested disjunctions are flattened. */
    record AnyOf(List<TypeExpression> operands) implements TypeExpression {
        public AnyOf {
            operands = List.copyOf(operands);
            if (operands.size() < 2) {
                throw new IllegalArgumentException("a disjunction has at least two operands");
            }
        }
    }

    /**
     * Parses the type parameter.
     *
     * @throws org.meridian.core.error.MeridianException BadRequestData naming the position of a syntax error
     */
    static TypeExpression parse(String type) {
        return LogicalGrammar.parse("type", Objects.requireNonNull(type, "type"), new LogicalGrammar.Builder<>() {
            @Override
            public TypeExpression operand(SyntaxCursor cursor) {
                String name = cursor.takeWhile(codePoint -> "(),;|".indexOf(codePoint) < 0
                        && !SyntaxCursor.isBlankOrControl(codePoint));
                if (name.isEmpty()) {
                    throw cursor.expected("an entity type");
                }
                return new TypeName(name);
            }

            @Override
            public TypeExpression allOf(List<TypeExpression> operands) {
                return new AllOf(operands.stream()
                        .flatMap(operand -> operand instanceof AllOf allOf
                                ? allOf.operands().stream()
                                : Stream.of(operand))
                        .toList());
            }

            @Override
            public TypeExpression anyOf(List<TypeExpression> operands) {
                return new AnyOf(operands.stream()
                        .flatMap(operand -> operand instanceof AnyOf anyOf
                                ? anyOf.operands().stream()
                                : Stream.of(operand))
                        .toList());
            }
        });
    }

    /** Every type name mentioned, as written, in order of first appearance. */
    default Set<String> names() {
        Set<String> names = new LinkedHashSet<>();
        switch (this) {
            case TypeName typeName -> names.add(typeName.name());
            case AllOf allOf -> allOf.operands().forEach(operand -> names.addAll(operand.names()));
            case AnyOf anyOf -> anyOf.operands().forEach(operand -> names.addAll(operand.names()));
        }
        return Collections.unmodifiableSet(names);
    }

    /**
     * A SQL boolean expression over a {@code text[]} column of expanded type IRIs, using only {@code ?} placeholders,
     * in GIN-index friendly form: the type names directly under one OR become {@code column && ?::text[]}, those
     * under one AND {@code column @> ?::text[]}, each with one {@code String[]} parameter. Compound results are
     * parenthesised.
     *
     * @param columnName a plain column name, optionally table-qualified
     * @param parameters receives the parameters, appended in placeholder order
     * @param expandType maps a type name as written to its IRI
     */
    default String toSql(String columnName, List<Object> parameters, UnaryOperator<String> expandType) {
        String column = SqlColumns.require(columnName);
        return switch (this) {
            case TypeName typeName -> {
                parameters.add(new String[] {expandType.apply(typeName.name())});
                yield column + " @> ?::text[]";
            }
            case AllOf allOf -> combine(allOf.operands(), column, "@>", " AND ", parameters, expandType);
            case AnyOf anyOf -> combine(anyOf.operands(), column, "&&", " OR ", parameters, expandType);
        };
    }

    private static String combine(List<TypeExpression> operands, String column, String arrayOperator,
                                  String logicalOperator, List<Object> parameters, UnaryOperator<String> expandType) {
        List<String> conditions = new ArrayList<>();
        String[] names = operands.stream()
                .flatMap(operand -> operand instanceof TypeName typeName ? Stream.of(typeName.name()) : Stream.empty())
                .map(expandType)
                .distinct()
                .toArray(String[]::new);
        if (names.length > 0) {
            conditions.add(column + " " + arrayOperator + " ?::text[]");
            parameters.add(names);
        }
        operands.stream()
                .filter(operand -> !(operand instanceof TypeName))
                .forEach(operand -> conditions.add(operand.toSql(column, parameters, expandType)));
        return conditions.size() == 1 ? conditions.getFirst() : "(" + String.join(logicalOperator, conditions) + ")";
    }
}
