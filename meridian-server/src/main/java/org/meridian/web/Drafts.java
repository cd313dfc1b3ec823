package org.meridian.web;

import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What someone typed into a form when their sign-in had ended: its fields, carried through the sign-in form (as
 * hidden {@code draft.*} fields) and offered back to be sent again, so that nothing typed is lost. Bounded: at most
 * {@value #MAX_FIELDS} fields of {@value #MAX_LENGTH} characters; files cannot be carried (the form says so).
 */
final class Drafts {
    static final int MAX_FIELDS = 30;
    static final int MAX_LENGTH = 4000;
    private static final String PREFIX = "draft.";

    private Drafts() {
    }

    static boolean isForm(Context http) {
        String type = http.contentType();
        return type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded");
    }

    /** The fields of the form just sent (not its CSRF token, which belonged to the ended sign-in). */
    static Map<String, String> of(Context http) {
        return bounded(http.formParamMap(), "");
    }

    /** The draft the sign-in form carried. */
    static Map<String, String> carried(Context http) {
        return isForm(http) ? bounded(http.formParamMap(), PREFIX) : Map.of();
    }

    private static Map<String, String> bounded(Map<String, List<String>> form, String prefix) {
        Map<String, String> draft = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> field : form.entrySet()) {
            String name = field.getKey();
            if (!name.startsWith(prefix) || field.getValue().isEmpty() || draft.size() >= MAX_FIELDS) {
                continue;
            }
            String bare = name.substring(prefix.length());
            String value = field.getValue().getFirst();
            if (!bare.isEmpty() && !bare.equals("_csrf") && bare.length() <= 64 && value.length() <= MAX_LENGTH) {
                draft.put(bare, value);
            }
        }
        return draft;
    }
}
