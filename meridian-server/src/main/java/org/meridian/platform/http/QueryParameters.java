package org.meridian.platform.http;

import io.javalin.http.Context;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.meridian.core.error.MeridianException;

/**
 * Query parameters by name, from the URL or, for the POST forms of a query, from the body's members first: one reader
 * for both, so the two forms cannot drift apart.
 */
@FunctionalInterface
public interface QueryParameters {
    /** The parameter's one value, null when absent; empty or repeated is 400. */
    String single(String name);

    static QueryParameters of(Context http) {
        return name -> {
            List<String> values = http.queryParams(name);
            if (values.size() > 1) {
                throw MeridianException.badData("The parameter " + name + " is given more than once");
            }
            if (values.isEmpty()) {
                return null;
            }
            if (values.getFirst().isEmpty()) {
                throw MeridianException.badData("The parameter " + name + " is empty");
            }
            return values.getFirst();
        };
    }

    /** These values (from a body) before the URL's. */
    static QueryParameters overlay(Map<String, String> values, QueryParameters base) {
        return name -> values.containsKey(name) ? values.get(name) : base.single(name);
    }

    default List<String> list(String name) {
        String value = single(name);
        if (value == null) {
            return null;
        }
        List<String> items = new java.util.ArrayList<>();
        for (String item : value.split(",")) {
            if (item.isBlank()) {
                throw MeridianException.badData("The parameter " + name + " has an empty element");
            }
            items.add(item.trim());
        }
        return items;
    }

    default Set<String> options() {
        List<String> given = list("options");
        return given == null ? Set.of() : new LinkedHashSet<>(given);
    }

    default int integer(String name, int defaultValue, int minimum) {
        String value = single(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            int number = Integer.parseInt(value);
            if (number < minimum) {
                throw MeridianException.badData("The parameter " + name + " must be at least " + minimum + ", not " + number);
            }
            return number;
        } catch (NumberFormatException e) {
            throw MeridianException.badData("The parameter " + name + " must be a whole number, not '" + value + "'");
        }
    }

    default boolean flag(String name) {
        String value = single(name);
        if (value == null) {
            return false;
        }
        // Any case: clients that print a boolean (Python's True) are understood.
        return switch (value.toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw MeridianException.badData("The parameter " + name + " must be true or false, not '" + value + "'");
        };
    }
}
