package org.meridian.core.query;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * One literal value of a query term. Temporal literals are normalised to UTC and microsecond precision, the precision
 * PostgreSQL keeps.
 */
public sealed interface QueryLiteral {

    record TextLiteral(String text) implements QueryLiteral {
        public TextLiteral {
            Objects.requireNonNull(text, "text");
        }
    }

    record NumberLiteral(BigDecimal number) implements QueryLiteral {
        public NumberLiteral {
            Objects.requireNonNull(number, "number");
        }
    }

    record BooleanLiteral(boolean value) implements QueryLiteral {
    }

    /** An instant; q date-times without an offset are read as UTC. */
    record DateTimeLiteral(Instant instant) implements QueryLiteral {
        public DateTimeLiteral {
            instant = instant.truncatedTo(ChronoUnit.MICROS);
        }
    }

    record DateLiteral(LocalDate date) implements QueryLiteral {
        public DateLiteral {
            Objects.requireNonNull(date, "date");
        }
    }

    /** A time of day in UTC; q times with an offset are converted to UTC. */
    record TimeLiteral(LocalTime time) implements QueryLiteral {
        public TimeLiteral {
            time = time.truncatedTo(ChronoUnit.MICROS);
        }
    }
}
