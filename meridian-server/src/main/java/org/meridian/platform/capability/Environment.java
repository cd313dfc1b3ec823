package org.meridian.platform.capability;

import java.nio.file.Path;
import java.util.Map;

/**
 * The settings as given (environment variables, command-line options over them), read by each capability for its own
 * keys: a capability's settings live with it, not in one central record.
 */
public final class Environment {
    private final Map<String, String> values;

    public Environment(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    /** The value, trimmed, or the default when unset or blank. */
    public String text(String key, String defaultValue) {
        String value = values.get(key);
        return value == null || value.isBlank() ? defaultValue : value.trim();
    }

    public Path path(String key) {
        String value = text(key, null);
        return value == null ? null : Path.of(value);
    }

    public int integer(String key, int defaultValue) {
        long value = longInteger(key, defaultValue);
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(key + " is out of range: '" + text(key, "") + "'");
        }
        return (int) value;
    }

    public long longInteger(String key, long defaultValue) {
        String value = text(key, null);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, not '" + value + "'");
        }
    }

    /** This environment with some values replaced (command-line options). */
    public Environment with(String key, String value) {
        java.util.HashMap<String, String> copy = new java.util.HashMap<>(values);
        copy.put(key, value);
        return new Environment(copy);
    }
}
