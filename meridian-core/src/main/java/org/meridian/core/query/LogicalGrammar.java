package org.meridian.core.query;

import java.util.ArrayList;
import java.util.List;

/**
 * The logical skeleton shared by the entity type selection (clause 4.17) and scope query (clause 4.19) languages:
 * {@code ;} is AND and binds tighter than OR, written {@code |} or {@code ,}; parentheses group.
 */
final class LogicalGrammar<T> {
    private final SyntaxCursor cursor;
    private final Builder<T> builder;

    private LogicalGrammar(SyntaxCursor cursor, Builder<T> builder) {
        this.cursor = cursor;
        this.builder = builder;
    }

    /** Builds the nodes of one language; {@link #operand} reads one operand at the cursor or fails there. */
    interface Builder<T> {
        T operand(SyntaxCursor cursor);

        T allOf(List<T> operands);

        T anyOf(List<T> operands);
    }

    static <T> T parse(String parameter, String text, Builder<T> builder) {
        LogicalGrammar<T> grammar = new LogicalGrammar<>(new SyntaxCursor(parameter, text), builder);
        T expression = grammar.disjunction();
        if (!grammar.cursor.atEnd()) {
            throw grammar.cursor.expected("';', '|', ',' or the end of " + parameter);
        }
        return expression;
    }

    private T disjunction() {
        List<T> operands = new ArrayList<>();
        do {
            operands.add(conjunction());
        } while (cursor.consume("|") || cursor.consume(","));
        return operands.size() == 1 ? operands.getFirst() : builder.anyOf(operands);
    }

    private T conjunction() {
        List<T> operands = new ArrayList<>();
        do {
            operands.add(primary());
        } while (cursor.consume(";"));
        return operands.size() == 1 ? operands.getFirst() : builder.allOf(operands);
    }

    private T primary() {
        int open = cursor.position();
        if (!cursor.consume("(")) {
            return builder.operand(cursor);
        }
        cursor.enterGroup();
        T inner = disjunction();
        cursor.expect(")", "';', '|', ',' or ')' closing the '(' at position " + open);
        cursor.leaveGroup();
        return inner;
    }
}
