package org.meridian.platform.http;

import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.meridian.core.error.MeridianException;

/** Reading NGSI-LD query parameters with errors in the API's own format. */
public final class Parameters {
    private Parameters() {
    }

    public static String single(Context http, String name) {
        List<String> values = http.queryParams(name);
        if (values.size() > 1) {
            throw MeridianException.badData("The parameter " + name + " is given more than once");
        }
        if (values.isEmpty()) {
            return null;
        }
        String value = values.getFirst();
        if (value.isEmpty()) {
            throw MeridianException.badData("The parameter " + name + " is empty");
        }
        return value;
    }

    /** A comma-separated list parameter; null when absent. */
    public static List<String> list(Context http, String name) {
        String value = single(http, name);
        if (value == null) {
            return null;
        }
        List<String> items = new ArrayList<>();
        for (String item : value.split(",")) {
            if (item.isBlank()) {
                throw MeridianException.badData("The parameter " + name + " has an empty element");
            }
            items.add(item.trim());
        }
        return items;
    }

    public static Set<String> options(Context http) {
        Set<String> options = new LinkedHashSet<>();
        List<String> given = list(http, "options");
        if (given != null) {
            options.addAll(given);
        }
        return options;
    }

    public static int integer(Context http, String name, int defaultValue, int minimum) {
        String value = single(http, name);
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

    public static boolean flag(Context http, String name) {
        String value = single(http, name);
        if (value == null) {
            return false;
        }
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw MeridianException.badData("The parameter " + name + " must be true or false, not '" + value + "'");
        };
    }
}
