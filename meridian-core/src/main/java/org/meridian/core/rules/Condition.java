package org.meridian.core.rules;

import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;

/** One condition of a rule; a rule fires when all its conditions hold for one key at once. */
public sealed interface Condition {

    /** The entity type it is about (an expanded IRI), or null for a condition on time alone. */
    String type();

    /** How far back in event time it looks: samples older than this (and the lateness) are no longer needed. */
    Duration reach();

    /** Which entities of the type it is about, by id: a regular expression found in it (as NGSI-LD's idPattern; RE2, linear time); null: all. */
    default com.google.re2j.Pattern idPattern() {
        return null;
    }

    /** Whether the condition is about this entity (of its type). */
    default boolean admits(String entity) {
        return idPattern() == null || idPattern().matcher(entity).find();
    }

    /**
     * An attribute passes a test, and has passed it for at least {@code sustained} (zero: at once). The value holds
     * from one sample to the next, so a sensor reporting every minute above 30 cm for five minutes is five minutes.
     */
    record Threshold(String type, String attribute, Comparison test, Duration sustained, com.google.re2j.Pattern idPattern)
            implements Condition {
        public Threshold(String type, String attribute, Comparison test, Duration sustained) {
            this(type, attribute, test, sustained, null);
        }

        @Override
        public Duration reach() {
            return sustained;
        }
    }

    /** An entity of the type has sent nothing for {@code silentFor}: a sensor gone quiet. */
    record Silence(String type, Duration silentFor, com.google.re2j.Pattern idPattern) implements Condition {
        public Silence(String type, Duration silentFor) {
            this(type, silentFor, null);
        }

        @Override
        public Duration reach() {
            return Duration.ZERO;
        }
    }

    /** An aggregate of an attribute over the last {@code over} of event time passes a test. */
    record Window(String type, String attribute, Aggregate aggregate, Duration over, Comparison test, com.google.re2j.Pattern idPattern)
            implements Condition {
        public Window(String type, String attribute, Aggregate aggregate, Duration over, Comparison test) {
            this(type, attribute, aggregate, over, test, null);
        }

        @Override
        public Duration reach() {
            return over;
        }
    }

    /** A condition on the moment alone, about no entity: it narrows when a rule's entity conditions count. */
    sealed interface OnTime extends Condition {
        @Override
        default String type() {
            return null;
        }

        @Override
        default Duration reach() {
            return Duration.ZERO;
        }
    }

    /** The time of day (in the city's zone) is in [from, to); a span across midnight when from is after to. */
    record TimeOfDay(LocalTime from, LocalTime to, ZoneId zone) implements OnTime {
        public boolean contains(java.time.Instant at) {
            LocalTime time = at.atZone(zone).toLocalTime();
            return from.isBefore(to) ? !time.isBefore(from) && time.isBefore(to) : !time.isBefore(from) || time.isBefore(to);
        }
    }

    /**
     * The moment is in the city's working hours ({@code working}), or outside them: the tenant's working calendar
     * (hours, weekends, holidays, 调休 workdays), which the kernel is given.
     */
    record WorkingTime(boolean working) implements OnTime {
    }

    /** What a window condition computes over its samples. */
    enum Aggregate {
        AVERAGE("average"), MIN("min"), MAX("max"), SUM("sum"), COUNT("count"),
        /** the change from the window's first sample to its last, per hour */
        CHANGE_PER_HOUR("changePerHour");

        private final String word;

        Aggregate(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }
    }
}
