package org.meridian.core.rules;

/**
 * A comparison of one value: {@code above 30}, {@code between 10 and 20}, {@code equals "off"}. Numbers compare with
 * numbers and texts with texts; a value of the other kind never passes (a sensor sending "error" is not above 30).
 */
public record Comparison(Op op, Double number, Double upper, String text) {
    public enum Op {
        ABOVE("above"), AT_LEAST("atLeast"), BELOW("below"), AT_MOST("atMost"), BETWEEN("between"), EQUALS("equals"),
        NOT_EQUALS("notEquals");

        private final String word;

        Op(String word) {
            this.word = word;
        }

        /** How the rule language writes it. */
        public String word() {
            return word;
        }
    }

    public Comparison {
        boolean textual = op == Op.EQUALS || op == Op.NOT_EQUALS;
        if (textual ? number == null && text == null : number == null || op == Op.BETWEEN && (upper == null || upper < number)) {
            throw new IllegalArgumentException("a comparison " + op.word() + " needs its value(s)");
        }
    }

    public boolean passes(Sample sample) {
        return sample.number() != null ? passes(sample.number()) : passesText(sample.text());
    }

    public boolean passes(double value) {
        return switch (op) {
            case ABOVE -> value > number;
            case AT_LEAST -> value >= number;
            case BELOW -> value < number;
            case AT_MOST -> value <= number;
            case BETWEEN -> value >= number && value <= upper;
            case EQUALS -> number != null && value == number;
            case NOT_EQUALS -> number == null || value != number;
        };
    }

    boolean passesText(String value) {
        return switch (op) {
            case EQUALS -> text != null && text.equals(value);
            case NOT_EQUALS -> text == null || !text.equals(value);
            default -> false;
        };
    }

    @Override
    public String toString() {
        return op.word() + " " + (op == Op.BETWEEN ? number + "–" + upper : text != null ? "\"" + text + "\"" : String.valueOf(number));
    }
}
