package org.meridian.cases;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Set;
import org.meridian.core.error.MeridianException;

/**
 * Something a category asks the reporter besides the description (Open311 calls them a service's attributes): the
 * depth of a pothole, which lamp is out. Answers are checked here, so every face (Open311, the case API) keeps them
 * to the same rules.
 *
 * @param datatype string (one line), text (several), number, datetime (ISO 8601 with zone), singlevaluelist,
 *                 multivaluelist
 * @param order where the question is shown (1 first)
 * @param choices the allowed answers of a list question: key (what is sent) and name (what is shown)
 */
public record Question(String code, String datatype, boolean required, String description, int order, List<Choice> choices) {
    /** The datatypes of GeoReport v2. */
    public static final List<String> DATATYPES = List.of("string", "number", "datetime", "text", "singlevaluelist", "multivaluelist");
    static final int MAX_QUESTIONS = 30;
    static final int MAX_CHOICES = 100;

    public Question {
        choices = choices == null ? List.of() : List.copyOf(choices);
    }

    /** An answer a list question allows. */
    public record Choice(String key, String name) {
    }

    /** Whether the question's answer is picked from its choices. */
    public boolean fromChoices() {
        return datatype.endsWith("valuelist");
    }

    /** Checks the question itself (when a category is saved). */
    void check() {
        CaseService.checkCode(code, "question code");
        if (!DATATYPES.contains(datatype)) {
            throw invalid("A question's datatype is one of " + DATATYPES + ", not " + datatype);
        }
        if (description == null || description.isBlank() || description.length() > 1000) {
            throw invalid("Question " + code + " has a description of 1 to 1000 characters");
        }
        if (order < 1 || order > 1000) {
            throw invalid("Question " + code + " has an order from 1 to 1000");
        }
        if (fromChoices() != !choices.isEmpty() || choices.size() > MAX_CHOICES) {
            throw invalid("Question " + code + (fromChoices() ? " lists 1 to " + MAX_CHOICES + " choices" : " has no choices (only list questions do)"));
        }
        if (choices.stream().map(Choice::key).distinct().count() != choices.size()
                || choices.stream().anyMatch(c -> blankOrLong(c.key(), 64) || blankOrLong(c.name(), 200))) {
            throw invalid("Question " + code + "'s choices have distinct keys (1 to 64 characters) and names (1 to 200)");
        }
    }

    /**
     * The reporter's answer, checked: the values given (several only for a multivaluelist), or an empty list for an
     * optional question left out.
     */
    public List<String> answer(List<String> given) {
        List<String> values = given == null ? List.of() : given.stream().filter(value -> value != null && !value.isBlank()).toList();
        if (values.isEmpty()) {
            if (required) {
                throw invalid("attribute[" + code + "] is required: " + description);
            }
            return List.of();
        }
        if (values.size() > 1 && !datatype.equals("multivaluelist")) {
            throw invalid("attribute[" + code + "] takes one value");
        }
        Set<String> keys = choices.stream().map(Choice::key).collect(java.util.stream.Collectors.toSet());
        for (String value : values) {
            switch (datatype) {
                case "string" -> {
                    if (value.length() > 500 || value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
                        throw invalid("attribute[" + code + "] is one line of at most 500 characters");
                    }
                }
                case "text" -> {
                    if (value.length() > 4000) {
                        throw invalid("attribute[" + code + "] is at most 4000 characters");
                    }
                }
                case "number" -> {
                    try {
                        if (value.length() > 40) {
                            throw new NumberFormatException();
                        }
                        new BigDecimal(value.trim());
                    } catch (NumberFormatException e) {
                        throw invalid("attribute[" + code + "] is a number");
                    }
                }
                case "datetime" -> {
                    try {
                        OffsetDateTime.parse(value.trim());
                    } catch (DateTimeParseException e) {
                        throw invalid("attribute[" + code + "] is a date and time with its zone, e.g. 2026-12-05T08:30:00+08:00");
                    }
                }
                default -> {
                    if (!keys.contains(value)) {
                        throw invalid("attribute[" + code + "] is one of " + new java.util.TreeSet<>(keys));
                    }
                }
            }
        }
        return values.stream().distinct().toList();
    }

    private static boolean blankOrLong(String text, int max) {
        return text == null || text.isBlank() || text.length() > max;
    }

    private static MeridianException invalid(String detail) {
        return new MeridianException(CaseError.INVALID_INPUT, detail);
    }
}
