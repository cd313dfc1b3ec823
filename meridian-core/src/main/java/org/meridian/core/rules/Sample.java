package org.meridian.core.rules;

import java.time.Instant;

/**
 * One observed value of an attribute at its moment (its {@code observedAt}, else when it was written): a number, or a
 * text (a Property's string or boolean, a Relationship's object).
 */
public record Sample(Instant at, Double number, String text) {
    public static Sample of(Instant at, double number) {
        return new Sample(at, number, null);
    }

    public static Sample of(Instant at, String text) {
        return new Sample(at, null, text);
    }

    /** The value as written in evidence. */
    public String value() {
        if (number == null) {
            return text;
        }
        return number == Math.rint(number) && Math.abs(number) < 1e15 ? Long.toString(number.longValue()) : number.toString();
    }
}
